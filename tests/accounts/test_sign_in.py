"""Sign in, sign out, throttling, idle expiry, and two-factor authentication."""

import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent, SecurityEventKind
from accounts.views.auth import PENDING_SESSION_KEY
from tests.factories.accounts import PASSWORD, UserFactory

from .conftest import confirmed_device, totp_code

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")


def sign_in(client, email, password=PASSWORD, environ=None, **fields):
    return client.post(
        LOGIN, {"username": email, "password": password, **fields}, **(environ or {})
    )


def events(kind):
    return SecurityEvent.objects.filter(kind=kind)


# --- Password sign-in ----------------------------------------------------------------------------


def test_sign_in_lands_on_the_dashboard_and_is_recorded(tenants, client):
    response = sign_in(
        client, tenants.a.officer.email.upper(), environ={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    event = events(SecurityEventKind.SIGN_IN_SUCCEEDED).get()
    assert event.actor == tenants.a.officer
    assert event.ip_address == "203.0.113.9"
    dashboard = client.get(response["Location"])
    assert tenants.a.authority.name in dashboard.content.decode()
    assert tenants.b.authority.name not in dashboard.content.decode()


def test_sign_in_keeps_a_safe_next_and_drops_an_outside_one(tenants, client):
    response = sign_in(client, tenants.a.lead.email, next="/accounts/people/")
    assert response["Location"] == "/accounts/people/"
    client.logout()
    response = sign_in(client, tenants.a.lead.email, next="https://evil.example/")
    assert response["Location"] == reverse("accounts:dashboard")


def test_a_wrong_password_is_a_clear_error_and_recorded(tenants, client):
    response = sign_in(client, tenants.a.officer.email, "wrong-password-000")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    event = events(SecurityEventKind.SIGN_IN_FAILED).get()
    assert event.actor_email == tenants.a.officer.email
    assert event.subject == tenants.a.officer
    assert not client.session.get("_auth_user_id")


def test_an_unknown_email_fails_the_same_way(db, client):
    response = sign_in(client, "nobody@example.org", "whatever-password")
    assert "Enter a correct email address and password" in response.content.decode()
    assert events(SecurityEventKind.SIGN_IN_FAILED).get().detail == "No account with this address"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "", "password": "x"}, "Enter your email address"),
        ({"username": "not-an-email", "password": "x"}, "Enter an email address in the correct"),
        ({"username": "a@example.org", "password": ""}, "Enter your password"),
    ],
)
def test_missing_or_malformed_fields_get_govuk_errors(db, client, data, message):
    response = client.post(LOGIN, data)
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert "<title>Sign in - Error" in html


def test_repeated_failures_lock_the_account_for_that_address(tenants, client, settings):
    email = tenants.a.officer.email
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Capitalisation does not dodge the count.
        sign_in(client, email.upper() if attempt % 2 else email, "wrong-password-000")
    response = sign_in(client, email, PASSWORD)
    assert response.status_code == 429
    assert "Your account is locked for now" in response.content.decode()
    assert not client.session.get("_auth_user_id")
    assert events(SecurityEventKind.LOCKED_OUT).exists()
    # Another address from the same place is not locked.
    assert sign_in(Client(), tenants.a.viewer.email).status_code == 302


def test_sign_out_is_a_post_and_is_recorded(tenants, signed_in):
    client = signed_in(tenants.a.officer)
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "You have signed out" in response.content.decode()
    assert "Sign in" in response.content.decode()
    assert events(SecurityEventKind.SIGNED_OUT).get().actor == tenants.a.officer
    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_an_idle_session_expires(tenants, client, settings):
    sign_in(client, tenants.a.officer.email)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_activity_pushes_the_idle_expiry_forward_at_most_once_a_minute(tenants, client, settings):
    sign_in(client, tenants.a.officer.email)
    session = client.session
    session["_portal_refreshed"] = int(time.time()) - settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(seconds=30))
    client.get(reverse("accounts:dashboard"))
    remaining = (Session.objects.get().expire_date - timezone.now()).total_seconds()
    assert remaining > settings.SESSION_COOKIE_AGE - 60
    # Straight after a refresh, a request does not write the session again.
    pushed = Session.objects.get().expire_date
    client.get(reverse("accounts:dashboard"))
    assert Session.objects.get().expire_date == pushed


def test_a_switched_off_account_cannot_sign_in(tenants, client):
    tenants.a.officer.is_active = False
    tenants.a.officer.save()
    response = sign_in(client, tenants.a.officer.email)
    assert response.status_code == 200
    assert not client.session.get("_auth_user_id")


