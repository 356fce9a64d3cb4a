"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA: the tags in tests/conftest.py AXE_TAGS) on
every page of the portal, for every role, in real headless Chromium against the live server.

The pages come from the URL resolver (tests/accessibility/pages.py), filled from the demo data:
every route for the anonymous visitor, an officer, an authority lead, an area lead and a national
admin; the 404 (and 403) page each gets for what it may not see; every form posted empty (its
error summary); the error pages only a failure shows (400, 403, 500, 503); a form posted without
its CSRF token; two-factor sign-in; and the choice of authority for someone with two roles.

One browser; one context per role, signed in once (its session cookie serves every page). Fails
with the violations listed page by page. With A11Y_SCREENSHOTS=1, screenshots of a sample go
to /tmp/a11y-shots/.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.accessibility import pages
from tests.accessibility.browser import (
    axe_core_version,
    axe_result,
    new_context,
    start_axe,
    submit_empty,
)
from tests.conftest import AXE_TAGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.accessibility.urls_for_errors"),
]

TABS = 3
# The viewer's pages are the officer's without the forms; the vnu test covers the viewer too.
AXE_ROLES = ("anonymous", "officer", "authority lead", "area lead", "national admin")
# Screenshots of a sample (one per role and kind of page) when A11Y_SCREENSHOTS=1, to look at.
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS") == "1"
SHOTS = Path("/tmp/a11y-shots")
# One screenshot per role of the first page whose key holds each of these.
SHOT_SAMPLE = (
    "/assessments/",
    "/dimensions/",
    "/results/",
    "/review/",
    "/benchmarks/",
    "/manage/model/",
    "/reports/",
    "/api/tokens/",
    "status 404",
    "(form posted empty)",
)
# Known issues, each listed in the accessibility statement (templates/core/accessibility.html) with
# what is wrong: the path and the axe rules it still breaks. A known issue that is fixed fails the
# test until it is taken off this list and the statement.
KNOWN_ISSUES = {
    # The optional interactive API documentation is Swagger UI (drf-spectacular-sidecar), a
    # third-party page for developers: low-contrast text, buttons inside buttons, small targets.
    # The API reference itself (/api/docs/) is portal HTML and has no known issue.
    "/api/docs/interactive/": {"color-contrast", "nested-interactive", "target-size"},
}
# A page that gave an error summary to the test client must give one in the browser.
NO_FORM = {
    "id": "test-setup",
    "impact": "-",
    "help": "the form the test client posted empty is not on the page in the browser",
    "targets": [],
}


