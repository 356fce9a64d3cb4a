"""Benchmark pages in headless Chromium on the demo data: a demo officer's page (all, region and
kind groups, one suppressed), trends, and an area lead's heatmap; axe-core on each. Screenshots
go to /tmp/benchmark-shots/ for people to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.browser.demo import PASSWORD, demo_load, sign_in
from tests.browser.demo import shot as demo_shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/benchmark-shots")
OFFICER = "officer.mardleshire@example.org"  # a county in the East Midlands (two demo authorities)
AREA_LEAD = "area.lead.south@example.org"


@pytest.fixture
def demo(settings):
    demo_load(settings, OFFICER, AREA_LEAD)


def shot(page, name: str) -> None:
    demo_shot(page, SHOTS, name)


def test_a_demo_officer_s_benchmarks(page, live_server, demo, assert_accessible):
    path = reverse("benchmarking:authority")
    sign_in(page, live_server, OFFICER, path)
    main = page.locator("main")
    assert page.locator("h1").inner_text().startswith("Benchmarks: ")
    summary = main.locator("table").first.inner_text()
    assert "of 2 authorities" not in summary  # the East Midlands has two: no figures
    assert " of all 25 authorities" in summary and " county councils" in summary
    assert "Authorities in the East Midlands: too few authorities" in summary
    overall_charts = main.locator(".portal-chart-grid").first.locator("svg[role=img]")
    assert overall_charts.count() == 2  # all authorities and county councils; the region has none
    assert "You" in overall_charts.first.text_content()
    assert page.locator("main [style]").count() == 0
    shot(page, "authority")
    assert_accessible(page)
    # Open every strand and dimension's charts; still accessible.
    for summary_el in main.locator("details summary").all():
        summary_el.click()
    shot(page, "authority-open")
    assert_accessible(page)
    page.goto(live_server.url + reverse("benchmarking:trends"))
    assert page.locator("h1").inner_text() == "Trends across rounds"
    shot(page, "trends")
    assert_accessible(page)


def test_a_demo_area_lead_s_heatmap(page, live_server, demo, assert_accessible):
    path = reverse("benchmarking:area")
    sign_in(page, live_server, AREA_LEAD, path)
    table = page.locator("table.portal-heatmap")
    text = table.inner_text()
    assert "Wealdmarsh" in text and "Larkhaven" in text and "Mardleshire" not in text
    # An earlier round: everyone agreed.
    page.select_option("#id_round", index=1)
    with page.expect_navigation():
        page.click("button[name=show]")
    table = page.locator("table.portal-heatmap")
    assert "Agreed" in table.inner_text()
    assert table.locator("td.portal-heat--1, td.portal-heat--2, td.portal-heat--3, "
                         "td.portal-heat--4").count() > 0  # fmt: skip
    shot(page, "area")
    assert_accessible(page)


def test_a_national_admin_adds_a_comparator_group(page, live_server, settings, assert_accessible):
    from tests.factories.accounts import two_tenants

    settings.PORTAL_REQUIRE_2FA = False
    tenants = two_tenants()
    tenants.national_admin.set_password(PASSWORD)
    tenants.national_admin.save()
    path = reverse("benchmarking:comparator_group_add")
    sign_in(page, live_server, tenants.national_admin.email, path)
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert "Enter the comparator group's name" in page.locator(".govuk-error-summary").inner_text()
    shot(page, "comparator-error")
    assert_accessible(page)
    page.fill("#id_name", "Statistical neighbours")
    page.check(f"input[name=members][value='{tenants.a.authority.pk}']")
    with page.expect_navigation():
        page.click("button[name=submit]")
    assert "Statistical neighbours has been saved" in page.locator("main").inner_text()
    shot(page, "comparator-groups")
    assert_accessible(page)