# --- Two-factor: signing in with it --------------------------------------------------------------


def test_a_user_with_an_authenticator_is_not_signed_in_until_the_code(tenants, client):
    device = confirmed_device(tenants.a.lead)
    response = sign_in(client, tenants.a.lead.email, next="/accounts/people/")
    assert response["Location"] == VERIFY
    assert not client.session.get("_auth_user_id")
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    response = client.get(VERIFY)
    assert "Enter your security code" in response.content.decode()
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response["Location"] == "/accounts/people/"
    assert client.session.get("_auth_user_id") == str(tenants.a.lead.pk)
    assert client.session.get("otp_device_id") == device.persistent_id
    assert client.get("/accounts/people/").status_code == 200
    event = events(SecurityEventKind.SIGN_IN_SUCCEEDED).get()
    assert event.detail == "With two-factor authentication"


def test_a_wrong_code_is_an_error_recorded_and_limited(tenants, client, settings):
    device = confirmed_device(tenants.a.lead)
    sign_in(client, tenants.a.lead.email)
    good = totp_code(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert "The code is not right" in response.content.decode()
    assert events(SecurityEventKind.TWO_FACTOR_FAILED).count() == 1
    # The device now makes the next attempt wait (django-otp throttling).
    response = client.post(VERIFY, {"code": good})
    assert "Too many wrong codes" in response.content.decode()
    assert not client.session.get("_auth_user_id")


def test_five_wrong_codes_end_the_attempt(tenants, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    confirmed_device(tenants.a.lead)
    sign_in(client, tenants.a.lead.email)
    for _ in range(4):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    response = client.post(VERIFY, {"code": "000000"})
    assert response["Location"] == LOGIN
    assert PENDING_SESSION_KEY not in client.session


def test_badly_formed_codes_get_clear_errors(tenants, client):
    confirmed_device(tenants.a.lead)
    sign_in(client, tenants.a.lead.email)
    for code, message in (
        ("", "Enter the security code"),
        ("12345", "Enter the 6-digit code from your authenticator app"),
        ("abc$%", "or a recovery code"),
    ):
        html = client.post(VERIFY, {"code": code}).content.decode()
        assert message in html and "govuk-error-summary" in html


def test_the_password_step_expires(tenants, client):
    confirmed_device(tenants.a.lead)
    sign_in(client, tenants.a.lead.email)
    session = client.session
    session[PENDING_SESSION_KEY]["started"] = time.time() - 3600
    session.save()
    response = client.get(VERIFY)
    assert response["Location"] == LOGIN


def test_the_verify_page_without_a_password_step_goes_back_to_sign_in(db, client):
    assert client.get(VERIFY)["Location"] == LOGIN


def test_a_recovery_code_works_once(tenants, client):
    from accounts.services import _new_recovery_codes

    confirmed_device(tenants.a.lead)
    codes = _new_recovery_codes(tenants.a.lead)
    sign_in(client, tenants.a.lead.email)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(tenants.a.lead.pk)
    assert events(SecurityEventKind.RECOVERY_CODE_USED).get().detail == "9 recovery codes left"
    other = Client()
    sign_in(other, tenants.a.lead.email)
    response = other.post(VERIFY, {"code": codes[0]})
    assert "has been used already" in response.content.decode()


def test_a_session_not_verified_with_the_device_is_sent_to_verify(tenants, client):
    """Two-factor set up in another browser: this signed-in session must verify too."""
    client.force_login(tenants.a.lead)
    device = confirmed_device(tenants.a.lead)
    response = client.get(reverse("accounts:people"))
    assert response["Location"].startswith(VERIFY)
    response = client.post(VERIFY + "?next=/accounts/people/", {"code": totp_code(device)})
    assert response["Location"] == "/accounts/people/"
    assert client.get("/accounts/people/").status_code == 200


# --- Two-factor: mandatory set-up ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["national_admin", "area_lead"])
def test_required_two_factor_sends_the_user_to_set_up_before_anything_else(
    tenants, client, settings, who
):
    settings.PORTAL_REQUIRE_2FA = True
    user = tenants.national_admin if who == "national_admin" else tenants.a.area_lead
    response = sign_in(client, user.email)
    for url in (response["Location"], reverse("accounts:acting_for"), "/accounts/national/"):
        redirect = client.get(url)
        assert redirect.status_code == 302 and redirect["Location"].startswith(SETUP)
    # Public pages and sign out stay reachable.
    assert client.get(reverse("core:home")).status_code == 200
    page = client.get(SETUP)
    html = page.content.decode()
    assert "Your role needs two-factor authentication" in html
    assert "<svg" in html and "data:" not in html
    assert 'aria-label="QR code for your authenticator app"' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The key is shown for typing in as well.
    assert re.search(r"<code>([A-Z2-7]{4} ?)+</code>", html)
    response = client.post(SETUP, {"code": totp_code(device)})
    assert response["Location"] == reverse("accounts:recovery_codes")
    codes_page = client.get(response["Location"]).content.decode()
    assert "Save your recovery codes" in codes_page
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True)
    )
    # Shown once only.
    again = client.get(reverse("accounts:recovery_codes")).content.decode()
    assert not set(codes) & set(re.findall(r"<code>([a-z2-7]+)</code>", again))
    assert "We cannot show them again" in again
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert events(SecurityEventKind.TWO_FACTOR_ENABLED).get().subject == user


