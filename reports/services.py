"""Every write to reports: requesting one (or reusing a stored or in-flight one), retrying a failed
one, rendering (run by the worker) and re-dispatching renders whose worker went away.

Exactly once, whatever the broker does:

- a render *claims* the report by writing a fresh attempt token (status rendering) in a short
  transaction that holds the row with SELECT ... FOR UPDATE SKIP LOCKED; a second delivery finds
  the report rendering under a live lease (or ready) and does nothing;
- the file is written under a name that holds the token, and the report is marked ready, with the
  "report ready" notification, in one transaction that checks the token is still the report's: a
  render that lost its claim deletes its own file and changes nothing;
- a worker killed mid-render leaves the report rendering; after the lease
  (``REPORTS_LEASE_SECONDS``) beat's ``redispatch_stuck`` publishes the task again, the next
  render claims it (the lease has run out) and deletes the dead attempt's file if it got that far.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.outbox import outbox_enqueue

from . import selectors
from .models import IN_FLIGHT, Report, ReportKind, ReportStatus

if TYPE_CHECKING:
    from accounts.models import Area, User
    from assessments.models import Assessment, Round

logger = logging.getLogger(__name__)

RENDER_TASK = "reports.tasks.render_report"
STORAGE_ALIAS = "reports"


def report_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORTS_LEASE_SECONDS)


def stored_name_for(report: Report, token: str) -> str:
    folder = (
        f"authority-{report.authority_id}"
        if report.kind == ReportKind.AUTHORITY
        else f"area-{report.area_id}"
    )
    return f"{folder}/report-{report.pk}-{token}.pdf"


def _enqueue(report: Report) -> None:
    outbox_enqueue(task_name=RENDER_TASK, kwargs={"report_id": report.pk})


# --- Requests -------------------------------------------------------------------------------------


def _reuse_or_create(
    existing: Any, *, fingerprint: str, create: dict[str, Any], actor: User
) -> tuple[Report, bool]:
    """The in-flight report for the same subject, else a ready one with the same fingerprint, else
    a new queued one (enqueued). Returns (report, created). Call inside the subject's lock."""
    in_flight = existing.filter(status__in=list(IN_FLIGHT)).first()
    if in_flight is not None:
        return in_flight, False
    ready = existing.filter(status=ReportStatus.READY, fingerprint=fingerprint).first()
    if ready is not None:
        return ready, False
    report = Report(
        **create,
        fingerprint=fingerprint,
        template_version=selectors.TEMPLATE_VERSION,
        requested_by=actor,
        status=ReportStatus.QUEUED,
    )
    report.full_clean()
    report.save()
    _enqueue(report)
    return report, True


def authority_report_request(*, assessment: Assessment, actor: User) -> tuple[Report, bool]:
    """Ask for the assessment's authority report. Reuses a report queued or rendering, or a ready
    one built from the same data with the same template version. The caller checks permission."""
    from assessments.models import Assessment as AssessmentModel

    data = selectors.authority_report_data(assessment=assessment)
    fingerprint = selectors.fingerprint(data)
    with transaction.atomic():
        # One request at a time per assessment, so two clicks cannot start two renders.
        AssessmentModel.objects.select_for_update().filter(pk=assessment.pk).first()
        return _reuse_or_create(
            selectors.reports_for_assessment(assessment=assessment),
            fingerprint=fingerprint,
            create={
                "kind": ReportKind.AUTHORITY,
                "authority_id": assessment.authority_id,
                "assessment": assessment,
                "title": f"{assessment.authority.name} data maturity report, "
                f"{assessment.round.name}",
            },
            actor=actor,
        )


def area_report_request(*, area: Area, round: Round, actor: User) -> tuple[Report, bool]:  # noqa: A002
    from accounts.models import Area as AreaModel

    data = selectors.area_report_data(area=area, round=round)
    fingerprint = selectors.fingerprint(data)
    with transaction.atomic():
        AreaModel.objects.select_for_update().filter(pk=area.pk).first()
        return _reuse_or_create(
            Report.objects.filter(kind=ReportKind.AREA, area=area, round=round),
            fingerprint=fingerprint,
            create={
                "kind": ReportKind.AREA,
                "area": area,
                "round": round,
                "title": f"{area.name} area report, {round.name}",
            },
            actor=actor,
        )


def report_retry(*, report: Report, actor: User) -> bool:
    """Queue a failed report again. False (and no change) if it is not failed."""
    with transaction.atomic():
        now = timezone.now()
        changed = Report.objects.filter(pk=report.pk, status=ReportStatus.FAILED).update(
            status=ReportStatus.QUEUED,
            error="",
            dispatched_at=now,
            started_at=None,
            finished_at=None,
            requested_by=actor,
        )
        if changed:
            _enqueue(report)
    return bool(changed)


# --- Rendering (the worker) -----------------------------------------------------------------------


