"""Every endpoint for every role: what each sees, and that another tenant's data is a 404 or
absent, whether the caller uses a token or a signed-in session."""

import pytest
from django.urls import reverse

from accounts.tenancy import SESSION_KEY
from assessments.models import Assessment

from .conftest import AUTHORITY_ROLES, ROLES, acting_key, bearer, make_token, user_for

pytestmark = pytest.mark.django_db


def get(client, name, headers=None, kwargs=None, **params):
    return client.get(reverse(name, kwargs=kwargs), params, **(headers or {}))


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Public: framework versions ------------------------------------------------------------------


def test_published_framework_versions_are_public(client, world):
    response = get(client, "api:framework_list")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = response.json()["results"]
    assert [(r["slug"], r["version"]) for r in rows] == [("dmm-early-help", "1.0")]
    detail = client.get(rows[0]["url"]).json()
    assert [level["number"] for level in detail["levels"]] == [1, 2, 3, 4]
    assert len(detail["strands"]) == 5
    dimensions = [d for s in detail["strands"] for d in s["dimensions"]]
    assert len(dimensions) == 8
    statements = [st for d in dimensions for cell in d["levels"] for st in cell["statements"]]
    assert len(statements) == 79
    assert all(set(st) == {"key", "text"} for st in statements)  # editors' notes stay out
    assert len(detail["checklist"]) == 6


def test_drafts_and_unknown_versions_are_404(client, world):
    from tests.factories.frameworks import framework_version_build

    framework_version_build(slug="draft-model", status="draft")
    for slug, version in (("draft-model", "1.0"), ("dmm-early-help", "9.9"), ("nope", "1")):
        response = get(client, "api:framework_detail", kwargs={"slug": slug, "version": version})
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "errors": {}}
    assert ids_of_frameworks(client, slug="draft-model") == []


def ids_of_frameworks(client, **params):
    return get(client, "api:framework_list", **params).json()["results"]


# --- Authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("api:me", None),
        ("api:round_list", None),
        ("api:assessment_list", None),
        ("api:benchmark_list", None),
    ],
)
def test_anonymous_calls_are_401_json_not_a_redirect(client, world, name, kwargs):
    response = get(client, name, kwargs=kwargs)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    body = response.json()
    assert "Authorization: Bearer" in body["message"]
    assert body["errors"] == {}


@pytest.mark.parametrize("role", ROLES)
def test_me_says_who_and_what_the_token_acts_for(client, world, token_for, role):
    body = get(client, "api:me", token_for(role)).json()
    assert body["authenticated_by"] == "token"
    assert body["email"] == user_for(world, role).email
    acting = body["acting_for"]
    assert acting["role"] == role
    if role in AUTHORITY_ROLES:
        assert acting["authority"]["name"] == world.a.authority.name
    elif role == "area_lead":
        assert acting["area"]["name"] == world.a.area.name
    else:
        assert acting["is_national"] is True


def test_a_signed_in_session_works_too(client, world):
    client.force_login(world.a.viewer)
    body = get(client, "api:me").json()
    assert body["authenticated_by"] == "session"
    assert body["acting_for"]["authority"]["id"] == world.a.authority.pk
    assert ids(get(client, "api:assessment_list")) == {world.a_past.pk, world.a_open.pk}


def test_a_session_acts_for_what_the_session_chose(client, world):
    """A user in two authorities: the session's choice decides, exactly as on pages."""
    from tests.factories.accounts import MembershipFactory

    user = world.a.viewer
    MembershipFactory(user=user, authority=world.b.authority, role="viewer")
    client.force_login(user)
    # Nothing chosen yet, several options: the API reads nothing (pages would ask to choose).
    assert ids(get(client, "api:assessment_list")) == set()
    session = client.session
    session[SESSION_KEY] = acting_key(world, "viewer", "b")
    session.save()
    assert ids(get(client, "api:assessment_list")) == {world.b_past.pk, world.b_open.pk}


def test_a_session_without_its_second_factor_is_not_signed_in_for_the_api(client, world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.a.viewer, name="app", confirmed=True)
    client.force_login(world.a.viewer)
    response = get(client, "api:assessment_list")
    assert response.status_code == 401  # pages would redirect to the verify page


# --- Rounds --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_rounds_for_every_role(client, world, token_for, role):
    response = get(client, "api:round_list", token_for(role))
    names = [r["name"] for r in response.json()["results"]]
    assert names == ["2026 to 2027", "2025 to 2026"]
    detail = get(client, "api:round_detail", token_for(role), kwargs={"pk": world.open_round.pk})
    assert detail.json()["is_open"] is True
    assert detail.json()["framework"] == {"slug": "dmm-early-help", "version": "1.0"}
    missing = get(client, "api:round_detail", token_for(role), kwargs={"pk": 999999})
    assert missing.status_code == 404


