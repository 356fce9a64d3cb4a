"""Every URL pattern must declare who may reach it (core.access). This walks the whole resolver, so
a view added later without a rule fails here."""

from django.urls import URLPattern, URLResolver, get_resolver

from core.access import AccessRule, access_rule_of

# Third-party sites with their own access control.
EXEMPT_PREFIXES = ("django-admin/",)


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def all_views():
    return [
        (route, callback)
        for route, callback in walk(get_resolver().url_patterns)
        if not route.startswith(EXEMPT_PREFIXES)
    ]


def test_every_url_pattern_declares_an_access_rule():
    undeclared = [route for route, callback in all_views() if access_rule_of(callback) is None]
    assert undeclared == [], f"URL patterns without a declared access rule: {undeclared}"


def test_public_views_and_only_they_skip_the_sign_in_requirement():
    for route, callback in all_views():
        rule = access_rule_of(callback)
        login_required = getattr(callback, "login_required", True)
        if rule is AccessRule.PUBLIC:
            assert login_required is False, f"{route} is declared public but needs sign-in"
        else:
            assert login_required is not False, f"{route} skips sign-in but is declared {rule}"


def test_the_walk_finds_the_views():
    routes = [route for route, _ in all_views()]
    assert "healthz" in routes
    assert "accounts/sign-in/" in routes
