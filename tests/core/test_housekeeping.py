"""The daily housekeeping deletes what is past its retention and nothing that is still needed."""

import datetime

from axes.models import AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SecurityEvent, SecurityEventKind
from core.models import OutboxTask
from core.tasks import housekeeping
from notifications.models import Notification, NotificationKind
from tests.factories.accounts import two_tenants

NOW = timezone.now()


def _ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def _world(settings):
    settings.SIGN_IN_LOG_RETENTION_DAYS = 90
    settings.SECURITY_EVENT_RETENTION_DAYS = 400
    settings.OUTBOX_RETENTION_DAYS = 30
    settings.NOTIFICATION_RETENTION_DAYS = 365
    world = two_tenants()
    user = world.a.officer
    for key, expires in (("expired", _ago(1)), ("current", NOW + datetime.timedelta(days=1))):
        store = SessionStore()
        store["marker"] = key
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    for days in (91, 89):
        log = AccessLog.objects.create(username=user.email, ip_address="203.0.113.9")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=_ago(days))
    for days in (401, 399):
        SecurityEvent.objects.create(
            kind=SecurityEventKind.SIGN_IN_SUCCEEDED, actor=user, occurred_at=_ago(days)
        )
    OutboxTask.objects.create(task_name="old.published", dispatched_at=_ago(31))
    OutboxTask.objects.create(task_name="recent.published", dispatched_at=_ago(29))
    OutboxTask.objects.create(task_name="old.waiting")  # never published: kept however old
    OutboxTask.objects.filter(task_name="old.waiting").update(created_at=_ago(100))
    for subject, created, read in (
        ("old read", _ago(366), _ago(300)),
        ("old unread", _ago(366), None),
        ("recent read", _ago(10), _ago(5)),
    ):
        Notification.objects.create(
            recipient=user,
            kind=NotificationKind.SUBMITTED,
            subject=subject,
            message="m",
            created_at=created,
            read_at=read,
        )
    return world


def test_housekeeping_deletes_only_what_is_past_its_retention(db, settings):
    _world(settings)
    deleted = housekeeping()
    assert deleted == {
        "expired sessions": 1,
        "sign-in log entries": 1,
        "security events": 1,
        "published background tasks": 1,
        "read notifications": 1,
    }
    assert [
        SessionStore(session_key=s.session_key).load()["marker"] for s in Session.objects.all()
    ] == ["current"]
    assert AccessLog.objects.count() == 1
    assert SecurityEvent.objects.get().occurred_at > _ago(400)
    assert set(OutboxTask.objects.values_list("task_name", flat=True)) == {
        "recent.published",
        "old.waiting",
    }
    assert set(Notification.objects.values_list("subject", flat=True)) == {
        "old unread",
        "recent read",
    }
    # Running again deletes nothing more.
    assert set(housekeeping().values()) == {0}


def test_the_retention_periods_are_settings(db, settings):
    _world(settings)
    settings.SECURITY_EVENT_RETENTION_DAYS = 398
    settings.OUTBOX_RETENTION_DAYS = 1
    deleted = housekeeping()
    assert deleted["security events"] == 2
    assert deleted["published background tasks"] == 2


def test_the_command_prints_what_it_deleted(db, settings, capsys):
    _world(settings)
    call_command("housekeeping")
    out = capsys.readouterr().out
    assert "security events: 1 deleted" in out and "expired sessions: 1 deleted" in out


def test_beat_runs_it_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping"]
    assert entry["task"] == "core.tasks.housekeeping" and entry["schedule"] == 86400
