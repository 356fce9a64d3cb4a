"""Daily housekeeping: deletes what has outlived its purpose, by the retention periods in settings
(docs/retention.md). Evidence files and report PDFs have their own jobs in their apps.

Each step is one bulk DELETE on an indexed date, so the job is cheap and safe to run again; rows
still needed are never touched (outbox rows not yet published, unread notifications)."""

from __future__ import annotations

import datetime
import logging
from importlib import import_module

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


def _before(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def housekeeping_run() -> dict[str, int]:
    """Deletes expired sessions, old sign-in logs, old security events, published outbox rows and
    old read notifications. Returns how many rows of each went."""
    from axes.models import AccessLog

    from accounts.models import SecurityEvent
    from core.models import OutboxTask
    from notifications.models import Notification

    deleted: dict[str, int] = {}
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    session_model = session_store.get_model_class()
    before = session_model.objects.count()
    session_store.clear_expired()
    deleted["expired sessions"] = before - session_model.objects.count()
    deleted["sign-in log entries"] = AccessLog.objects.filter(
        attempt_time__lt=_before(settings.SIGN_IN_LOG_RETENTION_DAYS)
    ).delete()[0]
    deleted["security events"] = SecurityEvent.objects.filter(
        occurred_at__lt=_before(settings.SECURITY_EVENT_RETENTION_DAYS)
    ).delete()[0]
    deleted["published background tasks"] = OutboxTask.objects.filter(
        dispatched_at__isnull=False,
        dispatched_at__lt=_before(settings.OUTBOX_RETENTION_DAYS),
    ).delete()[0]
    deleted["read notifications"] = Notification.objects.filter(
        read_at__isnull=False,
        created_at__lt=_before(settings.NOTIFICATION_RETENTION_DAYS),
    ).delete()[0]
    logger.info("Housekeeping deleted %s", deleted)
    return deleted