def test_required_two_factor_is_not_asked_of_authority_roles(tenants, client, settings):
    settings.PORTAL_REQUIRE_2FA = True
    sign_in(client, tenants.a.lead.email)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_a_wrong_set_up_code_changes_nothing(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=tenants.a.lead)
    wrong = f"{(int(totp_code(device)) + 5) % 1_000_000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticDevice.objects.filter(user=tenants.a.lead).exists()
    assert client.post(SETUP, {"code": "12ab56"}).status_code == 200


def test_reloading_the_set_up_page_keeps_the_same_key(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    first = client.get(SETUP).content.decode()
    second = client.get(SETUP).content.decode()
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", first).group(1)
    assert key in second
    assert TOTPDevice.objects.filter(user=tenants.a.lead).count() == 1


def test_new_recovery_codes_need_the_password(tenants, signed_in):
    from accounts.services import _new_recovery_codes

    confirmed_device(tenants.a.lead)
    old = set(_new_recovery_codes(tenants.a.lead))
    client = signed_in(tenants.a.lead)
    url = reverse("accounts:recovery_codes")
    assert "The password is not right" in client.post(url, {"password": "nope"}).content.decode()
    response = client.post(url, {"password": PASSWORD})
    html = client.get(response["Location"]).content.decode()
    new = set(re.findall(r"<li><code>([a-z2-7]+)</code></li>", html))
    assert len(new) == 10 and not new & old
    assert events(SecurityEventKind.RECOVERY_CODES_REGENERATED).exists()


def test_removing_two_factor_needs_the_password_and_is_refused_when_required(
    tenants, signed_in, settings
):
    confirmed_device(tenants.a.lead)
    client = signed_in(tenants.a.lead)
    url = reverse("accounts:two_factor_remove")
    assert "The password is not right" in client.post(url, {"password": "x"}).content.decode()
    assert client.post(url, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=tenants.a.lead).exists()
    assert events(SecurityEventKind.TWO_FACTOR_DISABLED).get().actor == tenants.a.lead

    settings.PORTAL_REQUIRE_2FA = True
    confirmed_device(tenants.a.area_lead)
    client = signed_in(tenants.a.area_lead)
    response = client.post(url, {"password": PASSWORD})
    assert "You must keep two-factor authentication" in response.content.decode()
    assert TOTPDevice.objects.filter(user=tenants.a.area_lead).exists()


def test_an_unknown_user_cannot_reach_verify_for_someone_else(tenants, client):
    """The pending user id lives in the server-side session only; a client cannot name one."""
    confirmed_device(tenants.a.lead)
    response = client.post(VERIFY, {"code": "123456", "user_id": tenants.a.lead.pk})
    assert response["Location"] == LOGIN


def test_the_dashboard_needs_sign_in(db, client):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert UserFactory() is not None


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the peer that connected
        (1, "203.0.113.9", "203.0.113.9"),  # the address the proxy wrote
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # a forged left part is ignored
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer hops than proxies: not trusted
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_read_from_the_trusted_proxies_only(
    rf, settings, proxies, forwarded_for, expected
):
    from accounts.security import client_ip_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip_address(request) == expected


def test_behind_the_proxy_a_lock_out_is_for_the_client_s_address_not_everyone_s(tenants, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    email = tenants.a.officer.email
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(attacker, email, "wrong-password-000")
    assert sign_in(attacker, email, PASSWORD).status_code == 429
    # The owner comes through the same proxy from their own address and is not locked out.
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert sign_in(owner, email, PASSWORD).status_code == 302
    assert set(events(SecurityEventKind.LOCKED_OUT).values_list("ip_address", flat=True)) == {
        "198.51.100.66"
    }
