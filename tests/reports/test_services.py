"""Requesting, reusing, rendering and retrying reports (SQLite, tasks run eagerly)."""

from __future__ import annotations

import datetime
import io
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader

from notifications.models import Notification, NotificationKind
from reports import selectors, services
from reports.models import Report, ReportKind, ReportStatus

from .conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask(committed):
    """Request a report and run its render (eagerly) as the commit would."""

    def run(call, **kwargs):
        with committed():
            return call(**kwargs)

    return run


def pdf_text(report: Report) -> str:
    with services.report_storage().open(report.stored_name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_request_renders_the_report_once_and_tells_the_requester(
    ask, assessment, tenants, reports_root
):
    report, created = ask(
        services.authority_report_request, assessment=assessment, actor=tenants.a.lead
    )
    assert created
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.attempts == 1 and report.pages > 5
    assert len(stored_files(reports_root)) == 1
    notes = Notification.objects.filter(kind=NotificationKind.REPORT_READY)
    assert [n.recipient for n in notes] == [tenants.a.lead]
    text = pdf_text(report)
    result = assessment.result
    assert tenants.a.authority.name in text
    assert f"Overall level (indicative)\n{result.overall_level}" in text or (
        f"{result.overall_level} " in text
    )
    for row in result.dimension_results.select_related("dimension"):
        assert f"{row.dimension.name}: level {row.level}" in text
    assert "OFFICIAL" in text and "Page 2 of" in text
    assert "Information sharing agreement" in text  # the evidence index


def test_the_same_data_reuses_the_stored_report(ask, assessment, tenants, reports_root):
    first, _ = ask(services.authority_report_request, assessment=assessment, actor=tenants.a.lead)
    again, created = ask(
        services.authority_report_request, assessment=assessment, actor=tenants.a.lead
    )
    assert not created and again.pk == first.pk
    assert Report.objects.count() == 1 and len(stored_files(reports_root)) == 1


def test_changed_data_makes_a_new_report(ask, assessment, tenants):
    from reviews.services import assessment_agree

    first, _ = ask(services.authority_report_request, assessment=assessment, actor=tenants.a.lead)
    assessment_agree(assessment=assessment, actor=tenants.a.area_lead, comments="Well evidenced.")
    assessment.refresh_from_db()
    second, created = ask(
        services.authority_report_request, assessment=assessment, actor=tenants.a.lead
    )
    assert created and second.pk != first.pk
    second.refresh_from_db()
    assert second.status == ReportStatus.READY
    assert "Well evidenced." in pdf_text(second)


def test_the_fingerprint_changes_with_the_template_version(assessment, monkeypatch):
    data = selectors.authority_report_data(assessment=assessment)
    before = selectors.fingerprint(data)
    monkeypatch.setattr(selectors, "TEMPLATE_VERSION", "next")
    assert selectors.fingerprint(data) != before


def test_a_request_while_one_is_in_flight_reuses_it(ask, assessment, tenants):
    queued = Report.objects.create(
        kind=ReportKind.AUTHORITY,
        authority=assessment.authority,
        assessment=assessment,
        title="Queued",
        fingerprint="old",
        template_version="x",
        status=ReportStatus.RENDERING,
        started_at=timezone.now(),
    )
    report, created = ask(
        services.authority_report_request, assessment=assessment, actor=tenants.a.lead
    )
    assert not created and report.pk == queued.pk
    assert Report.objects.count() == 1


def test_rendering_is_idempotent(ask, assessment, tenants, reports_root):
    report, _ = ask(services.authority_report_request, assessment=assessment, actor=tenants.a.lead)
    assert services.report_render(report_id=report.pk) == "skipped"
    assert services.report_render(report_id=999999) == "skipped"
    report.refresh_from_db()
    assert report.attempts == 1
    assert len(stored_files(reports_root)) == 1
    assert Notification.objects.filter(kind=NotificationKind.REPORT_READY).count() == 1


def _queued(assessment, **kwargs) -> Report:
    defaults = {
        "kind": ReportKind.AUTHORITY,
        "authority": assessment.authority,
        "assessment": assessment,
        "title": "A report",
        "fingerprint": "f",
        "template_version": "x",
    }
    return Report.objects.create(**(defaults | kwargs))


def test_a_render_under_a_live_lease_is_left_alone_and_a_stale_one_is_taken_over(
    assessment, reports_root
):
    now = timezone.now()
    live = _queued(assessment, status=ReportStatus.RENDERING, started_at=now, attempt_token="a")
    assert services.report_render(report_id=live.pk) == "skipped"
    # A worker died after writing its file: the next render takes over and removes that file.
    stale = _queued(
        assessment,
        status=ReportStatus.RENDERING,
        started_at=now - datetime.timedelta(hours=1),
        attempt_token="dead",
    )
    storage = services.report_storage()
    storage.save(services.stored_name_for(stale, "dead"), io.BytesIO(b"%PDF-partial"))
    assert services.report_render(report_id=stale.pk) == "ready"
    stale.refresh_from_db()
    assert stale.status == ReportStatus.READY and stale.attempts == 1
    assert [p.name for p in stored_files(reports_root)] == [stale.stored_name.split("/")[-1]]


def test_a_render_that_lost_its_claim_changes_nothing(assessment, reports_root, monkeypatch):
    report = _queued(assessment)
    real = services.report_pdf

    def stolen(report_obj):
        result = real(report_obj)
        Report.objects.filter(pk=report_obj.pk).update(attempt_token="someone-else")
        return result

    monkeypatch.setattr(services, "report_pdf", stolen)
    assert services.report_render(report_id=report.pk) == "superseded"
    report.refresh_from_db()
    assert report.status == ReportStatus.RENDERING and report.stored_name == ""
    assert stored_files(reports_root) == []


def test_a_failure_is_kept_and_a_retry_works(ask, assessment, tenants, monkeypatch, reports_root):
    from reports import rendering

    def broken(data, now=None):
        raise ValueError("the layout engine ran out of paper")

    monkeypatch.setattr(rendering, "authority_report_pdf", broken)
    report, _ = ask(services.authority_report_request, assessment=assessment, actor=tenants.a.lead)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "ran out of paper" in report.error
    assert stored_files(reports_root) == []
    # A new request does not reuse a failed report... but the retry button does.
    monkeypatch.undo()
    assert ask(services.report_retry, report=report, actor=tenants.a.lead)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.error == ""
    assert not ask(services.report_retry, report=report, actor=tenants.a.lead)


def test_stuck_reports_are_dispatched_again(assessment, settings, monkeypatch):
    old = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_LEASE_SECONDS + 5)
    stuck = _queued(assessment, status=ReportStatus.QUEUED)
    Report.objects.filter(pk=stuck.pk).update(dispatched_at=old)
    fresh = _queued(assessment, status=ReportStatus.QUEUED)
    sent = []
    monkeypatch.setattr(
        services, "outbox_enqueue", lambda task_name, kwargs: sent.append((task_name, kwargs))
    )
    assert services.reports_redispatch_stuck() == 1
    assert sent == [(services.RENDER_TASK, {"report_id": stuck.pk})]
    assert services.reports_redispatch_stuck() == 0  # dispatched just now: not again yet
    del fresh


