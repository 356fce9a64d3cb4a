import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import SecurityEvent, SecurityEventKind
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Another-long-password-77"


def reset_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/password-reset/[^\s]+/)", message.body).group(1)


def test_password_reset_by_email(tenants, client, settings):
    user = tenants.a.officer
    response = client.post(reverse("accounts:password_reset"), {"email": user.email.upper()})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert settings.PORTAL_SERVICE_NAME in message.subject
    link = reset_link(message)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    short = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert "govuk-error-summary" in short.content.decode()
    mismatch = client.post(
        set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert "The passwords do not match" in mismatch.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    kinds = set(SecurityEvent.objects.values_list("kind", flat=True))
    assert {
        SecurityEventKind.PASSWORD_RESET_REQUESTED,
        SecurityEventKind.PASSWORD_RESET_COMPLETED,
    } <= kinds
    # The link works once.
    again = client.get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_an_unknown_address_looks_the_same_and_sends_nothing(db, client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_bad_address_gets_a_govuk_error(db, client):
    html = client.post(reverse("accounts:password_reset"), {"email": "nope"}).content.decode()
    assert "Enter an email address in the correct format" in html


def test_a_reset_lifts_a_sign_in_lock_out(tenants, client, settings):
    user = tenants.a.officer
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.email, "password": "bad-one"})
    locked = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    set_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_change_password(tenants, signed_in):
    user = tenants.a.officer
    client = signed_in(user)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Your current password is not right" in wrong.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Still signed in, with a success message.
    page = client.get(reverse("accounts:account"))
    assert page.status_code == 200
    assert "Your password has been changed" in page.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.PASSWORD_CHANGED).exists()


def test_change_password_needs_sign_in(db, client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))
