"""The model explorer and the admins' update flow in real headless Chromium, with axe-core on every
page. Screenshots go to /tmp/frameworks-shots/ for people to look at."""

from pathlib import Path

import pytest

from accounts.models import User
from frameworks.models import FrameworkVersion, Statement
from tests.factories.frameworks import shipped_framework_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/frameworks-shots")
PASSWORD = "Frameworks-test-password-2026"
NEW_TEXT = "Information governance is mostly manual and cannot stand up to scrutiny."


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def visit(page, assert_accessible, url: str, name: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    assert_accessible(page)
    shot(page, name)


def test_explorer_wide(live_server, page, assert_accessible):
    shipped_framework_version()
    base = f"{live_server.url}/model/dmm-early-help/1.0"
    visit(page, assert_accessible, f"{live_server.url}/model/", "explorer-wide-overview")
    assert page.locator("h1").inner_text() == "Data Maturity Model for Early Help Services"
    page.get_by_role("link", name="Data systems", exact=True).click()
    assert page.locator("h1").inner_text() == "Data systems"
    assert_accessible(page)
    shot(page, "explorer-wide-dimension")
    # Four columns side by side.
    headers = page.locator("table.portal-grid thead th")
    assert headers.count() == 4
    tops = {round(headers.nth(i).bounding_box()["y"]) for i in range(4)}
    assert len(tops) == 1

    visit(page, assert_accessible, f"{base}/all/", "explorer-wide-whole-model")
    assert page.locator("li.portal-grid__statement").count() == 79
    assert page.locator("table.portal-grid").count() == 8
    for name in ("levels", "checklist", "case-studies"):
        visit(page, assert_accessible, f"{base}/{name}/", f"explorer-wide-{name}")
    # The last page visited: the case studies, each under its heading.
    assert page.locator("main h2.govuk-heading-m").all_inner_texts()[:5] == [
        "West Sussex",
        "Hackney",
        "Tri-Borough",
        "Walsall",
        "Greater Manchester Combined Authority",
    ]


def test_explorer_narrow(live_server, page, assert_accessible):
    shipped_framework_version()
    page.set_viewport_size({"width": 375, "height": 800})
    base = f"{live_server.url}/model/dmm-early-help/1.0"
    visit(page, assert_accessible, f"{base}/", "explorer-narrow-overview")
    visit(
        page,
        assert_accessible,
        f"{base}/dimensions/cost_benefit_analysis/",
        "explorer-narrow-dimension",
    )
    cells = page.locator("td.portal-grid__cell")
    assert cells.count() == 4
    boxes = [cells.nth(i).bounding_box() for i in range(4)]
    # Stacked: each level below the one before, each as wide as the screen allows.
    for above, below in zip(boxes, boxes[1:], strict=False):
        assert below["y"] >= above["y"] + above["height"] - 1
        assert below["width"] > 300
    labels = page.evaluate(
        "() => [...document.querySelectorAll('td.portal-grid__cell')].map("
        "c => getComputedStyle(c, '::before').content)"
    )
    assert labels == [
        '"Level 1: Early"',
        '"Level 2: Developing"',
        '"Level 3: Maturing"',
        '"Level 4: Mature"',
    ]
    # No sideways scrolling.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    visit(page, assert_accessible, f"{base}/all/", "explorer-narrow-whole-model")
    assert page.locator("li.portal-grid__statement").count() == 79
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[name=submit]").click()
    page.wait_for_load_state()


def test_a_national_admin_clones_edits_compares_and_publishes_1_1(
    live_server, page, assert_accessible
):
    shipped_framework_version()
    User.objects.create_user(
        email="national@example.org", password=PASSWORD, is_national_admin=True
    )
    sign_in(page, live_server, "national@example.org")

    visit(page, assert_accessible, f"{live_server.url}/manage/model/", "admin-1-list")
    page.get_by_role("link", name="View version 1.0 of dmm-early-help").click()
    assert_accessible(page)
    shot(page, "admin-2-version-1.0")

    # Clone, first with a version number in use.
    page.get_by_role("button", name="Clone into a new draft").click()
    page.fill("input[name=version]", "1.0")
    page.get_by_role("button", name="Clone into a new draft").click()
    assert (
        "Version 1.0 of dmm-early-help already exists"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    shot(page, "admin-3-clone-error")
    page.fill("input[name=version]", "1.1")
    page.get_by_role("button", name="Clone into a new draft").click()
    assert page.locator("h1").inner_text().startswith("Version 1.1")
    assert_accessible(page)
    shot(page, "admin-4-draft-1.1")

    # Edit a statement.
    page.get_by_role("link", name="Change statements of Information governance").click()
    assert_accessible(page)
    shot(page, "admin-5-dimension")
    page.get_by_role("link", name="Change statement information_governance.early.1").click()
    page.fill("textarea[name=text]", "   ")
    page.get_by_role("button", name="Save statement").click()
    assert "Enter the statement" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    shot(page, "admin-6-statement-error")
    page.fill("textarea[name=text]", NEW_TEXT)
    page.get_by_role("button", name="Save statement").click()
    assert page.get_by_text("Your changes were saved.").is_visible()
    assert page.get_by_text(NEW_TEXT).is_visible()

    # Compare with 1.0.
    page.get_by_role("link", name="Back to version 1.1").click()
    page.get_by_role("button", name="Compare with version 1.0").click()
    assert_accessible(page)
    shot(page, "admin-7-compare")
    changed = page.locator("section.portal-diff-section").first
    assert "information_governance.early.1" in changed.inner_text()
    assert changed.locator("del.portal-diff__removed").first.inner_text().startswith("[removed: ")
    added = " ".join(changed.locator("ins.portal-diff__added").all_inner_texts())
    assert "mostly manual" in added and "cannot" in added

    # Publish.
    page.goto(live_server.url + "/manage/model/")
    page.get_by_role("link", name="View version 1.1 of dmm-early-help").click()
    page.get_by_role("button", name="Publish this version").click()
    assert_accessible(page)
    shot(page, "admin-8-publish")
    page.get_by_role("button", name="Publish version 1.1").click()
    assert page.get_by_text("Published version 1.1. It can no longer be changed.").is_visible()
    assert_accessible(page)
    shot(page, "admin-9-published")

    version = FrameworkVersion.objects.get(slug="dmm-early-help", version="1.1")
    assert version.status == "published"
    assert (
        Statement.objects.get(framework_version=version, key="information_governance.early.1").text
        == NEW_TEXT
    )

    # Everyone now sees 1.1, with 1.0 still selectable.
    visit(page, assert_accessible, f"{live_server.url}/model/", "admin-10-explorer-1.1")
    assert "Version 1.1 (latest)" in page.locator(".govuk-caption-l").first.inner_text()
    page.select_option("select[name=version]", "1.0")
    page.get_by_role("button", name="Show version").click()
    assert page.url.endswith("/model/dmm-early-help/1.0/")
    assert "You are looking at version 1.0" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page)


def test_import_errors_are_accessible(live_server, page, assert_accessible, tmp_path):
    User.objects.create_user(
        email="national@example.org", password=PASSWORD, is_national_admin=True
    )
    sign_in(page, live_server, "national@example.org")
    visit(page, assert_accessible, f"{live_server.url}/manage/model/import/", "admin-import")
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: dmm-early-help\nversion: 2\ntitle: ''\nlevels: []\nstrands: []\n")
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_role("button", name="Import as a draft").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert 'version must be text, not a number (put it in quotes, like "2")' in summary
    assert "title is empty" in summary
    assert "levels: needs at least 2 levels" in summary
    assert_accessible(page)
    shot(page, "admin-import-errors")
    assert FrameworkVersion.objects.count() == 0
