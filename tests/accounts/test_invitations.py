"""Invitations: who may invite to what, single-use expiring links, accepting as a new or existing
user, and bad input that writes nothing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AreaAssignment,
    Invitation,
    Membership,
    MembershipRole,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from tests.factories.accounts import PASSWORD, UserFactory, invitation_for

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "A-brand-new-password-9"


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitations/[^\s/]+/)", message.body).group(1)


def accept(client, path, name="Nia New", password=NEW_PASSWORD, confirm=None):
    return client.post(
        path,
        {"full_name": name, "new_password1": password, "new_password2": confirm or password},
    )


# --- Inviting ------------------------------------------------------------------------------------


def test_a_lead_invites_an_officer_who_accepts_and_signs_in(
    tenants, signed_in, django_capture_on_commit_callbacks
):
    lead_client = signed_in(tenants.a.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("accounts:people_invite"),
            {"email": "  Nia.New@Example.org ", "role": MembershipRole.OFFICER},
        )
    assert response["Location"] == reverse("accounts:people")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.authority) == (
        "nia.new@example.org",
        MembershipRole.OFFICER,
        tenants.a.authority,
    )
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia.new@example.org"]
    assert tenants.a.authority.name in message.body
    path = link_path(message)
    assert path.split("/")[-2] not in invitation.token_hash  # only a hash is stored
    listing = lead_client.get(reverse("accounts:people")).content.decode()
    assert "nia.new@example.org" in listing

    newcomer = Client()
    page = newcomer.get(path)
    assert "Create your account" in page.content.decode()
    response = accept(newcomer, path)
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(email="nia.new@example.org")
    assert user.full_name == "Nia New"
    assert Membership.objects.get(user=user).authority == tenants.a.authority
    response = newcomer.post(
        reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD}
    )
    dashboard = newcomer.get(response["Location"]).content.decode()
    assert tenants.a.authority.name in dashboard
    assert tenants.b.authority.name not in dashboard
    kinds = list(SecurityEvent.objects.values_list("kind", flat=True))
    for kind in (
        SecurityEventKind.INVITATION_SENT,
        SecurityEventKind.INVITATION_ACCEPTED,
        SecurityEventKind.MEMBERSHIP_ADDED,
    ):
        assert kind in kinds


def test_a_used_link_cannot_be_used_again(tenants):
    _, token = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="officer", authority=tenants.a.authority
    )
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    accept(Client(), path)
    response = Client().get(path)
    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    response = accept(Client(), path, name="Someone Else")
    assert response.status_code == 410
    assert User.objects.filter(email="x@example.org").count() == 1


def test_an_expired_link_says_so(tenants):
    invitation, token = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="viewer", authority=tenants.a.authority
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    response = accept(Client(), path)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_unknown_link_is_a_404(db, client):
    for token in ("nope", "a" * 43, "x" * 200):
        assert (
            client.get(reverse("accounts:invitation_accept", kwargs={"token": token})).status_code
            == 404
        )


def test_a_new_invitation_replaces_a_waiting_one(tenants):
    _, first = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="viewer", authority=tenants.a.authority
    )
    _, second = invitation_for(
        inviter=tenants.a.lead, email="X@example.org", role="officer", authority=tenants.a.authority
    )
    old = Client().get(reverse("accounts:invitation_accept", kwargs={"token": first}))
    assert old.status_code == 410 and "cancelled" in old.content.decode()
    assert (
        Client().get(reverse("accounts:invitation_accept", kwargs={"token": second})).status_code
        == 200
    )


def test_a_cancelled_invitation_stops_working(tenants, signed_in):
    invitation, token = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="viewer", authority=tenants.a.authority
    )
    client = signed_in(tenants.a.lead)
    url = reverse("accounts:people_invitation_cancel", kwargs={"pk": invitation.pk})
    assert "Cancel the invitation for x@example.org" in client.get(url).content.decode()
    assert client.post(url)["Location"] == reverse("accounts:people")
    response = Client().get(reverse("accounts:invitation_accept", kwargs={"token": token}))
    assert response.status_code == 410
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.INVITATION_REVOKED).exists()
    # Cancelling again: it is no longer a waiting invitation of this authority.
    assert client.post(url).status_code == 404


# --- Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "officer"}, "Enter an email address"),
        (
            {"email": "not an email", "role": "officer"},
            "Enter an email address in the correct format",
        ),
        ({"email": "a@example.org"}, "Choose a role"),
        ({"email": "a@example.org", "role": "area_lead"}, "you cannot give that role"),
        ({"email": "a@example.org", "role": "national_admin"}, "you cannot give that role"),
        ({"email": "a@example.org", "role": "boss"}, "you cannot give that role"),
    ],
)
def test_a_lead_gets_clear_errors_and_nothing_is_written(tenants, signed_in, data, message):
    client = signed_in(tenants.a.lead)
    response = client.post(reverse("accounts:people_invite"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_an_existing_member_is_an_error(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    response = client.post(
        reverse("accounts:people_invite"),
        {"email": tenants.a.viewer.email.upper(), "role": "officer"},
    )
    assert "is already a member of Authority A" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_a_lead_cannot_invite_into_another_authority_by_adding_a_field(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    client.post(
        reverse("accounts:people_invite"),
        {"email": "a@example.org", "role": "officer", "authority": tenants.b.authority.pk},
    )
    assert Invitation.objects.get().authority == tenants.a.authority


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter your full name"),
        ({"password": "short"}, "This password is too short"),
        ({"password": "1234567890123"}, "This password is entirely numeric"),
        ({"confirm": "Something-different-1"}, "The passwords do not match"),
    ],
)
def test_accepting_with_bad_details_creates_nothing(tenants, fields, message):
    _, token = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="viewer", authority=tenants.a.authority
    )
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    response = accept(Client(), path, **fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert not User.objects.filter(email="x@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_from_someone_who_lost_the_role_gives_nothing(tenants):
    _, token = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="officer", authority=tenants.a.authority
    )
    Membership.objects.filter(user=tenants.a.lead).update(role=MembershipRole.VIEWER)
    response = accept(Client(), reverse("accounts:invitation_accept", kwargs={"token": token}))
    assert "no longer valid" in response.content.decode()
    assert not User.objects.filter(email="x@example.org").exists()


def test_the_accept_form_needs_a_csrf_token(tenants):
    _, token = invitation_for(
        inviter=tenants.a.lead, email="x@example.org", role="officer", authority=tenants.a.authority
    )
    client = Client(enforce_csrf_checks=True)
    response = accept(client, reverse("accounts:invitation_accept", kwargs={"token": token}))
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


# --- National admins invite to any role; existing accounts accept after signing in ---------------


def test_a_national_admin_invites_an_area_lead(
    tenants, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(tenants.national_admin)
    url = reverse("accounts:national_invite")
    missing = client.post(url, {"email": "al@example.org", "role": "area_lead"})
    assert "Choose the area they will lead" in missing.content.decode()
    missing = client.post(url, {"email": "al@example.org", "role": "officer"})
    assert "Choose the authority they will work for" in missing.content.decode()
    assert Invitation.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"email": "al@example.org", "role": "area_lead", "area": tenants.b.area.pk}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.area, invitation.authority) == (
        Role.AREA_LEAD,
        tenants.b.area,
        None,
    )
    path = link_path(mail.outbox[0])
    accept(Client(), path)
    assert AreaAssignment.objects.filter(user__email="al@example.org", area=tenants.b.area).exists()


def test_a_national_admin_invites_a_national_admin(
    tenants, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(tenants.national_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:national_invite"),
            {"email": "na@example.org", "role": "national_admin"},
        )
    accept(Client(), link_path(mail.outbox[0]))
    assert User.objects.get(email="na@example.org").is_national_admin


def test_a_national_admin_cannot_pick_an_unknown_authority(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    response = client.post(
        reverse("accounts:national_invite"),
        {"email": "x@example.org", "role": "officer", "authority": 999999},
    )
    assert "Choose an authority from the list" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_an_existing_user_signs_in_then_accepts(tenants):
    existing = tenants.b.officer
    _, token = invitation_for(
        inviter=tenants.a.lead, email=existing.email, role="viewer", authority=tenants.a.authority
    )
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    client = Client()
    page = client.get(path).content.decode()
    assert "Sign in to accept your invitation" in page
    # Someone else signed in cannot accept it.
    other = Client()
    other.force_login(tenants.a.officer)
    assert other.post(path).status_code == 403
    assert not Membership.objects.filter(user=existing, authority=tenants.a.authority).exists()
    response = client.post(
        reverse("accounts:login") + f"?next={path}",
        {"username": existing.email, "password": PASSWORD, "next": path},
    )
    assert response["Location"] == path
    assert "Accept your invitation" in client.get(path).content.decode()
    response = client.post(path)
    assert response["Location"] == reverse("accounts:acting_for")
    assert Membership.objects.get(user=existing, authority=tenants.a.authority).role == "viewer"
    # The user now has two roles and chooses which to act for.
    html = client.get(reverse("accounts:acting_for")).content.decode()
    assert "Authority A" in html and "Authority B" in html


def test_an_invitation_for_a_switched_off_account_is_refused(tenants, signed_in):
    user = UserFactory(email="off@example.org", is_active=False)
    client = signed_in(tenants.a.lead)
    response = client.post(
        reverse("accounts:people_invite"), {"email": user.email, "role": "officer"}
    )
    assert "is switched off" in response.content.decode()
    assert Invitation.objects.count() == 0
