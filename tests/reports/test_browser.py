"""A demo authority lead asks for the authority report in headless Chromium, the worker renders it
(eagerly, or a real Celery worker on PostgreSQL and Redis), the lead downloads it; its text holds
the authority's levels, pdfinfo says it is tagged, and axe finds nothing on the pages. The PDF's
pages go to /tmp/report-shots/ as PNGs (pdftoppm) for people to look at, with screenshots."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Assessment, AssessmentStatus
from reports.models import Report, ReportStatus
from tests.browser.demo import demo_load, sign_in
from tests.browser.demo import shot as demo_shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/report-shots")
LEAD = "lead.mardleshire@example.org"
AREA_LEAD = "area.lead.south@example.org"


@pytest.fixture(params=["eager", pytest.param("real_worker", marks=pytest.mark.services)])
def worker(request, settings):
    """Reports rendered eagerly, or by a real Celery worker on Redis and PostgreSQL. The real
    worker stores files where its settings say (REPORTS_ROOT, or var/reports): the live server
    must read them from there too; the test removes what it stored."""
    if request.param != "real_worker":
        yield request.param
        return
    request.getfixturevalue("postgres")
    request.getfixturevalue("real_worker")
    root = Path(os.environ.get("REPORTS_ROOT") or Path(settings.VAR_DIR) / "reports")
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    yield request.param
    from reports.services import report_storage

    for report in Report.objects.exclude(stored_name=""):
        report_storage().delete(report.stored_name)


@pytest.fixture
def demo(settings):
    demo_load(settings, LEAD, AREA_LEAD)


def shot(page, name: str) -> None:
    demo_shot(page, SHOTS, name)


def wait_until_ready(page) -> None:
    """Without a worker in the request the page polls (static JS) and reloads when ready."""
    page.wait_for_selector("text=Download the report", timeout=180_000)


def test_a_demo_lead_requests_and_downloads_the_authority_report(
    page, live_server, demo, worker, assert_accessible, tmp_path
):
    assessment = Assessment.objects.select_related("result", "round").get(
        authority__name="Mardleshire", status=AssessmentStatus.AGREED, round__name="2025 to 2026"
    )
    results = reverse("assessments:results", args=[assessment.pk])
    sign_in(page, live_server, LEAD, results)
    assert_accessible(page)
    with page.expect_navigation(timeout=180_000):
        page.click("button[name=request_report]")
    assert "/reports/" in page.url
    wait_until_ready(page)
    assert page.locator("h1").inner_text().startswith("Mardleshire data maturity report")
    assert page.locator("main [style]").count() == 0
    shot(page, f"status-{worker}")
    assert_accessible(page)
    with page.expect_download() as info:
        page.click("text=Download the report")
    download = info.value
    path = tmp_path / "report.pdf"
    download.save_as(path)
    assert download.suggested_filename.endswith(".pdf")

    report = Report.objects.get()
    assert report.status == ReportStatus.READY and report.attempts == 1
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert "Mardleshire" in text and "OFFICIAL" in text
    result = assessment.result
    assert f"{result.overall_level} " in text
    for row in result.dimension_results.select_related("dimension"):
        assert f"{row.dimension.name}: level {row.level}" in text, row.dimension.name
    info_text = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info_text
    SHOTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(SHOTS / f"authority-{worker}")],
        check=True,
    )

    # Asking again for unchanged data gives back the same report.
    page.goto(live_server.url + results)
    assert "Ready" in page.locator("main").inner_text()
    with page.expect_navigation(timeout=180_000):
        page.click("button[name=request_report]")
    assert Report.objects.count() == 1
    assert "Nothing has changed since this report was made" in page.locator("main").inner_text()


def test_a_demo_area_lead_requests_the_area_report(page, live_server, demo, assert_accessible):
    sign_in(page, live_server, AREA_LEAD, reverse("reviews:dashboard"))
    assert_accessible(page)
    with page.expect_navigation(timeout=180_000):
        page.click("button[name=request_area_report]")
    wait_until_ready(page)
    assert page.locator("h1").inner_text().startswith("South (demo) area report")
    shot(page, "area-status")
    assert_accessible(page)
    report = Report.objects.get()
    from reports.services import report_storage

    with report_storage().open(report.stored_name, "rb") as handle:
        content = handle.read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Wealdmarsh" in text and "Mardleshire" not in text  # another area's authority
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "area.pdf").write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(SHOTS / "area.pdf"), str(SHOTS / "area")], check=True
    )


def test_a_waiting_report_s_page_without_javascript(
    page_without_js, page, live_server, demo, assert_accessible
):
    """Queued: the page says so and offers a refresh link (no JavaScript needed); with JavaScript
    it is accessible too."""
    assessment = Assessment.objects.get(
        authority__name="Mardleshire", status=AssessmentStatus.AGREED, round__name="2025 to 2026"
    )
    report = Report.objects.create(
        kind="authority",
        authority=assessment.authority,
        assessment=assessment,
        title="Mardleshire data maturity report, 2025 to 2026",
        fingerprint="x",
        template_version="x",
    )
    path = reverse("reports:detail", args=[report.pk])
    sign_in(page_without_js, live_server, LEAD, path)
    main = page_without_js.locator("main").inner_text()
    assert "Queued" in main and "waiting to be produced" in main
    with page_without_js.expect_navigation():
        page_without_js.click("text=Refresh this page")
    assert page_without_js.url.endswith(path)
    shot(page_without_js, "queued-no-js")
    sign_in(page, live_server, LEAD, path)
    assert_accessible(page)