# --- Assessments: tenant scoping -----------------------------------------------------------------


@pytest.mark.parametrize("role", AUTHORITY_ROLES)
def test_authority_users_see_their_authority_s_assessments_only(client, world, token_for, role):
    headers = token_for(role)
    assert ids(get(client, "api:assessment_list", headers)) == {world.a_past.pk, world.a_open.pk}
    for other in (world.b_past, world.b_open):
        response = get(client, "api:assessment_detail", headers, kwargs={"pk": other.pk})
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "errors": {}}
    # Asking for the other authority by filter gives nothing either.
    by_filter = get(client, "api:assessment_list", headers, authority=world.b.authority.pk)
    assert ids(by_filter) == set()


def test_area_leads_see_their_area_s_assessments_only(client, world, token_for):
    headers = token_for("area_lead")
    assert ids(get(client, "api:assessment_list", headers)) == {world.a_past.pk, world.a_open.pk}
    response = get(client, "api:assessment_detail", headers, kwargs={"pk": world.b_past.pk})
    assert response.status_code == 404


def test_national_admins_see_every_assessment(client, world, token_for):
    headers = token_for("national_admin")
    assert ids(get(client, "api:assessment_list", headers, page_size=100)) == set(
        Assessment.objects.values_list("pk", flat=True)
    )
    response = get(client, "api:assessment_detail", headers, kwargs={"pk": world.b_past.pk})
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["officer", "authority_lead", "viewer", "area_lead"])
def test_another_tenant_s_user_gets_404_for_every_detail_endpoint(client, world, token_for, role):
    """Tenant B's people, with tokens and with sessions, cannot read A's assessments."""
    headers = token_for(role, "b")
    for assessment in (world.a_past, world.a_open):
        response = get(client, "api:assessment_detail", headers, kwargs={"pk": assessment.pk})
        assert response.status_code == 404, role
    listed = ids(get(client, "api:assessment_list", headers, page_size=100))
    assert listed.isdisjoint({world.a_past.pk, world.a_open.pk})
    client.force_login(user_for(world, role, "b"))
    for assessment in (world.a_past, world.a_open):
        response = get(client, "api:assessment_detail", kwargs={"pk": assessment.pk})
        assert response.status_code == 404, role


def test_stored_results_with_moderated_levels(client, world, token_for):
    body = get(
        client, "api:assessment_detail", token_for("viewer"), kwargs={"pk": world.a_past.pk}
    ).json()
    assert body["status"] == "agreed"
    assert body["authority"] == {"id": world.a.authority.pk, "name": world.a.authority.name}
    results = body["results"]
    stored = world.a_past.result
    assert results["overall"]["level"] == stored.overall_level
    assert float(results["overall"]["score"]) == float(stored.overall_score)
    assert len(results["strands"]) == 5
    assert len(results["dimensions"]) == 8
    moderated = [d for d in results["dimensions"] if d["moderated_level"] is not None]
    assert len(moderated) == 1
    assert moderated[0]["level"] == moderated[0]["moderated_level"]
    assert moderated[0]["moderated_level"] != moderated[0]["confirmed_level"]
    assert body["overall_level"] == stored.overall_level


def test_an_assessment_in_progress_has_no_results_yet(client, world, token_for):
    body = get(
        client, "api:assessment_detail", token_for("officer"), kwargs={"pk": world.a_open.pk}
    ).json()
    assert body["status"] == "in_progress"
    assert body["results"] is None
    assert body["overall_level"] is None


def test_filters(client, world, token_for):
    headers = token_for("national_admin")
    by_round = ids(get(client, "api:assessment_list", headers, round=world.open_round.pk))
    assert by_round == {world.a_open.pk, world.b_open.pk}
    in_progress = ids(get(client, "api:assessment_list", headers, status="in_progress"))
    assert in_progress == {world.a_open.pk, world.b_open.pk}
    mine = ids(get(client, "api:assessment_list", headers, authority=world.a.authority.pk))
    assert mine == {world.a_past.pk, world.a_open.pk}


def test_a_removed_membership_stops_the_token_at_once(client, world):
    secret = make_token(world.a.officer, key=acting_key(world, "officer"))
    assert ids(get(client, "api:assessment_list", bearer(secret)))
    world.a.membership(world.a.officer).delete()
    response = get(client, "api:assessment_list", bearer(secret))
    assert ids(response) == set()
    detail = get(client, "api:assessment_detail", bearer(secret), kwargs={"pk": world.a_past.pk})
    assert detail.status_code == 404


