"""Production settings in action (tests/core/test_settings.py checks the values themselves): plain
HTTP is redirected, HTTPS responses carry HSTS, and the session and CSRF cookies are __Host-
cookies that are Secure, HttpOnly and SameSite=Lax."""

import os
from importlib import import_module
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

KEY = "k" * 20 + "-production-secret-key-for-tests-0123456789"
HTTPS_SETTINGS = (
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
)


@pytest.fixture
def production():
    with mock.patch.dict(os.environ, {"SECRET_KEY": KEY, "ALLOWED_HOSTS": "testserver"}):
        module = import_module("maturity_portal.settings.production")
    return module


@pytest.fixture
def https_settings(settings, production):
    from django.conf import global_settings

    for name in HTTPS_SETTINGS:
        setattr(settings, name, getattr(production, name, getattr(global_settings, name)))
    return production


def test_the_production_values_behind_the_behaviour(production):
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.CSRF_COOKIE_HTTPONLY is True
    assert production.SESSION_COOKIE_SAMESITE == "Lax"
    assert production.SESSION_COOKIE_NAME.startswith("__Host-")
    assert production.CSRF_COOKIE_NAME.startswith("__Host-")
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS and production.SECURE_HSTS_PRELOAD
    assert production.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert production.X_FRAME_OPTIONS == "DENY"
    assert production.SECRET_KEY == KEY
    assert production.ALLOWED_HOSTS == ["testserver"]


def test_plain_http_is_redirected_to_https_except_the_health_check(https_settings):
    client = Client()
    response = client.get(reverse("core:home"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"
    assert client.get("/healthz").status_code in (200, 503)
    # Behind the TLS-terminating proxy the forwarded scheme counts.
    assert client.get(reverse("core:home"), HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_over_https_a_post_from_another_site_is_refused_even_with_the_token(https_settings):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"), secure=True)
    token = client.cookies[https_settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("accounts:login"),
        {"username": "a@example.org", "password": "x", "csrfmiddlewaretoken": token},
        secure=True,
        HTTP_ORIGIN="https://evil.example.com",
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_https_responses_carry_hsts(https_settings):
    response = Client().get(reverse("core:home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_session_and_csrf_cookies_are_host_only_secure_http_only_and_same_site(
    https_settings,
):
    user = UserFactory(email="cookie.check@example.org")
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"), secure=True)
    csrf = client.cookies[https_settings.CSRF_COOKIE_NAME]
    response = client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
        secure=True,
        # Over HTTPS Django also checks the Referer (or Origin) is this site.
        HTTP_REFERER="https://testserver/accounts/sign-in/",
    )
    assert response.status_code == 302
    session = client.cookies[https_settings.SESSION_COOKIE_NAME]
    for cookie in (session, client.cookies[https_settings.CSRF_COOKIE_NAME]):
        assert cookie.key.startswith("__Host-")
        # __Host- cookies are refused by browsers unless Secure, Path=/ and without Domain.
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert cookie["domain"] == ""
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    assert client.get(reverse("accounts:dashboard"), secure=True).status_code == 200