def format_violations(found: dict[str, list[dict]]) -> str:
    lines = [f"axe-core ({', '.join(AXE_TAGS)}) found violations on {len(found)} pages:"]
    for where, violations in found.items():
        lines.append(f"\n{where}")
        for v in violations:
            lines.append(f"  - {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"      at {target}" for target in v["targets"])
    return "\n".join(lines)


def known_issue(path: str, violations: list[dict]) -> bool:
    return {v["id"] for v in violations} <= KNOWN_ISSUES.get(path, set())


class Checker:
    def __init__(self) -> None:
        self.found: dict[str, list[dict]] = {}
        self.paths: dict[str, str] = {}  # where -> the path checked
        self.checked: list[str] = []
        self.shot: set[tuple[str, str]] = set()
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, role: str, key: str, where: str) -> None:
        start_axe(page)
        self.finish(page, role, key, where)

    def finish(self, page, role: str, key: str, where: str) -> None:
        violations = axe_result(page)
        self.checked.append(where)
        self.paths[where] = urlsplit(page.url).path
        if violations:
            self.found[where] = violations
        kind = next((k for k in SHOT_SAMPLE if k in key), None)
        if SCREENSHOTS and kind and (role, kind) not in self.shot:
            self.shot.add((role, kind))
            name = f"{role}-{key}".replace("/", "_").replace(" ", "-")[:120]
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_every_page_for_every_role_has_no_axe_violations(live_server, browser):
    started = time.monotonic()
    world = pages.build_world()
    built = time.monotonic()
    walk = pages.walk_with_client(world, roles=AXE_ROLES)
    walked = time.monotonic()
    check = Checker()
    by_role: dict[str, list[pages.Fetched]] = {}
    for fetched in walk.pages:
        by_role.setdefault(fetched.role, []).append(fetched)

    for role in AXE_ROLES:
        context = new_context(browser, live_server, world.users[role])
        # A few tabs: axe-core checks one page while the next one loads.
        tabs = [context.new_page() for _ in range(TABS)]
        waiting: dict[int, pages.Fetched] = {}
        # Every page first, then the forms posted empty (which change nothing).
        for number, fetched in enumerate(sorted(by_role.get(role, []), key=lambda f: f.posted)):
            tab = number % TABS
            if tab in waiting:
                done = waiting.pop(tab)
                check.finish(tabs[tab], role, done.page_key[1], done.describe())
            page = tabs[tab]
            page.goto(live_server.url + fetched.url)
            if fetched.posted and not submit_empty(page, fetched.form_index):
                check.found[fetched.describe()] = [NO_FORM]
                check.paths[fetched.describe()] = fetched.url
                continue
            start_axe(page)
            waiting[tab] = fetched
        for tab, done in waiting.items():
            check.finish(tabs[tab], role, done.page_key[1], done.describe())
        context.close()

    check_explicit_pages(browser, live_server, world, check)

    now = time.monotonic()
    print(
        f"axe-core {axe_core_version()} checked {len(check.checked)} pages in "
        f"{now - started:.0f} s (demo data {built - started:.0f} s, {walk.fetched} requests "
        f"to list the pages "
        f"{walked - built:.0f} s, the browser {now - walked:.0f} s)"
    )
    assert len(check.checked) > 150, "the walk found far fewer pages than the portal has"
    unexpected = {
        where: v for where, v in check.found.items() if not known_issue(check.paths[where], v)
    }
    if unexpected:
        pytest.fail(format_violations(unexpected), pytrace=False)
    still_known = {check.paths[where] for where in check.found}
    fixed = sorted(path for path in KNOWN_ISSUES if path not in still_known)
    assert not fixed, (
        f"{fixed} now pass axe-core: take them off KNOWN_ISSUES and the accessibility statement"
    )


def check_explicit_pages(browser, live_server, world, check: Checker) -> None:
    """The pages only a sequence of steps reaches."""
    login = live_server.url + reverse("accounts:login")
    context = new_context(browser, live_server)
    page = context.new_page()

    # Two-factor sign-in: the security code page, then the code left empty.
    page.goto(login)
    page.fill("#id_username", pages.TWO_FACTOR_USER)
    page.fill("#id_password", pages.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.url.endswith(reverse("accounts:two_factor_verify")), page.url
    check(page, "two-factor", "security code", "two-factor sign-in: the security code page")
    assert submit_empty(page, 0)
    check(page, "two-factor", "(form posted empty)", "two-factor sign-in: code posted empty")

    # A form sent without its CSRF cookie: the "your form could not be sent" page.
    context.clear_cookies()
    page.goto(login)
    context.clear_cookies()
    page.fill("#id_username", pages.TWO_FACTOR_USER)
    page.fill("#id_password", pages.DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert "could not be sent" in page.content()
    check(page, "anonymous", "CSRF", "sign-in posted without its CSRF cookie (403)")
    context.close()

    # A new API token, shown once in the answer to the form.
    context = new_context(browser, live_server, world.users["authority lead"])
    page = context.new_page()
    page.goto(live_server.url + reverse("api:token_create"))
    page.fill("#id_name", "Quarterly dashboard")
    page.check(f'input[name="expiry"][value="{pages.api_token_expiry_choice()}"]')
    with page.expect_navigation():
        page.locator("main form[method=post] .govuk-button").first.click()
    assert page.locator(".govuk-error-summary").count() == 0
    check(page, "authority lead", "new API token", "authority lead: a new API token, shown once")
    context.close()

    # Someone with two roles chooses which authority they are working for.
    from accounts.models import User

    user = User.objects.get(email=pages.SEVERAL_ROLES_USER)
    context = new_context(browser, live_server, user)
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:acting_for"))
    check(page, "several roles", "acting for", "two roles: choose who you are working for")
    assert submit_empty(page, 0)
    check(page, "several roles", "(form posted empty)", "two roles: the choice posted empty")
    context.close()