def test_a_token_never_moves_to_another_of_the_user_s_tenants(client, world):
    """Made for A; the user loses A but is (or becomes) a member of B: the token reads nothing,
    where a session would fall back to the only option left."""
    from tests.factories.accounts import MembershipFactory

    user = world.a.officer
    secret = make_token(user, key=acting_key(world, "officer"))
    MembershipFactory(user=user, authority=world.b.authority, role="officer")
    world.a.membership(user).delete()
    assert ids(get(client, "api:assessment_list", bearer(secret))) == set()


# --- Errors --------------------------------------------------------------------------------------


def test_unknown_query_parameters_are_400_naming_them(client, world, token_for):
    response = get(client, "api:assessment_list", token_for("viewer"), colour="red", size="2")
    assert response.status_code == 400
    body = response.json()
    assert body["message"].startswith("Unknown query parameters: colour, size.")
    assert "This endpoint accepts: authority, page, page_size, round, status." in body["message"]
    assert body["errors"] == {
        "colour": ["Unknown query parameter."],
        "size": ["Unknown query parameter."],
    }
    detail = get(
        client,
        "api:assessment_detail",
        token_for("viewer"),
        kwargs={"pk": world.a_past.pk},
        page="2",
    )
    assert detail.status_code == 400
    assert "takes no query parameters" in detail.json()["message"]
    public = get(client, "api:framework_list", format="json")
    assert public.status_code == 400


def test_bad_values_and_repeated_parameters_are_400(client, world, token_for):
    headers = token_for("viewer")
    response = get(client, "api:assessment_list", headers, status="finished", page_size="1000")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Check the query parameters: page_size, status."
    assert set(body["errors"]) == {"page_size", "status"}
    repeated = client.get(reverse("api:assessment_list") + "?round=1&round=2", **headers)
    assert repeated.status_code == 400
    assert repeated.json()["errors"] == {"round": ["Given more than once."]}


def test_pagination_is_bounded(client, world, token_for):
    headers = token_for("national_admin")
    first = get(client, "api:assessment_list", headers, page_size=5).json()
    assert first["count"] == Assessment.objects.count()
    assert len(first["results"]) == 5
    assert "page=2" in first["next"]
    page_past_the_end = get(client, "api:assessment_list", headers, page=99)
    assert page_past_the_end.status_code == 404
    assert page_past_the_end.json()["message"] == "Not found."


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_are_405_json(client, world, token_for, method):
    response = getattr(client, method)(reverse("api:assessment_list"), **token_for("viewer"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {
        "message": f"{method.upper()} is not allowed: the API is read-only, use GET.",
        "errors": {},
    }
    anonymous = getattr(client, method)(reverse("api:framework_list"))
    assert anonymous.status_code == 405


def test_unknown_addresses_under_api_are_json_404(client, world):
    for url in ("/api/nothing-here/", "/api/assessments/abc/", "/api/frameworks/a/b/c/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert response.json()["message"].startswith("Not found.")
    page = client.get("/not-the-api/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_server_errors_under_api_are_json(rf):
    from core.views import server_error

    response = server_error(rf.get("/api/assessments/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.content.startswith(b'{"message": "Sorry, something went wrong')
    page = server_error(rf.get("/assessments/"))
    assert page["Content-Type"].startswith("text/html")


def test_database_down_under_api_is_json_503(rf):
    from core.middleware import service_unavailable_response

    response = service_unavailable_response(rf.get("/api/rounds/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert response["Content-Type"] == "application/json"


def test_tenant_data_is_not_cached(client, world, token_for):
    response = get(client, "api:assessment_list", token_for("viewer"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_root_lists_the_collections(client, world):
    body = get(client, "api:root").json()
    assert body["assessments"].endswith("/api/assessments/")
    assert body["docs"].endswith("/api/docs/")


@pytest.mark.parametrize(
    "url",
    [
        "/api/assessments/99999999999999999999999999/",
        "/api/rounds/99999999999999999999999999/",
        "/api/benchmarks/99999999999999999999999999/",
        "/api/frameworks/dmm-early-help/1.0%00/",  # PostgreSQL refuses NUL bytes with an error
        "/api/frameworks/dmm-early-help/%E2%82%AC/",
        "/api/assessments/?round=99999999999",
        "/api/frameworks/?slug=a%00b",
    ],
)
def test_odd_values_are_400_or_404_never_500(client, world, token_for, url):
    response = client.get(url, **token_for("national_admin"))
    assert response.status_code in (400, 404)
    assert response.json()["message"]
