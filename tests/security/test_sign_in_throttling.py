"""Login throttling (django-axes) beyond tests/accounts/test_sign_in.py: the lock starts exactly
at the configured number of failures, the locked page is a full GOV.UK page with the security
headers, a locked account cannot get in with the right password from a new browser, and an
unknown address is answered exactly like a known one (no account enumeration)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def page_text(response, email: str) -> str:
    """The page without what differs for sure: the address typed in and the CSRF token."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", html)


def attempt(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def test_the_lock_starts_at_the_configured_limit(tenants, settings):
    settings.AXES_FAILURE_LIMIT = 3
    email = tenants.a.officer.email
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, email, "wrong-password-000").status_code == 200
    # One short of the limit: the right password still works (and resets the count).
    assert attempt(client, email, PASSWORD).status_code == 302
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, "wrong-password-000")
    locked = attempt(client, email, PASSWORD)
    assert locked.status_code == 429
    assert not client.session.get("_auth_user_id")
    # A new browser from the same address is locked out too.
    assert attempt(Client(), email, PASSWORD).status_code == 429


def test_the_locked_page_is_a_govuk_page_with_the_security_headers(tenants, settings):
    email = tenants.a.officer.email
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, email, "wrong-password-000")
    response = attempt(client, email, PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert 'class="govuk-template"' in html
    assert "Your account is locked for now" in html
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_address_is_answered_like_a_known_one(tenants, settings):
    known, unknown = Client(), Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        first = attempt(known, tenants.a.officer.email, "wrong-password-000")
        second = attempt(unknown, "nobody.here@example.org", "wrong-password-000")
        assert first.status_code == second.status_code == 200
        assert page_text(first, tenants.a.officer.email) == page_text(
            second, "nobody.here@example.org"
        )
    # The failure that reaches the limit is answered with the locked page, for both.
    first = attempt(known, tenants.a.officer.email, "wrong-password-000")
    second = attempt(unknown, "nobody.here@example.org", "wrong-password-000")
    assert first.status_code == second.status_code == 429
    assert page_text(first, tenants.a.officer.email) == page_text(second, "nobody.here@example.org")
    assert attempt(known, tenants.a.officer.email, PASSWORD).status_code == 429
