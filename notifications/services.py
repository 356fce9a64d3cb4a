"""Every write to notifications. Notifications are created in the caller's transaction; each
email is sent by the worker, enqueued through the outbox, so a mail failure never blocks the action
that caused it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.outbox import outbox_enqueue

from .models import Notification, NotificationKind

if TYPE_CHECKING:
    from accounts.models import Area, Authority, User
    from assessments.models import Assessment

SEND_EMAIL_TASK = "notifications.tasks.send_notification_email"


def _create(
    recipients: Iterable[User],
    *,
    kind: NotificationKind,
    subject: str,
    message: str,
    link: str,
    authority: Authority | None = None,
    area: Area | None = None,
    assessment: Assessment | None = None,
) -> list[Notification]:
    created = []
    seen: set[int] = set()
    for recipient in recipients:
        if recipient.pk in seen or not recipient.is_active:
            continue
        seen.add(recipient.pk)
        notification = Notification(
            recipient=recipient,
            kind=kind,
            subject=subject[:200],
            message=message,
            link=link,
            authority=authority,
            area=area,
            assessment=assessment,
        )
        notification.full_clean()
        created.append(notification)
    for notification in created:
        notification.save()
        outbox_enqueue(task_name=SEND_EMAIL_TASK, kwargs={"notification_id": notification.pk})
    return created


def _area_leads(authority: Authority) -> list[User]:
    from accounts.models import User

    if authority.area_id is None:
        return []
    return list(User.objects.filter(area_assignments__area_id=authority.area_id, is_active=True))


def _authority_editors(authority: Authority) -> list[User]:
    from accounts.models import MembershipRole, User

    return list(
        User.objects.filter(
            memberships__authority=authority,
            memberships__role__in=[MembershipRole.AUTHORITY_LEAD, MembershipRole.OFFICER],
            is_active=True,
        ).order_by("email")
    )


def assessment_event_notify(
    *, assessment: Assessment, kind: NotificationKind, actor: User | None, comments: str = ""
) -> list[Notification]:
    """Notify the people an assessment's status change concerns: on submission the area's leads;
    on return or agreement the authority's leads and officers. Call inside the change's
    transaction."""
    authority = assessment.authority
    name = f"{authority.name}'s {assessment.round.name} assessment"
    who = (actor.full_name or actor.email) if actor else "Someone"
    if kind == NotificationKind.SUBMITTED:
        recipients = _area_leads(authority)
        subject = f"{name} has been submitted for review"
        message = f"{who} submitted {name}. It is ready for you to review."
        link = reverse("reviews:review", args=[assessment.pk])
    elif kind == NotificationKind.RETURNED:
        recipients = _authority_editors(authority)
        subject = f"{name} has been returned to you"
        message = (
            f"{who} returned {name} so that you can change it and submit it again.\n\n"
            f"Their comments:\n{comments}"
        )
        link = reverse("assessments:task_list", args=[assessment.pk])
    elif kind == NotificationKind.AGREED:
        recipients = _authority_editors(authority)
        subject = f"{name} has been agreed"
        message = f"{who} agreed {name}."
        if comments:
            message += f"\n\nTheir comments:\n{comments}"
        link = reverse("assessments:results", args=[assessment.pk])
    else:
        raise ValueError(f"Not an assessment event: {kind}")
    if actor is not None:
        recipients = [r for r in recipients if r.pk != actor.pk]
    return _create(
        recipients,
        kind=kind,
        subject=subject,
        message=message,
        link=link,
        authority=authority,
        area=authority.area,
        assessment=assessment,
    )


@transaction.atomic
def report_ready_notify(
    *,
    recipients: Iterable[User],
    report_title: str,
    link: str,
    authority: Authority | None = None,
    area: Area | None = None,
    assessment: Assessment | None = None,
) -> list[Notification]:
    """Tell people a report they may see is ready to download (for the reports feature)."""
    return _create(
        recipients,
        kind=NotificationKind.REPORT_READY,
        subject=f"Your report is ready: {report_title}",
        message=f"The report “{report_title}” is ready to download.",
        link=link,
        authority=authority,
        area=area,
        assessment=assessment,
    )


def notification_mark_read(*, recipient: User, pk: int) -> bool:
    """Mark one of the recipient's notifications read. False if it is not theirs (or missing)."""
    notification = Notification.objects.filter(recipient=recipient, pk=pk).first()
    if notification is None:
        return False
    if notification.read_at is None:
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(read_at=timezone.now())
    return True


def notifications_mark_all_read(*, recipient: User) -> int:
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's email, once. True if it was sent now. Raises the mail error so the
    task can retry it."""
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or notification.emailed_at is not None:
        return False
    Notification.objects.filter(pk=notification_id).update(
        email_attempts=notification.email_attempts + 1
    )
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    context = {
        "notification": notification,
        "url": f"{base}{notification.link}" if notification.link else "",
        "service_name": getattr(settings, "PORTAL_SERVICE_NAME", "Maturity Portal"),
    }
    text = render_to_string("notifications/email/notification.txt", context)
    html = render_to_string("notifications/email/notification.html", context)
    email = EmailMultiAlternatives(
        subject=notification.subject, body=text, to=[notification.recipient.email]
    )
    email.attach_alternative(html, "text/html")
    email.send()
    Notification.objects.filter(pk=notification_id).update(
        emailed_at=timezone.now(), email_error=""
    )
    return True


def notification_email_failed(*, notification_id: int, error: str) -> None:
    Notification.objects.filter(pk=notification_id).update(email_error=error[:500])
