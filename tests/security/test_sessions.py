"""Session fixation and session end: the session id changes whenever the session gains or loses
privilege (password sign-in, the two-factor step, sign-out, a password change), the old id is
deleted from the store, and an old cookie presented again is a signed-out visitor."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import confirmed_device, totp_code
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
DASHBOARD = reverse("accounts:dashboard")


def session_id(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def planted(client: Client) -> str:
    """A session created before sign-in (as an attacker could plant in a victim's browser)."""
    session = client.session
    session["planted"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def replay(old_id: str) -> Client:
    """Another browser presenting an old session id."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = old_id
    return other


def is_signed_out(client: Client) -> bool:
    response = client.get(DASHBOARD)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_sign_in_gives_a_new_session_id(tenants):
    client = Client()
    before = planted(client)
    response = client.post(LOGIN, {"username": tenants.a.officer.email, "password": PASSWORD})
    assert response.status_code == 302
    after = session_id(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(DASHBOARD).status_code == 200
    assert is_signed_out(replay(before))


def test_the_two_factor_step_gives_a_new_session_id_at_each_stage(tenants):
    device = confirmed_device(tenants.a.lead)
    client = Client()
    before = planted(client)
    client.post(LOGIN, {"username": tenants.a.lead.email, "password": PASSWORD})
    waiting = session_id(client)
    assert waiting != before
    assert not Session.objects.filter(session_key=before).exists()
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    signed_in = session_id(client)
    assert signed_in not in (before, waiting)
    assert client.get(DASHBOARD).status_code == 200
    # The id that only passed the password step is useless now, for the dashboard and the code.
    for old in (before, waiting):
        stale = replay(old)
        assert is_signed_out(stale)
        assert stale.get(VERIFY)["Location"] == LOGIN


def test_verifying_a_signed_in_session_with_the_second_factor_gives_a_new_session_id(tenants):
    """Two-factor set up in another browser: this session steps up when it verifies, and steps
    up to a new id."""
    client = Client()
    client.post(LOGIN, {"username": tenants.a.lead.email, "password": PASSWORD})
    device = confirmed_device(tenants.a.lead)
    unverified = session_id(client)
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    verified = session_id(client)
    assert verified != unverified
    assert not Session.objects.filter(session_key=unverified).exists()
    assert client.get(DASHBOARD).status_code == 200
    assert is_signed_out(replay(unverified))


def test_sign_out_ends_the_session_and_the_old_id_is_useless(tenants):
    client = Client()
    client.post(LOGIN, {"username": tenants.a.officer.email, "password": PASSWORD})
    signed_in = session_id(client)
    assert client.get(DASHBOARD).status_code == 200
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=signed_in).exists()
    assert session_id(client) != signed_in
    assert is_signed_out(client)
    stale = replay(signed_in)
    assert is_signed_out(stale)
    # Not even a POST with the old id gets through.
    response = stale.post(reverse("accounts:people_invite"), {"email": "x@example.org"})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_sign_out_is_post_only(tenants):
    client = Client()
    client.force_login(tenants.a.officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(DASHBOARD).status_code == 200


def test_a_password_change_gives_a_new_id_and_ends_the_user_s_other_sessions(tenants):
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(LOGIN, {"username": tenants.a.officer.email, "password": PASSWORD})
    before = session_id(here)
    response = here.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "A-new-long-password-2026",
            "new_password2": "A-new-long-password-2026",
        },
    )
    assert response.status_code == 302
    assert session_id(here) != before
    assert here.get(DASHBOARD).status_code == 200
    assert is_signed_out(elsewhere)
    assert is_signed_out(replay(before))


def test_the_session_cookie_is_http_only_and_same_site(tenants):
    client = Client()
    client.post(LOGIN, {"username": tenants.a.officer.email, "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_the_admin_site_sign_in_does_not_skip_the_second_factor(tenants):
    """/django-admin/login/ checks only the password: the session it makes must still verify the
    authenticator before any admin page."""
    staff = tenants.national_admin
    staff.is_staff = True
    staff.is_superuser = True
    staff.save()
    confirmed_device(staff)
    client = Client()
    response = client.post(
        "/django-admin/login/?next=/django-admin/",
        {"username": staff.email, "password": PASSWORD, "next": "/django-admin/"},
    )
    assert response.status_code == 302
    for url in ("/django-admin/", "/django-admin/accounts/user/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url
