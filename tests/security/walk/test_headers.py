"""Every page type, fetched as a user allowed to see it (the crawl in conftest.py): no page fails,
every response carries the security headers and a Content-Security-Policy without
'unsafe-inline', no page holds code that policy would block, and nothing shown to a signed-in user
may be stored by a browser or proxy."""

import pytest

from .conftest import ANONYMOUS
from .crawler import all_routes, inline_code, json_api_routes, routes_with_parameters

pytestmark = pytest.mark.django_db

# Page types the walk does not fetch, each with the reason and where it is checked instead.
NOT_WALKED = {
    "accounts:logout": (
        "signing out would end the walk's session: tests/security/test_sessions.py posts to it"
    ),
}


def test_the_walk_reaches_every_page_type(world):
    # JSON API endpoints with parameters: no page links to them, the API's own tests cover them.
    # Parameterless API URLs are fetched like any page.
    json_details = json_api_routes() & routes_with_parameters()
    expected = set(all_routes().values()) - set(NOT_WALKED) - json_details
    missing = sorted(expected - world.crawl.routes_seen())
    assert missing == [], (
        "No page links to these (for the users in tests/security/walk/conftest.py DEMO_USERS): "
        f"link them, or add a seed URL in tests/security/walk/conftest.py _seeds(): {missing}"
    )
    assert len(world.crawl.pages()) > 300


def test_no_page_fails(world):
    failures = [(v.who, v.path, v.status) for v in world.crawl.visits if v.status >= 500]
    assert failures == []


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def csp_problems(header: str) -> list[str]:
    if not header:
        return ["no Content-Security-Policy"]
    directives = csp_directives(header)
    problems = []
    for name in ("script-src", "style-src"):
        sources = directives.get(name, directives.get("default-src"))
        if sources is None:
            problems.append(f"no {name} and no default-src")
            continue
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            if unsafe in sources:
                problems.append(f"{name} allows {unsafe}")
    sandboxed = "sandbox" in directives  # a download: default-src 'none'; sandbox
    if directives.get("frame-ancestors") != ["'none'"] and not sandboxed:
        problems.append(f"frame-ancestors is {directives.get('frame-ancestors')}")
    if not sandboxed:
        if directives.get("object-src") != ["'none'"]:
            problems.append(f"object-src is {directives.get('object-src')}")
        if directives.get("base-uri") not in (["'self'"], ["'none'"]):
            problems.append(f"base-uri is {directives.get('base-uri')}")
        if directives.get("form-action") != ["'self'"]:
            problems.append(f"form-action is {directives.get('form-action')}")
    return problems


def header_problems(headers: dict[str, str]) -> list[str]:
    problems = csp_problems(headers.get("Content-Security-Policy", ""))
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append(f"{name}: {headers.get(name)!r}, expected {value!r}")
    if "Permissions-Policy" in headers and not headers["Permissions-Policy"].strip():
        problems.append("an empty Permissions-Policy")
    return problems


def test_every_response_has_the_security_headers_and_a_strict_csp(world):
    problems = {}
    for visit in world.crawl.visits:
        found = header_problems(visit.headers)
        if found:
            problems.setdefault(visit.route, (visit.who, visit.path, visit.status, found))
    assert problems == {}
    anonymous = {visit.route for visit in world.crawl.pages() if visit.who == ANONYMOUS}
    assert {"core:home", "accounts:login", "frameworks:explorer"} <= anonymous


def test_no_page_holds_code_the_csp_would_block(world):
    """Inline <script>, <style>, style="" and on...="" attributes would be blocked by the policy
    (and the page would silently lose them), so none may appear on any page."""
    problems = {}
    for visit in world.crawl.visits:
        if visit.html:
            found = inline_code(visit.html)
            if found:
                problems.setdefault(visit.route, (visit.who, visit.path, found))
    assert problems == {}


def test_nothing_shown_to_a_signed_in_user_may_be_stored(world):
    """Every response to a signed-in user (pages, redirects, errors, downloads) says no-store."""
    stored = {}
    for visit in world.crawl.visits:
        if visit.who == ANONYMOUS:
            continue
        cache_control = visit.headers.get("Cache-Control", "")
        if "no-store" not in cache_control:
            stored.setdefault(visit.route, (visit.who, visit.path, visit.status, cache_control))
    assert stored == {}
    assert sum(1 for visit in world.crawl.visits if visit.who != ANONYMOUS) > 300


def test_the_inline_code_detector_finds_what_the_csp_blocks():
    """So that an empty result above means something."""
    assert inline_code('<script src="/static/js/init.js"></script><p class="x">fine</p>') == []
    for html in (
        "<script>alert(1)</script>",
        '<script type="module">import x</script>',
        '<p style="color: red">',
        "<style>p { color: red }</style>",
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ):
        assert inline_code(html), html