def test_the_pdf_is_tagged_with_a_title_and_language(ask, assessment, tenants, tmp_path):
    report, _ = ask(services.authority_report_request, assessment=assessment, actor=tenants.a.lead)
    report.refresh_from_db()
    path = tmp_path / "report.pdf"
    with services.report_storage().open(report.stored_name, "rb") as handle:
        path.write_bytes(handle.read())
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert f"Title:           Data maturity report: {tenants.a.authority.name}" in info
    reader = PdfReader(str(path))
    assert str(reader.trailer["/Root"].get("/Lang")) == "en-GB"


def test_the_html_has_headings_in_order_and_charts_with_text(assessment):
    import re

    from reports import rendering

    html = rendering.authority_report_html(selectors.authority_report_data(assessment=assessment))
    assert '<html lang="en-GB">' in html and "<title>Data maturity report: " in html
    levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    for svg in re.findall(r"<svg[^>]*>", html):
        assert 'role="img"' in svg and "aria-labelledby" in svg
    assert "Strand levels (the figures in the chart)" in html


def test_an_area_report(ask, open_round, tenants, assessment):
    report, created = ask(
        services.area_report_request,
        area=tenants.a.area,
        round=open_round,
        actor=tenants.a.area_lead,
    )
    report.refresh_from_db()
    assert created and report.status == ReportStatus.READY, report.error
    text = pdf_text(report)
    assert tenants.a.authority.name in text and tenants.b.authority.name not in text
    assert "Dimension levels side by side" in text


def test_the_radar_names_every_value_and_leaves_out_an_empty_series():
    from reports.charts import radar_svg, trend_svg

    axes = ["A", "B", "C", "D", "E"]
    svg = radar_svg(
        chart_id="r",
        title="Strands",
        axes=axes,
        series=[[1, 2, 3, 4, 2], [2, 2, 3, 3, 2], [None] * 5],
    )
    assert 'role="img"' in svg and '<title id="r-t">Strands</title>' in svg
    assert "Self-assessed: A 1, B 2" in svg and "Moderated: A 2" in svg
    assert "Peer median" not in svg
    trend = trend_svg(
        chart_id="t", title="Trend", rounds=["X", "Y"], own=[2.5, 3.0], peer=[None, 2.2]
    )
    assert "X: your score 2.50, peer median not shown" in trend


def test_deleting_a_report_or_its_assessment_deletes_the_pdf(
    ask, assessment, tenants, reports_root, committed
):
    report, _ = ask(services.authority_report_request, assessment=assessment, actor=tenants.a.lead)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and len(stored_files(reports_root)) == 1
    with committed():
        report.delete()
    assert stored_files(reports_root) == []
    # With its assessment (a cascade, as in the admin), after the deletion commits.
    again, created = ask(
        services.authority_report_request, assessment=assessment, actor=tenants.a.lead
    )
    assert created and len(stored_files(reports_root)) == 1
    with committed():
        assessment.delete()
    assert not Report.objects.filter(pk=again.pk).exists()
    assert stored_files(reports_root) == []
