"""The "service unavailable" page needs no database, wherever the database error is raised: in a
view, or in the middleware before any view (reading a signed-in user's session). Fast: SQLite,
the database "fails" by a patched session load; tests/faults/test_database_outage.py does it for
real with gunicorn and PostgreSQL."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def signed_in_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_session_that_cannot_be_read_gives_the_service_unavailable_page(error, settings):
    client = signed_in_client()
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=error("server closed the connection unexpectedly"),
    ):
        response = client.get(reverse("accounts:account"))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Sorry, the service is unavailable" in html
    assert f"Sorry, the service is unavailable - {settings.PORTAL_SERVICE_NAME}</title>" in html
    assert 'class="govuk-header' in html and 'class="govuk-footer' in html
    assert "server closed" not in html and "Traceback" not in html


def test_the_unavailable_page_reads_no_session_user_or_messages(settings):
    client = signed_in_client()
    with (
        mock.patch(
            "django.contrib.sessions.backends.db.SessionStore.load",
            side_effect=OperationalError("connection refused"),
        ) as load,
        mock.patch(
            "django.contrib.auth.get_user", side_effect=AssertionError("read the user")
        ) as get_user,
    ):
        response = client.get(reverse("accounts:account"))
    assert response.status_code == 503
    # The session was tried once (by the middleware that failed), never again by the error page.
    assert load.call_count == 1
    assert get_user.call_count == 0


@pytest.mark.urls("tests.core.urls_for_errors")
def test_a_view_that_loses_the_database_gives_the_page_with_the_service_name(settings):
    response = Client(raise_request_exception=False).get("/database-down/")
    html = response.content.decode()
    assert response.status_code == 503
    assert f"- {settings.PORTAL_SERVICE_NAME}</title>" in html
    assert settings.PORTAL_FEEDBACK_EMAIL in html


@pytest.mark.urls("tests.core.urls_for_errors")
def test_other_failures_still_give_the_500_page(settings):
    response = signed_in_client().get("/explode/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert f"- {settings.PORTAL_SERVICE_NAME}</title>" in html
    assert "secret-internal-detail" not in html
