"""Evidence in real headless Chromium against the live server: an officer uploads a PDF (with the
progress-bar script, and without JavaScript), adds a link and a written statement; the task list
shows the coverage; the corpus's bad files are refused on the page; another authority's officer
gets 404 for the download URL. axe-core checks every page. Screenshots go to /tmp/evidence-shots/.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Round
from evidence.models import EvidenceItem
from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version

from .conftest import CORPUS
from .test_validation import BAD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/evidence-shots")
PASSWORD = "Evidence-test-password-2026"
KEY = "information_governance"


@pytest.fixture
def world(settings):
    settings.PORTAL_REQUIRE_2FA = False
    tenants = two_tenants()
    for user in (tenants.a.officer, tenants.b.officer, tenants.a.viewer):
        user.set_password(PASSWORD)
        user.save()
    today = timezone.localdate()
    open_round = Round.objects.create(
        name="2026 to 2027",
        framework_version=shipped_framework_version(),
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )
    assessment = assessment_services.assessment_start(
        authority=tenants.a.authority, round=open_round, actor=tenants.a.lead
    )
    return tenants, assessment


def sign_in(page, live_server, user, path):
    page.goto(live_server.url + path)
    assert "/accounts/sign-in/" in page.url
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.url.endswith(path), page.url


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_officer_adds_a_file_a_link_and_a_statement(page, live_server, world, assert_accessible):
    tenants, assessment = world
    dimension = reverse("assessments:dimension", args=[assessment.pk, KEY])
    sign_in(page, live_server, tenants.a.officer, dimension)
    assert page.locator("#evidence").count() == 1
    assert_accessible(page)

    # A PDF, sent by the progress-bar script.
    page.click("text=Upload a file")
    assert page.locator("h1").inner_text() == "Upload a file"
    assert_accessible(page)
    shot(page, "1-upload-form")
    page.set_input_files("#id_file", str(CORPUS / "good" / "protocol.pdf"))
    page.fill("#id_title", "Information-sharing protocol")
    page.fill("#id_description", "Signed by health, police and the council in 2026.")
    page.check("#id_no_personal_data_confirmed")
    with page.expect_navigation():
        page.click("#id_submit")
    assert "/dimensions/information_governance/" in page.url
    assert page.locator(
        ".govuk-summary-card__title", has_text="Information-sharing protocol"
    ).count()

    # A bad file from the corpus: refused on the page, focus on the error summary (script path).
    page.click("text=Upload a file")
    page.set_input_files("#id_file", str(CORPUS / "bad" / "html-renamed.png"))
    page.fill("#id_title", "Screenshot")
    page.fill("#id_description", "Not really a picture.")
    page.check("#id_no_personal_data_confirmed")
    page.click("#id_submit")
    page.wait_for_selector(".govuk-error-summary")
    assert "is not a real PNG image" in page.locator(".govuk-error-summary").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.title().startswith("Upload a file")
    assert_accessible(page)
    shot(page, "2-upload-refused")
    page.goto(live_server.url + dimension)

    page.click("text=Add a link")
    page.fill("#id_url", "javascript:alert(1)")
    page.fill("#id_title", "Whole-family dashboard")
    page.fill("#id_description", "Live view used by early help managers.")
    with page.expect_navigation():
        page.click("#id_submit")
    assert (
        "Enter a link that starts with https://"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    shot(page, "3-link-refused")
    page.fill("#id_url", "https://data.example.gov.uk/whole-family-dashboard")
    with page.expect_navigation():
        page.click("#id_submit")

    page.click("text=Add a written statement")
    assert_accessible(page)
    page.fill("#id_title", "Data warehouse")
    page.fill("#id_description", "How the whole-family view is produced.")
    page.fill("#id_text", "The warehouse matches children's and adults' records every night.")
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.locator(".govuk-summary-card").count() == 3
    assert_accessible(page)
    page.locator("#evidence").scroll_into_view_if_needed()
    shot(page, "4-dimension-with-evidence")

    item = EvidenceItem.objects.get(kind="file")
    download = reverse("evidence:download", args=[assessment.pk, item.pk])
    with page.expect_download() as info:
        page.click(f"a[href='{download}']")
    assert info.value.suggested_filename == "protocol.pdf"
    assert Path(info.value.path()).read_bytes() == (CORPUS / "good" / "protocol.pdf").read_bytes()

    page.click("text=Remove")
    assert_accessible(page)
    shot(page, "5-remove")
    page.click("text=Cancel")

    page.goto(live_server.url + reverse("assessments:task_list", args=[assessment.pk]))
    hint = page.locator(f"#{KEY}-hint").inner_text()
    assert "3 evidence items" in hint
    assert_accessible(page)
    shot(page, "6-task-list")

    # Another authority's officer: 404 for the download and the evidence pages.
    page.context.clear_cookies()
    sign_in(page, live_server, tenants.b.officer, reverse("assessments:list"))
    for url in (download, reverse("evidence:add_file", args=[assessment.pk, KEY])):
        response = page.goto(live_server.url + url)
        assert response.status == 404
    assert_accessible(page)


def test_upload_without_javascript_and_every_bad_file_refused(page_without_js, live_server, world):
    """axe needs JavaScript; the same pages are checked with it in the test above."""
    page = page_without_js
    tenants, assessment = world
    add = reverse("evidence:add_file", args=[assessment.pk, KEY])
    sign_in(page, live_server, tenants.a.officer, add)
    for name in sorted(BAD):
        page.set_input_files("#id_file", str(CORPUS / "bad" / name))
        page.fill("#id_title", f"Bad {name}")
        page.fill("#id_description", "Should be refused.")
        page.check("#id_no_personal_data_confirmed")
        with page.expect_navigation():
            page.click("#id_submit")
        summary = page.locator(".govuk-error-summary").inner_text()
        assert BAD[name].split(":")[0] in summary, (name, summary)
    assert not EvidenceItem.objects.exists()
    page.set_input_files("#id_file", str(CORPUS / "good" / "returns.xlsx"))
    page.fill("#id_title", "Monthly returns")
    page.fill("#id_description", "Aggregate numbers only.")
    page.check("#id_no_personal_data_confirmed")
    with page.expect_navigation():
        page.click("#id_submit")
    assert EvidenceItem.objects.get().original_name == "returns.xlsx"
    assert "Monthly returns" in page.content()
