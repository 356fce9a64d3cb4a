"""Personal API tokens: made and shown once, stored hashed, refused when revoked, expired or
malformed (401 JSON), throttled; and the pages that manage them."""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.services import api_token_create, api_token_revoke

from .conftest import acting_key, bearer, make_token

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"mpat_[A-Za-z0-9_-]{43}")


def me(client, headers):
    return client.get(reverse("api:me"), **headers)


def test_a_token_is_stored_only_as_its_hash(world):
    row, secret = api_token_create(
        user=world.a.viewer, name="  Dashboard   feed ", expires_in_days=90
    )
    assert TOKEN_RE.fullmatch(secret)
    row.refresh_from_db()
    assert row.name == "Dashboard feed"
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert row.prefix == secret[:12]
    stored = [str(v) for v in ApiToken.objects.values_list(flat=False).get(pk=row.pk)]
    assert all(secret not in value for value in stored)
    assert row.expires_at - row.created_at == datetime.timedelta(days=90)


def test_a_valid_token_authenticates_and_records_its_use(client, world):
    secret = make_token(world.a.viewer, key=acting_key(world, "viewer"))
    assert me(client, bearer(secret)).status_code == 200
    row = ApiToken.objects.get()
    assert row.last_used_at is not None
    # No session is made for a token request.
    assert "sessionid" not in client.cookies


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Bearer mpat_short",
        "Bearer mpat_" + "A" * 43,  # well formed but unknown
        "Bearer two tokens",
        "bearer mpat_" + "!" * 43,
    ],
)
def test_malformed_or_unknown_tokens_are_401(client, world, header):
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"]
    # Even on a public endpoint a bad token is refused, not ignored.
    public = client.get(reverse("api:framework_list"), HTTP_AUTHORIZATION=header)
    assert public.status_code == 401


def test_a_bad_token_is_refused_even_with_a_signed_in_session(client, world):
    client.force_login(world.a.viewer)
    response = client.get(reverse("api:me"), HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401


def test_a_revoked_token_is_401_from_the_next_request(client, world):
    secret = make_token(world.a.viewer, key=acting_key(world, "viewer"))
    assert me(client, bearer(secret)).status_code == 200
    api_token_revoke(token=ApiToken.objects.get())
    response = me(client, bearer(secret))
    assert response.status_code == 401
    assert response.json() == {"message": "This API token has been revoked.", "errors": {}}


def test_an_expired_token_is_401(client, world):
    secret = make_token(world.a.viewer, key=acting_key(world, "viewer"), days=30)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = me(client, bearer(secret))
    assert response.status_code == 401
    assert response.json()["message"] == "This API token has expired."


def test_a_switched_off_account_s_token_is_401(client, world):
    secret = make_token(world.a.viewer, key=acting_key(world, "viewer"))
    world.a.viewer.is_active = False
    world.a.viewer.save()
    assert me(client, bearer(secret)).status_code == 401


def test_tokens_are_throttled(client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute"},
    }
    secret = make_token(world.a.viewer, key=acting_key(world, "viewer"))
    for _ in range(3):
        assert me(client, bearer(secret)).status_code == 200
    response = me(client, bearer(secret))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["message"].startswith("Too many requests with this token.")
    # Another token (and a session) is counted apart.
    other = make_token(world.a.officer, key=acting_key(world, "officer"))
    assert me(client, bearer(other)).status_code == 200


# --- Pages ---------------------------------------------------------------------------------------


def test_the_account_page_links_to_the_tokens(client, world):
    client.force_login(world.a.viewer)
    html = client.get(reverse("accounts:account")).content.decode()
    assert reverse("api:token_list") in html


def test_create_shows_the_token_once_and_stores_its_hash(client, world):
    client.force_login(world.a.viewer)
    response = client.post(reverse("api:token_create"), {"name": "Dashboard", "expiry": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = TOKEN_RE.search(html).group(0)
    row = ApiToken.objects.get()
    assert row.user == world.a.viewer
    assert row.acting_for_key == acting_key(world, "viewer")
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Never again: the list shows only the prefix.
    listing = client.get(reverse("api:token_list")).content.decode()
    assert secret not in listing
    assert row.prefix in listing
    assert "Dashboard" in listing
    assert world.a.authority.name in listing
    # And it works.
    client.logout()
    assert me(client, bearer(secret)).json()["acting_for"]["role"] == "viewer"


@pytest.mark.parametrize(
    "data,errors",
    [
        ({}, ["Enter a name for the token", "Choose when the token stops working"]),
        ({"name": "   ", "expiry": "30"}, ["Enter a name for the token"]),
        ({"name": "x" * 101, "expiry": "30"}, ["Name must be 100 characters or fewer"]),
        ({"name": "Feed", "expiry": "7"}, ["Choose when the token stops working"]),
    ],
)
def test_bad_input_shows_the_error_summary(client, world, data, errors):
    client.force_login(world.a.viewer)
    response = client.post(reverse("api:token_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "<title>Create an API token - Error" in html
    for error in errors:
        assert error in html
    assert not ApiToken.objects.exists()


def test_a_user_with_several_roles_chooses_first(client, world):
    from tests.factories.accounts import MembershipFactory

    MembershipFactory(user=world.a.viewer, authority=world.b.authority, role="viewer")
    client.force_login(world.a.viewer)
    html = client.get(reverse("api:token_create")).content.decode()
    assert "Choose who you are working for" in html
    client.post(reverse("api:token_create"), {"name": "Feed", "expiry": "30"})
    assert not ApiToken.objects.exists()


def test_revoke_asks_then_revokes(client, world):
    secret = make_token(world.a.viewer, key=acting_key(world, "viewer"), name="Feed")
    row = ApiToken.objects.get()
    client.force_login(world.a.viewer)
    url = reverse("api:token_revoke", kwargs={"pk": row.pk})
    confirm = client.get(url).content.decode()
    assert "Revoke the token ‘Feed’?" in confirm
    response = client.post(url)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    listing = client.get(reverse("api:token_list")).content.decode()
    assert "has been revoked" in listing
    assert "Revoked" in listing
    client.logout()
    assert me(client, bearer(secret)).status_code == 401


def test_another_user_s_token_is_404_on_every_page(client, world):
    make_token(world.b.viewer, key=acting_key(world, "viewer", "b"), name="B's feed")
    row = ApiToken.objects.get()
    for user in (world.a.viewer, world.a.lead, world.a.area_lead, world.national_admin):
        client.force_login(user)
        url = reverse("api:token_revoke", kwargs={"pk": row.pk})
        assert client.get(url).status_code == 404
        response = client.post(url)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")  # the GOV.UK page
        assert "B&#x27;s feed" not in client.get(reverse("api:token_list")).content.decode()
    row.refresh_from_db()
    assert row.revoked_at is None


def test_token_pages_need_sign_in(client, world):
    for name in ("api:token_list", "api:token_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_national_admin_s_token_reads_everything(client, world):
    client.force_login(world.national_admin)
    html = client.get(reverse("api:token_create")).content.decode()
    assert "read data for <strong>all authorities</strong>, as a national admin" in html
    response = client.post(reverse("api:token_create"), {"name": "National", "expiry": "never"})
    secret = TOKEN_RE.search(response.content.decode()).group(0)
    row = ApiToken.objects.get()
    assert row.acting_for_key == "national"
    assert row.expires_at is None
    listing = client.get(reverse("api:token_list")).content.decode()
    assert "All authorities (national admin)</td>" in listing
    client.logout()
    assert me(client, bearer(secret)).json()["acting_for"]["is_national"] is True
