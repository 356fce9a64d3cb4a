"""What an operator should be alerted on, read from the database (docs/monitoring.md).

    DATABASE_URL=... .venv/bin/python tools/ops_status.py      (or in the container:
    docker compose exec web python tools/ops_status.py)

Prints one count per line; exits 1 when any count marked "alert" is above zero, so a monitor can
run it every few minutes. Settings come from DJANGO_SETTINGS_MODULE (default: the local settings)
and the environment, as for manage.py.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def counts() -> list[tuple[str, int, bool]]:
    """(what, how many, alert when above zero)."""
    from django.utils import timezone

    from accounts.models import SecurityEvent, SecurityEventKind
    from core.models import OutboxTask
    from evidence.models import EvidenceItem, EvidenceKind
    from evidence.services import retention_cutoff
    from notifications.models import Notification
    from reports.models import IN_FLIGHT, Report, ReportStatus

    now = timezone.now()
    hour = now - datetime.timedelta(hours=1)
    cutoff = retention_cutoff()
    cutoff_start = datetime.datetime.combine(
        cutoff, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    return [
        (
            "outbox tasks waiting over 5 minutes (broker or beat down)",
            OutboxTask.objects.filter(
                dispatched_at__isnull=True, created_at__lt=now - datetime.timedelta(minutes=5)
            ).count(),
            True,
        ),
        (
            "notification emails not sent after a try (mail server)",
            Notification.objects.filter(emailed_at__isnull=True, email_attempts__gt=0).count(),
            True,
        ),
        (
            "reports failed in the last day",
            Report.objects.filter(
                status=ReportStatus.FAILED, finished_at__gte=now - datetime.timedelta(days=1)
            ).count(),
            True,
        ),
        (
            "reports queued or rendering for over 15 minutes (worker)",
            Report.objects.filter(
                status__in=list(IN_FLIGHT), requested_at__lt=now - datetime.timedelta(minutes=15)
            ).count(),
            True,
        ),
        (
            "evidence files past EVIDENCE_RETENTION_DAYS still stored (retention job)",
            EvidenceItem.objects.filter(
                kind=EvidenceKind.FILE,
                assessment__round__closes_on__lt=cutoff,
                assessment__last_activity_at__lt=cutoff_start,
            )
            .exclude(stored_name="")
            .count(),
            True,
        ),
        (
            "failed sign-ins in the last hour",
            SecurityEvent.objects.filter(
                kind=SecurityEventKind.SIGN_IN_FAILED, occurred_at__gte=hour
            ).count(),
            False,
        ),
        (
            "lock-outs in the last hour",
            SecurityEvent.objects.filter(
                kind=SecurityEventKind.LOCKED_OUT, occurred_at__gte=hour
            ).count(),
            False,
        ),
    ]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_portal.settings.local")
    import django

    django.setup()
    alerts = 0
    for what, count, alert in counts():
        flag = "ALERT" if alert and count else "ok" if alert else "info"
        alerts += flag == "ALERT"
        print(f"{flag:<5} {count:>6}  {what}")
    return 1 if alerts else 0


if __name__ == "__main__":
    sys.exit(main())
