"""Journeys in real headless Chromium: invite, accept, sign in (with two-factor where required) and
see only your own authority or area. axe-core checks every page on the way.

Set SCREENSHOT_DIR to keep a full-page screenshot of each page."""

import base64
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AreaAssignment, Membership, MembershipRole, User
from tests.factories.accounts import PASSWORD, two_tenants

from .conftest import confirmed_device, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Journey-password-2026"
SHOTS = os.environ.get("SCREENSHOT_DIR")


def look(page, assert_accessible, name: str) -> None:
    """Check the page with axe-core, and keep a screenshot when asked."""
    assert_accessible(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("#id_submit")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def invitation_path() -> str:
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/invitations/[^\s/]+/)", body).group(1)


def test_a_lead_invites_an_officer_who_sees_only_their_authority(
    live_server, page, assert_accessible
):
    world = two_tenants()
    base = live_server.url

    sign_in(page, base, world.a.lead.email, PASSWORD)
    assert page.locator("h1").inner_text() == "Authority A"
    look(page, assert_accessible, "01-lead-dashboard")
    page.get_by_role("link", name="Manage people in Authority A").click()
    assert page.locator("h1").inner_text() == "People"
    assert world.b.lead.email not in page.content()
    look(page, assert_accessible, "02-people")
    page.get_by_role("button", name="Invite someone").click()
    page.click("#id_submit")  # nothing filled in: errors first
    assert "Enter an email address" in page.locator(".govuk-error-summary").inner_text()
    look(page, assert_accessible, "03-invite-errors")
    page.fill("#id_email", "nia.new@example.org")
    page.get_by_label("Officer").check()
    page.click("#id_submit")
    assert "Invitation sent to nia.new@example.org" in page.content()
    look(page, assert_accessible, "04-invitation-sent")
    sign_out(page)

    page.goto(base + invitation_path())
    assert page.locator("h1").inner_text() == "Create your account"
    look(page, assert_accessible, "05-accept")
    page.fill("#id_full_name", "Nia New")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD + "!")
    page.click("#id_submit")
    assert "The passwords do not match" in page.locator(".govuk-error-summary").inner_text()
    look(page, assert_accessible, "06-accept-errors")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#id_submit")
    assert "Your account has been created" in page.content()
    look(page, assert_accessible, "07-sign-in-after-accepting")

    page.fill("#id_username", "nia.new@example.org")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("#id_submit")
    assert page.locator("h1").inner_text() == "Authority A"
    assert "Officer" in page.locator(".govuk-summary-list").inner_text()
    assert "Authority B" not in page.content()
    look(page, assert_accessible, "08-officer-dashboard")
    user = User.objects.get(email="nia.new@example.org")
    assert list(Membership.objects.filter(user=user).values_list("authority__name", "role")) == [
        ("Authority A", MembershipRole.OFFICER)
    ]

    # Another authority's objects, and pages for other roles, are "Page not found".
    other = world.b.membership(world.b.viewer)
    for path in (
        reverse("accounts:people_change_role", kwargs={"pk": other.pk}),
        f"{reverse('accounts:people_remove')}?membership={other.pk}",
        reverse("accounts:people"),
        reverse("accounts:national_index"),
    ):
        response = page.goto(base + path)
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Page not found"
    look(page, assert_accessible, "09-not-found")
    page.goto(base + reverse("accounts:account"))
    look(page, assert_accessible, "10-account")


def test_an_area_lead_invited_by_a_national_admin_sets_up_two_factor_and_sees_only_their_area(
    live_server, page, assert_accessible, settings
):
    settings.PORTAL_REQUIRE_2FA = True
    world = two_tenants()
    base = live_server.url
    admin_device = confirmed_device(world.national_admin)

    sign_in(page, base, world.national_admin.email, PASSWORD)
    assert page.locator("h1").inner_text() == "Enter your security code"
    look(page, assert_accessible, "11-security-code")
    page.fill("#id_code", totp_code(admin_device))
    page.click("#id_submit")
    assert page.locator("h1").inner_text() == "All authorities (national admin)"
    page.get_by_role("link", name="Invite someone").click()
    look(page, assert_accessible, "12-national-invite")
    page.fill("#id_email", "ali.area@example.org")
    page.get_by_label("Area lead").check()
    page.select_option("#id_area", label="Area B")
    page.click("#id_submit")
    assert "Invitation sent to ali.area@example.org as Area lead" in page.content()
    sign_out(page)

    page.goto(base + invitation_path())
    page.fill("#id_full_name", "Ali Area")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#id_submit")
    sign_in(page, base, "ali.area@example.org", NEW_PASSWORD)

    # Two-factor is mandatory for area leads: set-up comes before anything else.
    assert page.locator("h1").inner_text() == "Set up two-factor authentication"
    assert page.locator("svg.portal-qr-code").count() == 1
    look(page, assert_accessible, "13-two-factor-setup")
    page.goto(base + reverse("accounts:area_authorities"))
    assert page.locator("h1").inner_text() == "Set up two-factor authentication"
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator(".portal-secret-key code").inner_text().replace(" ", "")
    code = totp(base64.b32decode(key))
    page.fill("#id_code", f"{code:06d}")
    page.click("#id_submit")
    assert page.locator("h1").inner_text() == "Save your recovery codes"
    assert page.locator(".portal-recovery-codes li").count() == 10
    look(page, assert_accessible, "14-recovery-codes")
    page.get_by_role("button", name="I have saved my recovery codes").click()
    # Back to the page asked for before set-up.
    assert page.locator("h1").inner_text() == "Authorities in your area"
    assert "Authority A" not in page.locator("table").inner_text()

    sign_out(page)
    sign_in(page, base, "ali.area@example.org", NEW_PASSWORD)
    device = TOTPDevice.objects.get(user__email="ali.area@example.org", confirmed=True)
    page.fill("#id_code", totp_code(device, drift=1))  # the next code: the last one is spent
    page.click("#id_submit")
    assert page.locator("h1").inner_text() == "Area B"
    look(page, assert_accessible, "15-area-dashboard")
    page.get_by_role("link", name="See the authorities and their leads").click()
    table = page.locator("table").inner_text()
    assert "Authority B" in table and "Authority A" not in table
    assert world.b.lead.email in table
    look(page, assert_accessible, "16-area-authorities")
    assert AreaAssignment.objects.filter(user__email="ali.area@example.org").count() == 1
    response = page.goto(
        base
        + reverse(
            "accounts:people_change_role", kwargs={"pk": world.a.membership(world.a.viewer).pk}
        )
    )
    assert response.status == 404


