"""Browser helpers for the accessibility tests: a signed-in context, axe-core, a form posted
empty."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from tests.accessibility import pages
from tests.conftest import AXE_TAGS, ROOT

AXE_PATH = ROOT / "tests/browser/vendor/axe.min.js"
# axe-core is served to each page from one URL (intercepted, never fetched), so Chromium compiles
# it once instead of on every page.
AXE_URL = "https://axe-core.invalid/axe.min.js"


def axe_core_version() -> str:
    """The vendored axe-core's version, from its licence header ("/*! axe v4.14.1")."""
    return AXE_PATH.read_text(encoding="utf-8")[:40].split("axe v", 1)[1].split()[0]


def new_context(browser, live_server, user=None, width: int = 1280, height: int = 900):
    """A browser context, signed in as the user (once: the session cookie serves every page)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-GB", bypass_csp=True
    )
    context.route(AXE_URL, lambda route: route.fulfill(path=str(AXE_PATH)))
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    return context


def start_axe(page) -> None:
    """Start axe-core with the WCAG 2.0, 2.1 and 2.2 A and AA tags (tests/conftest.py AXE_TAGS)
    on the page, without waiting: several tabs check at once while the next page loads."""
    page.add_script_tag(url=AXE_URL)
    page.evaluate(
        "(tags) => { window.__axeResult = axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); }",
        AXE_TAGS,
    )


def axe_result(page) -> list[dict]:
    """The violations axe-core found on the page (waits for start_axe's run)."""
    result = page.evaluate("async () => await window.__axeResult")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def run_axe(page) -> list[dict]:
    start_axe(page)
    return axe_result(page)


def submit_empty(page, form_index: int) -> bool:
    """Post the form empty and wait for the answer: a new page, or (for a form sent by script, like
    the evidence upload) the error summary shown in place. False when the form is not there."""
    if not page.evaluate(pages.FIND_FORM_JS, form_index):
        return False
    page.evaluate("() => { window.__beforeSubmit = true; }")
    page.evaluate(pages.BLANK_AND_SUBMIT_JS, form_index)
    page.wait_for_function(
        "() => !window.__beforeSubmit || !!document.querySelector('main .govuk-error-summary')"
    )
    page.wait_for_load_state("load")
    return True
