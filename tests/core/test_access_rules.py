"""Every URL pattern must declare who may reach it (core.access). This walks the whole resolver, so
a view added later without a rule fails here."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls import converters as url_converters

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


def is_rest_framework_view(callback) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(callback, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def test_public_views_and_only_they_skip_the_sign_in_requirement():
    from rest_framework.permissions import AllowAny, IsAuthenticated

    for route, callback in all_views():
        rule = access_rule_of(callback)
        login_required = getattr(callback, "login_required", True)
        if is_rest_framework_view(callback):
            # The API authenticates itself (token or session) and answers 401 JSON, not a
            # redirect: its private views must require authentication in REST framework.
            permissions = list(callback.cls.permission_classes)
            if rule is AccessRule.PUBLIC:
                assert AllowAny in permissions, f"{route} is declared public but needs sign-in"
            else:
                assert IsAuthenticated in permissions, f"{route} is {rule} but open to anyone"
        elif rule is AccessRule.PUBLIC:
            assert login_required is False, f"{route} is declared public but needs sign-in"
        else:
            assert login_required is not False, f"{route} skips sign-in but is declared {rule}"


def test_the_walk_finds_the_views():
    routes = [route for route, _ in all_views()]
    assert "healthz" in routes
    assert "accounts/sign-in/" in routes


# --- Anonymous requests for private pages go to sign in ----------------------------------------

SAMPLE_VALUES = {
    url_converters.IntConverter: "1",
    url_converters.UUIDConverter: "00000000-0000-0000-0000-000000000000",
}


def walk_patterns(patterns, prefix="", chain=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk_patterns(
                entry.url_patterns, prefix + str(entry.pattern), chain + (entry,)
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), chain + (entry,), entry.callback


def sample_url(route: str, chain) -> str | None:
    """A concrete URL for a route, with sample values for its parameters (None for regex
    routes, which have no route syntax to fill in)."""
    converters = {}
    for entry in chain:
        pattern = entry.pattern
        if not hasattr(pattern, "converters") or not hasattr(pattern, "_route"):
            return None
        converters.update(pattern.converters)

    def fill(match: re.Match) -> str:
        converter = converters.get(match.group(2))
        return SAMPLE_VALUES.get(type(converter), "sample")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def private_routes(*, api: bool = False):
    """Private page URLs (or, with api=True, private API endpoint URLs)."""
    routes = []
    for route, chain, callback in walk_patterns(get_resolver().url_patterns):
        if route.startswith(EXEMPT_PREFIXES) or access_rule_of(callback) is AccessRule.PUBLIC:
            continue
        if is_rest_framework_view(callback) != api:
            continue
        url = sample_url(route, chain)
        if url is not None:
            routes.append(url)
    return routes


@pytest.mark.django_db
def test_anonymous_requests_for_every_private_page_redirect_to_sign_in():
    routes = private_routes()
    assert "/accounts/people/1/role/" in routes
    login = reverse("accounts:login")
    client = Client()
    for url in routes:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, f"{method.__name__.upper()} {url}"
            assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.django_db
def test_anonymous_requests_for_every_private_api_endpoint_are_401_json():
    routes = private_routes(api=True)
    assert "/api/assessments/" in routes
    client = Client()
    for url in routes:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 401, f"{method.__name__.upper()} {url}"
            assert response["Content-Type"] == "application/json", url
            assert response.json()["message"], url


# --- Another authority's objects are a 404 for every role ---------------------------------------
# Each entry: how to request tenant B's object while acting for tenant A. Later features add their
# tenant-scoped objects here (by id in the URL, in a form field, in a query string).


def _b_membership(world):
    return world.b.membership(world.b.viewer)


def _b_invitation(world):
    from tests.factories.accounts import invitation_for

    invitation, _ = invitation_for(
        inviter=world.b.lead,
        email="b.invitee@example.org",
        role="viewer",
        authority=world.b.authority,
    )
    return invitation


def _b_assessment(world):
    import datetime

    from django.utils import timezone

    from assessments.models import Round
    from assessments.services import assessment_start
    from tests.factories.frameworks import framework_version_build

    today = timezone.localdate()
    round_ = Round.objects.create(
        name="Cross-tenant round",
        framework_version=framework_version_build(slug="cross-tenant-model"),
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
    )
    return assessment_start(authority=world.b.authority, round=round_, actor=world.b.lead)


def _b_api_token(world):
    from api.services import api_token_create

    token, _ = api_token_create(user=world.b.viewer, name="B's token", expires_in_days=30)
    return token


CROSS_TENANT_REQUESTS = {
    "membership id in the URL (GET)": lambda w: (
        "get",
        reverse("accounts:people_change_role", kwargs={"pk": _b_membership(w).pk}),
        None,
    ),
    "membership id in the URL (POST)": lambda w: (
        "post",
        reverse("accounts:people_change_role", kwargs={"pk": _b_membership(w).pk}),
        {"role": "authority_lead"},
    ),
    "membership id in the query string": lambda w: (
        "get",
        f"{reverse('accounts:people_remove')}?membership={_b_membership(w).pk}",
        None,
    ),
    "membership id in a form field": lambda w: (
        "post",
        reverse("accounts:people_remove"),
        {"membership": _b_membership(w).pk},
    ),
    "invitation id in the URL": lambda w: (
        "post",
        reverse("accounts:people_invitation_cancel", kwargs={"pk": _b_invitation(w).pk}),
        None,
    ),
    "another area's authorities": lambda w: (
        "get",
        reverse("accounts:area_authorities") + f"?area={w.b.area.pk}",
        None,
    ),
    "national pages for an authority": lambda w: (
        "get",
        reverse("accounts:national_authority", kwargs={"pk": w.b.authority.pk}),
        None,
    ),
    "assessment id in the API (session)": lambda w: (
        "get",
        reverse("api:assessment_detail", kwargs={"pk": _b_assessment(w).pk}),
        None,
    ),
    "API token id in the URL (GET)": lambda w: (
        "get",
        reverse("api:token_revoke", kwargs={"pk": _b_api_token(w).pk}),
        None,
    ),
    "API token id in the URL (POST)": lambda w: (
        "post",
        reverse("api:token_revoke", kwargs={"pk": _b_api_token(w).pk}),
        None,
    ),
    "every authority's results export": lambda w: (
        "get",
        reverse("exports:national_download"),
        {"round": "all", "format": "csv"},
    ),
}
ROLES = ["officer", "authority_lead", "viewer", "area_lead"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CROSS_TENANT_REQUESTS))
@pytest.mark.parametrize("role", ROLES)
def test_another_authority_s_objects_are_404_for_every_role(client, role, case):
    from accounts.models import Invitation, Membership
    from tests.factories.accounts import two_tenants

    world = two_tenants()
    method, url, data = CROSS_TENANT_REQUESTS[case](world)
    before = (
        sorted(Membership.objects.values_list("pk", "role")),
        sorted(Invitation.objects.values_list("pk", "revoked_at")),
    )
    client.force_login(world.a.member(role))
    response = getattr(client, method)(url, data or {})
    if case == "another area's authorities" and role == "area_lead":
        # The query string cannot switch the area: the page shows the user's own area only.
        html = response.content.decode()
        assert response.status_code == 200
        assert world.a.authority.name in html and world.b.authority.name not in html
    else:
        assert response.status_code == 404, (role, case, response.status_code)
    after = (
        sorted(Membership.objects.values_list("pk", "role")),
        sorted(Invitation.objects.values_list("pk", "revoked_at")),
    )
    assert after == before
