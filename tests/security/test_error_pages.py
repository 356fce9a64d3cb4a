"""The error pages the walk cannot reach (a failing view, the database gone) carry the same
security headers and strict CSP, show no internal detail, and are not stored for a signed-in
user."""

import pytest
from django.test import Client

from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls_for_errors")]


@pytest.mark.parametrize(("url", "status"), [("/explode/", 500), ("/database-down/", 503)])
@pytest.mark.parametrize("signed_in", [False, True])
def test_error_pages_keep_the_headers(url, status, signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(UserFactory(email="error.pages@example.org"))
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert "govuk-template" in html
    assert "0xDEADBEEF" not in html and "Connection refused" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    if signed_in:
        assert "no-store" in response["Cache-Control"]
