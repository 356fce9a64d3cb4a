"""The token pages in headless Chromium: list, create (with the error summary first), the token
shown once, revoke; axe-core on each, and the API documentation page's Swagger UI under the CSP.
Screenshots go to /tmp/api-shots/ for people to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from api.models import ApiToken
from tests.factories.accounts import PASSWORD, two_tenants

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/api-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, email: str, path: str) -> None:
    page.goto(live_server.url + path)
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.url.endswith(path), page.url


def test_create_use_and_revoke_a_token(page, live_server, assert_accessible, settings):
    settings.PORTAL_REQUIRE_2FA = False
    world = two_tenants()
    sign_in(page, live_server, world.a.viewer.email, reverse("accounts:account"))
    page.click("text=Manage your API tokens")
    assert page.locator("h1").inner_text() == "Your API tokens"
    assert_accessible(page)
    shot(page, "list-empty")

    page.click("text=Create a token")
    assert "Authority A" in page.locator(".govuk-inset-text").inner_text()
    with page.expect_navigation():
        page.click("button:has-text('Create token')")
    summary = page.locator(".govuk-error-summary")
    assert "Enter a name for the token" in summary.inner_text()
    assert "Choose when the token stops working" in summary.inner_text()
    assert page.title().startswith("Create an API token - Error")
    shot(page, "create-errors")
    assert_accessible(page)
    # The summary's links move to the fields.
    page.click(".govuk-error-summary a:has-text('Enter a name')")
    assert page.evaluate("document.activeElement.id") == "id_name"

    page.fill("#id_name", "Quarterly dashboard")
    page.check("input[name=expiry][value='90']")
    with page.expect_navigation():
        page.click("button:has-text('Create token')")
    secret = page.input_value("#api-token")
    assert re.fullmatch(r"mpat_[A-Za-z0-9_-]{43}", secret)
    shot(page, "created")
    assert_accessible(page)

    # The token works from a program (the browser's request API, no cookies).
    response = page.request.get(
        live_server.url + reverse("api:me"),
        headers={"Authorization": f"Bearer {secret}", "Cookie": ""},
    )
    assert response.status == 200
    assert response.json()["acting_for"]["authority"]["name"] == "Authority A"

    page.goto(live_server.url + reverse("api:token_list"))
    assert secret not in page.content()
    assert "Quarterly dashboard" in page.locator("table").inner_text()
    shot(page, "list")
    page.click("text=Revoke")
    assert page.locator("h1").inner_text() == "Revoke the token ‘Quarterly dashboard’?"
    assert_accessible(page)
    shot(page, "revoke")
    with page.expect_navigation():
        page.click("button:has-text('Revoke token')")
    assert "has been revoked" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert ApiToken.objects.get().revoked_at is not None
    response = page.request.get(
        live_server.url + reverse("api:me"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 401


def test_the_documentation_page_runs_under_the_csp(page, live_server):
    violations: list[str] = []
    external: list[str] = []
    # The page fixture bypasses the CSP: a fresh context that honours it.
    context = page.context.browser.new_context(locale="en-GB")
    docs = context.new_page()
    docs.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    docs.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    docs.goto(live_server.url + reverse("api:docs_interactive"))
    docs.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = docs.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/assessments/" in paths
    shot(docs, "docs")
    context.close()
    assert violations == []
    assert external == []
