import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_submitting_notifies_the_area_s_leads_by_email_and_in_the_portal(tenants, submitted):
    notification = Notification.objects.get()
    assert notification.recipient == tenants.a.area_lead
    assert notification.kind == NotificationKind.SUBMITTED
    assert notification.emailed_at is not None
    email = mail.outbox[-1]
    assert email.to == [tenants.a.area_lead.email]
    assert "Authority A" in email.subject
    assert reverse("reviews:review", args=[submitted.pk]) in email.body
    html, kind = email.alternatives[0]
    assert kind == "text/html" and '<html lang="en-GB">' in html


def test_an_email_failure_is_retried_and_never_blocks_the_action(
    tenants, assessment, committed, monkeypatch
):
    from assessments.models import AssessmentStatus
    from assessments.services import assessment_submit
    from tests.assessments.helpers import complete

    calls = []

    def broken_send(self, *args, **kwargs):
        calls.append(1)
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    complete(assessment, tenants.a.lead)
    with committed():
        assessment_submit(assessment=assessment, actor=tenants.a.lead)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    notification = Notification.objects.get()
    assert len(calls) == 6  # the first try and five retries (eager: no waiting)
    assert notification.emailed_at is None
    assert "mail server down" in notification.email_error
    assert notification.email_attempts == 6


def test_sending_twice_sends_once(tenants, submitted):
    notification = Notification.objects.get()
    before = len(mail.outbox)
    assert services.notification_email_send(notification_id=notification.pk) is False
    assert len(mail.outbox) == before


def test_the_page_lists_notifications_with_unread_counts_and_marks_them_read(
    client, tenants, submitted
):
    client.force_login(tenants.a.area_lead)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "You have 1 unread notification." in html
    assert "Notifications (1 unread)" in html  # the header link
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.url == reverse("reviews:review", args=[submitted.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = client.get(reverse("notifications:list")).content.decode()
    assert "You have 0 unread notifications." in html


def test_mark_all_read(client, tenants, submitted):
    client.force_login(tenants.a.area_lead)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_another_person_s_notification_is_404(client, tenants, submitted):
    notification = Notification.objects.get()
    client.force_login(tenants.b.area_lead)
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    html = client.get(reverse("notifications:list")).content.decode()
    assert "Authority A" not in html
    notification.refresh_from_db()
    assert notification.read_at is None


def test_report_ready_notifies_the_recipients(tenants, committed):
    with committed():
        created = services.report_ready_notify(
            recipients=[tenants.a.lead, tenants.a.lead, tenants.a.officer],
            report_title="Authority A, 2026 to 2027",
            link="/reports/1/",
            authority=tenants.a.authority,
        )
    assert len(created) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [tenants.a.lead.email, tenants.a.officer.email]
    )
    assert all("Your report is ready" in m.subject for m in mail.outbox)


def test_on_a_worker_a_mail_failure_is_retried_with_backoff(tenants, submitted, monkeypatch):
    from celery.exceptions import Retry

    from notifications.tasks import MAX_RETRIES, backoff, send_notification_email

    notification = Notification.objects.get()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)

    def broken_send(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    retried = []

    def fake_retry(*, exc, countdown):
        retried.append(countdown)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(send_notification_email, "retry", fake_retry)
    send_notification_email.push_request(is_eager=False, retries=2)
    try:
        with pytest.raises(Retry):
            send_notification_email.run(notification_id=notification.pk)
    finally:
        send_notification_email.pop_request()
    assert retried == [backoff(2)] == [120]
    send_notification_email.push_request(is_eager=False, retries=MAX_RETRIES)
    try:
        assert send_notification_email.run(notification_id=notification.pk) is False
    finally:
        send_notification_email.pop_request()
    assert retried == [120]