def test_national_admin_pages_are_accessible(live_server, page, assert_accessible):
    world = two_tenants()
    base = live_server.url
    sign_in(page, base, world.national_admin.email, PASSWORD)
    pages = {
        "17-national-index": reverse("accounts:national_index"),
        "18-authorities": reverse("accounts:national_authorities"),
        "19-authority": reverse("accounts:national_authority", kwargs={"pk": world.a.authority.pk}),
        "20-authority-edit": reverse(
            "accounts:national_authority_edit", kwargs={"pk": world.a.authority.pk}
        ),
        "21-areas": reverse("accounts:national_areas"),
        "22-area": reverse("accounts:national_area", kwargs={"pk": world.a.area.pk}),
        "23-area-edit": reverse("accounts:national_area_edit", kwargs={"pk": world.a.area.pk}),
        "24-users": reverse("accounts:national_users"),
        "25-user": reverse("accounts:national_user", kwargs={"pk": world.a.lead.pk}),
        "26-security-events": reverse("accounts:security_events"),
        "27-change-role": reverse(
            "accounts:national_people_change_role",
            kwargs={
                "authority_pk": world.a.authority.pk,
                "pk": world.a.membership(world.a.viewer).pk,
            },
        ),
        "28-remove": reverse(
            "accounts:national_people_remove", kwargs={"authority_pk": world.a.authority.pk}
        )
        + f"?membership={world.a.membership(world.a.viewer).pk}",
    }
    for name, path in pages.items():
        response = page.goto(base + path)
        assert response.status == 200, path
        look(page, assert_accessible, name)
    # A failed last-lead removal shows its error accessibly.
    page.goto(
        base
        + reverse("accounts:national_people_remove", kwargs={"authority_pk": world.a.authority.pk})
        + f"?membership={world.a.membership(world.a.lead).pk}"
    )
    page.get_by_role("button", name="Remove from Authority A").click()
    assert "only authority lead" in page.locator(".govuk-error-summary").inner_text()
    look(page, assert_accessible, "29-remove-last-lead")


def test_the_acting_for_switcher_and_password_pages_are_accessible(
    live_server, page, assert_accessible
):
    world = two_tenants()
    Membership.objects.create(
        user=world.a.lead, authority=world.b.authority, role=MembershipRole.VIEWER
    )
    base = live_server.url
    sign_in(page, base, world.a.lead.email, PASSWORD)
    assert page.locator("h1").inner_text() == "Who are you working for?"
    page.click("#id_submit")
    assert "Choose the authority or area" in page.locator(".govuk-error-summary").inner_text()
    look(page, assert_accessible, "30-acting-for")
    page.get_by_label("Authority B – Viewer").check()
    page.click("#id_submit")
    assert page.locator("h1").inner_text() == "Authority B"
    assert "You are now working for Authority B" in page.content()
    look(page, assert_accessible, "31-switched")
    for name, path in (
        ("32-password-change", reverse("accounts:password_change")),
        ("33-two-factor-optional", reverse("accounts:two_factor_setup")),
    ):
        page.goto(base + path)
        look(page, assert_accessible, name)
    sign_out(page)
    page.goto(base + reverse("accounts:password_reset"))
    look(page, assert_accessible, "34-password-reset")
    page.fill("#id_email", world.a.lead.email)
    page.click("#id_submit")
    look(page, assert_accessible, "35-password-reset-sent")
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[-1].body)
    page.goto(base + link.group(1))
    assert page.locator("h1").inner_text() == "Choose a new password"
    look(page, assert_accessible, "36-password-reset-confirm")
