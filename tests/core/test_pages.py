import pytest
from django.test import Client
from django.urls import reverse

PUBLIC_PAGES = [
    ("core:home", "Assess the maturity of your early help data"),
    ("core:accessibility", "Accessibility statement"),
    ("core:privacy", "Privacy notice"),
    ("core:cookies", "Cookies"),
    ("accounts:login", "Sign in"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "heading"), PUBLIC_PAGES)
def test_public_pages_render_with_debug_off(client, settings, name, heading):
    assert settings.DEBUG is False
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert 'lang="en-GB"' in html
    assert 'class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert "govuk-phase-banner" in html
    assert reverse("core:accessibility") in html


@pytest.mark.django_db
def test_unknown_url_gives_the_govuk_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-template" in html


@pytest.mark.django_db
@pytest.mark.urls("tests.core.urls_for_errors")
def test_a_failing_view_gives_the_govuk_500_page_without_a_traceback():
    client = Client(raise_request_exception=False)
    response = client.get("/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "secret-internal-detail" not in html
    assert "Traceback" not in html


@pytest.mark.django_db
@pytest.mark.urls("tests.core.urls_for_errors")
def test_an_unreachable_database_gives_the_service_unavailable_page():
    client = Client(raise_request_exception=False)
    response = client.get("/database-down/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html
    assert "Connection refused" not in html


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_gets_a_clear_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@example.org"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


@pytest.mark.django_db
def test_security_headers_are_set(client):
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_branding_is_off_by_default_and_a_setting(client, settings):
    html = client.get(reverse("core:home")).content.decode()
    assert "govuk-frontend.min.css" in html
    assert "govuk-header__logotype" not in html
    settings.PORTAL_GOVUK_BRANDING = True
    html = client.get(reverse("core:home")).content.decode()
    assert "govuk-frontend-branded.min.css" in html
    assert "govuk-header__logotype" in html
