"""Export pages in headless Chromium on the demo data, with axe-core: an officer's, an area
lead's and a national admin's page, the error summary, and a real download. Screenshots go to
/tmp/export-shots/ for people to look at."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.demo import demo_load, sign_in
from tests.browser.demo import shot as demo_shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/export-shots")
OFFICER = "officer.mardleshire@example.org"
AREA_LEAD = "area.lead.south@example.org"
NATIONAL_ADMIN = "national.admin@example.org"


@pytest.fixture
def demo(settings):
    demo_load(settings, OFFICER, AREA_LEAD, NATIONAL_ADMIN)


def shot(page, name: str) -> None:
    demo_shot(page, SHOTS, name)


def test_an_officer_downloads_a_csv(page, live_server, demo, assert_accessible):
    path = reverse("exports:authority")
    sign_in(page, live_server, OFFICER, path)
    assert page.locator("h1").inner_text() == "Download your results"
    assert page.locator("main [style]").count() == 0
    shot(page, "authority")
    assert_accessible(page)
    page.click("text=What each column holds")
    shot(page, "authority-columns")
    assert_accessible(page)
    # No format chosen: the error summary, linked to the field.
    page.click("button:has-text('Download')")
    summary = page.locator(".govuk-error-summary")
    assert "Choose a file format" in summary.inner_text()
    assert page.title().startswith("Download your results - Error")
    shot(page, "authority-error")
    assert_accessible(page)
    summary.locator("a").first.click()
    assert page.evaluate("document.activeElement.name") == "format"
    # Choose CSV: a real download.
    page.check("input[name=format][value=csv]")
    with page.expect_download() as info:
        page.click("button:has-text('Download')")
    download = info.value
    assert download.suggested_filename.startswith("maturity-results-")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert rows and {r["Authority"] for r in rows} == {rows[0]["Authority"]}


def test_an_area_lead_s_and_a_national_admin_s_pages(page, live_server, demo, assert_accessible):
    sign_in(page, live_server, AREA_LEAD, reverse("exports:area"))
    assert page.locator("h1").inner_text() == "Download your area's results"
    shot(page, "area")
    assert_accessible(page)
    page.goto(live_server.url + reverse("reviews:dashboard"))
    link = page.locator("main a", has_text="Download these authorities' results")
    assert link.count() == 1
    link.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "dashboard-link.png"))
    page.context.clear_cookies()
    sign_in(page, live_server, NATIONAL_ADMIN, reverse("accounts:national_index"))
    shot(page, "national-index")
    assert_accessible(page)
    page.click("text=Download results")
    assert page.locator("h1").inner_text() == "Download every authority's results"
    shot(page, "national")
    assert_accessible(page)