def _claim(report_id: int) -> tuple[Report, str, str] | None:
    """Take the report for one render. Returns (report, new token, previous token) or None when
    there is nothing to do (ready, failed, missing, or rendering elsewhere under a live lease)."""
    now = timezone.now()
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("assessment__round", "assessment__framework_version", "authority")
            .select_related("area", "round__framework_version")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status not in IN_FLIGHT:
            return None
        if (
            report.status == ReportStatus.RENDERING
            and report.started_at is not None
            and report.started_at > now - _lease()
        ):
            return None
        previous = report.attempt_token
        token = secrets.token_hex(16)
        report.status = ReportStatus.RENDERING
        report.attempt_token = token
        report.attempts += 1
        report.started_at = now
        report.dispatched_at = now
        report.save(
            update_fields=["status", "attempt_token", "attempts", "started_at", "dispatched_at"]
        )
    return report, token, previous


def report_pdf(report: Report) -> tuple[dict[str, Any], Any]:
    """Build the report's data and render it: (data, RenderedPdf)."""
    from . import rendering

    if report.kind == ReportKind.AUTHORITY:
        data = selectors.authority_report_data(assessment=report.assessment)
        return data, rendering.authority_report_pdf(data)
    data = selectors.area_report_data(area=report.area, round=report.round)
    return data, rendering.area_report_pdf(data)


def _fail(report: Report, token: str, exc: BaseException) -> None:
    message = f"{type(exc).__name__}: {exc}".strip()[:2000]
    logger.warning("Report %s failed: %s", report.pk, message)
    Report.objects.filter(pk=report.pk, attempt_token=token, status=ReportStatus.RENDERING).update(
        status=ReportStatus.FAILED, error=message, finished_at=timezone.now()
    )


def report_render(*, report_id: int) -> str:
    """Render one report (idempotent: a ready report is not rendered again). Returns what
    happened: "ready", "failed", "superseded" or "skipped"."""
    claimed = _claim(report_id)
    if claimed is None:
        return "skipped"
    report, token, previous = claimed
    storage = report_storage()
    if previous:  # an earlier attempt died: remove its file if it wrote one
        leftover = stored_name_for(report, previous)
        if storage.exists(leftover):
            storage.delete(leftover)
    try:
        data, pdf = report_pdf(report)
        pause = settings.REPORTS_RENDER_PAUSE_SECONDS
        if pause:  # fault tests: time to kill the worker mid-render
            time.sleep(pause)
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the report and shown
        _fail(report, token, exc)
        return "failed"
    name = storage.save(stored_name_for(report, token), ContentFile(pdf.content))
    with transaction.atomic():
        current = (
            Report.objects.select_for_update()
            .filter(pk=report.pk, attempt_token=token, status=ReportStatus.RENDERING)
            .first()
        )
        if current is not None:
            _finish(current, name=name, pdf=pdf, data=data)
    if current is None:  # another render holds the report now: keep nothing of this one
        storage.delete(name)
        return "superseded"
    return "ready"


def _finish(current: Report, *, name: str, pdf: Any, data: dict[str, Any]) -> None:
    """Mark the claimed report ready, with its file, and notify (inside the caller's
    transaction)."""
    current.status = ReportStatus.READY
    current.stored_name = name
    current.size = len(pdf.content)
    current.pages = pdf.pages
    current.fingerprint = selectors.fingerprint(data)
    current.finished_at = timezone.now()
    current.error = ""
    current.save(
        update_fields=[
            "status",
            "stored_name",
            "size",
            "pages",
            "fingerprint",
            "finished_at",
            "error",
        ]
    )
    _notify_ready(current)


def _notify_ready(report: Report) -> None:
    from notifications.services import report_ready_notify

    if report.requested_by is None:
        return
    report_ready_notify(
        recipients=[report.requested_by],
        report_title=report.title,
        link=reverse("reports:detail", args=[report.pk]),
        authority=report.authority,
        area=report.area,
        assessment=report.assessment,
    )


def reports_redispatch_stuck(*, limit: int = 100) -> int:
    """Publish again the renders of reports queued or rendering for longer than the lease (their
    message or their worker was lost). Returns how many were re-dispatched."""
    now = timezone.now()
    cutoff = now - _lease()
    ids = list(selectors.stuck_reports(cutoff=cutoff).values_list("pk", flat=True)[:limit])
    count = 0
    for report_id in ids:
        with transaction.atomic():
            changed = Report.objects.filter(
                pk=report_id, status__in=list(IN_FLIGHT), dispatched_at__lt=cutoff
            ).update(dispatched_at=now)
            if changed:
                outbox_enqueue(task_name=RENDER_TASK, kwargs={"report_id": report_id})
                count += 1
    return count


def render_to_file(*, data: dict[str, Any], kind: str, path: str) -> int:
    """Render a report straight to a file (the operators' command). Returns the page count."""
    from . import rendering

    pdf = (
        rendering.authority_report_pdf(data)
        if kind == ReportKind.AUTHORITY
        else rendering.area_report_pdf(data)
    )
    with open(path, "wb") as handle:
        handle.write(pdf.content)
    return pdf.pages
