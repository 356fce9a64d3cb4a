"""National admin pages: authorities, areas, users, invitations and security events. Everyone else
gets 404 on every one of them."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import (
    Area,
    AreaAssignment,
    Authority,
    Membership,
    MembershipRole,
    SecurityEvent,
    SecurityEventKind,
)
from tests.factories.accounts import (
    AuthorityFactory,
    MembershipFactory,
    UserFactory,
    invitation_for,
)

from .conftest import confirmed_device

pytestmark = pytest.mark.django_db


def national_urls(tenants):
    a = tenants.a
    membership = a.membership(a.viewer)
    invitation, _ = invitation_for(
        inviter=tenants.national_admin, email="x@example.org", role="viewer", authority=a.authority
    )
    return [
        reverse("accounts:national_index"),
        reverse("accounts:national_authorities"),
        reverse("accounts:national_authority_add"),
        reverse("accounts:national_authority", kwargs={"pk": a.authority.pk}),
        reverse("accounts:national_authority_edit", kwargs={"pk": a.authority.pk}),
        reverse("accounts:national_people_invite", kwargs={"authority_pk": a.authority.pk}),
        reverse(
            "accounts:national_people_change_role",
            kwargs={"authority_pk": a.authority.pk, "pk": membership.pk},
        ),
        reverse("accounts:national_people_remove", kwargs={"authority_pk": a.authority.pk})
        + f"?membership={membership.pk}",
        reverse(
            "accounts:national_people_invitation_cancel",
            kwargs={"authority_pk": a.authority.pk, "pk": invitation.pk},
        ),
        reverse("accounts:national_areas"),
        reverse("accounts:national_area_add"),
        reverse("accounts:national_area", kwargs={"pk": a.area.pk}),
        reverse("accounts:national_area_edit", kwargs={"pk": a.area.pk}),
        reverse("accounts:national_users"),
        reverse("accounts:national_user", kwargs={"pk": a.officer.pk}),
        reverse("accounts:national_invite"),
        reverse("accounts:security_events"),
    ]


@pytest.mark.parametrize("role", ["officer", "authority_lead", "viewer", "area_lead"])
def test_national_pages_are_404_for_everyone_else(tenants, signed_in, role):
    client = signed_in(tenants.a.member(role))
    for url in national_urls(tenants):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "deactivate"}).status_code == 404, url
    assert tenants.a.officer.is_active


def test_national_pages_render_for_a_national_admin(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    for url in national_urls(tenants):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1" in response.content.decode()


# --- Authorities ---------------------------------------------------------------------------------


def test_authorities_search_filter_and_page(tenants, signed_in, django_assert_max_num_queries):
    for n in range(30):
        AuthorityFactory(name=f"Paged {n:02d}", region="north_east", kind="county")
    client = signed_in(tenants.national_admin)
    url = reverse("accounts:national_authorities")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert "Showing 1 to 25 of 32 authorities" in html
    assert 'rel="next"' in html
    page2 = client.get(url + "?page=2").content.decode()
    assert "Showing 26 to 32 of 32 authorities" in page2
    filtered = client.get(url + "?q=paged+0&region=north_east").content.decode()
    assert "Showing 1 to 10 of 10" in filtered
    by_area = client.get(url + f"?area={tenants.a.area.pk}").content.decode()
    assert "Authority A" in by_area and "Authority B" not in by_area
    # Filters are kept in the page links.
    kept = client.get(url + "?kind=county&page=1").content.decode()
    assert "?kind=county&amp;page=2" in kept
    # Bad filter values are ignored, not errors.
    assert client.get(url + "?kind=castle&page=zzz").status_code == 200


def test_add_and_change_an_authority(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    url = reverse("accounts:national_authority_add")
    data = {"name": "New Town", "ons_code": "e06000999", "kind": "unitary", "region": "south_west"}
    response = client.post(url, {**data, "active": "on"})
    authority = Authority.objects.get(ons_code="E06000999")
    assert response["Location"] == reverse(
        "accounts:national_authority", kwargs={"pk": authority.pk}
    )
    duplicate = client.post(url, {**data, "name": "Copy"}).content.decode()
    assert "Another authority already has this ONS code" in duplicate
    bad = client.post(
        url, {**data, "ons_code": "123", "kind": "", "region": "mars"}
    ).content.decode()
    assert "Enter the code as a capital letter followed by 8 digits" in bad
    assert "Choose the kind of authority" in bad
    assert Authority.objects.filter(name="Copy").count() == 0
    edit = reverse("accounts:national_authority_edit", kwargs={"pk": authority.pk})
    client.post(
        edit, {**data, "ons_code": "E06000999", "name": "Renamed", "area": tenants.b.area.pk}
    )
    authority.refresh_from_db()
    assert (authority.name, authority.area, authority.active) == ("Renamed", tenants.b.area, False)
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.AUTHORITY_CHANGED).count() == 2


def test_a_national_admin_manages_people_in_any_authority(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    b = tenants.b
    membership = b.membership(b.viewer)
    url = reverse(
        "accounts:national_people_change_role",
        kwargs={"authority_pk": b.authority.pk, "pk": membership.pk},
    )
    assert client.post(url, {"role": "authority_lead"})["Location"] == reverse(
        "accounts:national_authority", kwargs={"pk": b.authority.pk}
    )
    membership.refresh_from_db()
    assert membership.role == MembershipRole.AUTHORITY_LEAD
    # The membership must belong to the authority in the URL.
    wrong = reverse(
        "accounts:national_people_change_role",
        kwargs={"authority_pk": tenants.a.authority.pk, "pk": membership.pk},
    )
    assert client.get(wrong).status_code == 404
    remove = reverse(
        "accounts:national_people_remove", kwargs={"authority_pk": tenants.a.authority.pk}
    )
    assert client.post(remove, {"membership": membership.pk}).status_code == 404
    assert (
        client.get(reverse("accounts:national_authority", kwargs={"pk": 999999})).status_code == 404
    )


# --- Areas ---------------------------------------------------------------------------------------


def test_add_an_area_and_move_authorities_into_it(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    response = client.post(
        reverse("accounts:national_area_add"),
        {"name": "  Coast  ", "description": "", "authorities": [tenants.a.authority.pk]},
    )
    area = Area.objects.get(name="Coast")
    assert response["Location"] == reverse("accounts:national_area", kwargs={"pk": area.pk})
    tenants.a.authority.refresh_from_db()
    assert tenants.a.authority.area == area
    duplicate = client.post(reverse("accounts:national_area_add"), {"name": "Coast"})
    assert "Another area already has this name" in duplicate.content.decode()
    edit = reverse("accounts:national_area_edit", kwargs={"pk": area.pk})
    client.post(edit, {"name": "Coast", "authorities": [tenants.b.authority.pk]})
    tenants.a.authority.refresh_from_db()
    tenants.b.authority.refresh_from_db()
    assert tenants.a.authority.area is None and tenants.b.authority.area == area
    bad = client.post(edit, {"name": "Coast", "authorities": [999999]})
    assert "Choose authorities from the list" in bad.content.decode()


def test_area_leads_are_added_by_email_and_removed(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    url = reverse("accounts:national_area", kwargs={"pk": tenants.a.area.pk})
    unknown = client.post(url, {"action": "add_lead", "email": "ghost@example.org"})
    assert unknown.status_code == 400
    assert "There is no active account with this email address" in unknown.content.decode()
    client.post(url, {"action": "add_lead", "email": tenants.b.officer.email.upper()})
    assert AreaAssignment.objects.filter(user=tenants.b.officer, area=tenants.a.area).exists()
    again = client.post(url, {"action": "add_lead", "email": tenants.b.officer.email})
    assert "already an area lead" in again.content.decode()
    # Another area's assignment id is a 404 here.
    other = AreaAssignment.objects.get(user=tenants.b.area_lead)
    assert client.post(url, {"action": "remove_lead", "assignment": other.pk}).status_code == 404
    assert AreaAssignment.objects.filter(pk=other.pk).exists()
    mine = AreaAssignment.objects.get(user=tenants.b.officer)
    client.post(url, {"action": "remove_lead", "assignment": mine.pk})
    assert not AreaAssignment.objects.filter(pk=mine.pk).exists()


# --- Users ---------------------------------------------------------------------------------------


def test_users_search_and_page(tenants, signed_in, django_assert_max_num_queries):
    for n in range(30):
        UserFactory(email=f"bulk{n:02d}@example.org")
    client = signed_in(tenants.national_admin)
    url = reverse("accounts:national_users")
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert "Showing 1 to 25 of 39 users" in html  # 30 + 8 in the two tenants + 1 admin
    assert "Showing 1 to 1 of 1" in client.get(url + "?q=OFFICER.A").content.decode()
    leads = client.get(url + "?role=area_lead").content.decode()
    assert "area.lead.a@example.org" in leads and "officer.a@example.org" not in leads


def test_user_actions(tenants, signed_in):
    admin = tenants.national_admin
    client = signed_in(admin)
    user = UserFactory(email="someone@example.org")
    url = reverse("accounts:national_user", kwargs={"pk": user.pk})

    client.post(
        url, {"action": "add_membership", "authority": tenants.b.authority.pk, "role": "officer"}
    )
    assert Membership.objects.filter(user=user, authority=tenants.b.authority).exists()
    dup = client.post(
        url,
        {"action": "add_membership", "authority": tenants.b.authority.pk, "role": "viewer"},
        follow=True,
    )
    assert "already a member" in dup.content.decode()
    missing = client.post(url, {"action": "add_membership", "role": "viewer"})
    assert missing.status_code == 400 and "Choose an authority" in missing.content.decode()

    client.post(url, {"action": "add_area", "area": tenants.a.area.pk})
    assert AreaAssignment.objects.filter(user=user, area=tenants.a.area).exists()
    assignment = AreaAssignment.objects.get(user=user)
    other_assignment = AreaAssignment.objects.get(user=tenants.a.area_lead)
    assert (
        client.post(url, {"action": "remove_area", "assignment": other_assignment.pk}).status_code
        == 404
    )
    client.post(url, {"action": "remove_area", "assignment": assignment.pk})
    assert not AreaAssignment.objects.filter(user=user).exists()

    client.post(url, {"action": "grant_national_admin"})
    user.refresh_from_db()
    assert user.is_national_admin
    client.post(url, {"action": "revoke_national_admin"})
    user.refresh_from_db()
    assert not user.is_national_admin

    client.post(url, {"action": "deactivate"})
    user.refresh_from_db()
    assert not user.is_active
    client.post(url, {"action": "activate"})
    user.refresh_from_db()
    assert user.is_active

    confirmed_device(user)
    client.post(url, {"action": "reset_two_factor"})
    assert not TOTPDevice.objects.filter(user=user).exists()

    nonsense = client.post(url, {"action": "explode"}, follow=True)
    assert "Choose an action from the page" in nonsense.content.decode()
    kinds = set(SecurityEvent.objects.filter(subject=user).values_list("kind", flat=True))
    assert {
        SecurityEventKind.MEMBERSHIP_ADDED,
        SecurityEventKind.AREA_ASSIGNMENT_ADDED,
        SecurityEventKind.AREA_ASSIGNMENT_REMOVED,
        SecurityEventKind.NATIONAL_ADMIN_GRANTED,
        SecurityEventKind.NATIONAL_ADMIN_REVOKED,
        SecurityEventKind.USER_DEACTIVATED,
        SecurityEventKind.USER_REACTIVATED,
        SecurityEventKind.TWO_FACTOR_DISABLED,
    } <= kinds


def test_the_last_lead_cannot_be_switched_off_and_admins_cannot_demote_themselves(
    tenants, signed_in
):
    client = signed_in(tenants.national_admin)
    lead_url = reverse("accounts:national_user", kwargs={"pk": tenants.a.lead.pk})
    response = client.post(lead_url, {"action": "deactivate"}, follow=True)
    assert "only authority lead" in response.content.decode()
    tenants.a.lead.refresh_from_db()
    assert tenants.a.lead.is_active
    me = reverse("accounts:national_user", kwargs={"pk": tenants.national_admin.pk})
    response = client.post(me, {"action": "revoke_national_admin"}, follow=True)
    assert "cannot remove your own national admin role" in response.content.decode()
    tenants.national_admin.refresh_from_db()
    assert tenants.national_admin.is_national_admin


# --- Security events -----------------------------------------------------------------------------


def test_security_events_are_listed_filtered_and_paged(tenants, signed_in, client):
    for _ in range(60):
        client.post(reverse("accounts:login"), {"username": "ghost@example.org", "password": "x"})
        client.cookies.clear()
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    admin = signed_in(tenants.national_admin)
    url = reverse("accounts:security_events")
    html = admin.get(url).content.decode()
    assert "Showing 1 to 50 of" in html
    assert "ghost@example.org" in html
    assert "127.0.0.1" in html
    failed = admin.get(url + "?kind=sign_in_failed").content.decode()
    assert "of 60 events" in failed
    invitation_for(
        inviter=tenants.a.lead,
        email="new@example.org",
        role="viewer",
        authority=tenants.a.authority,
    )
    by_authority = admin.get(url + "?authority=Authority+A").content.decode()
    assert "Invitation sent" in by_authority and "ghost@example.org" not in by_authority
    assert "Showing 1 to 1 of 1" in admin.get(url + "?q=new@example").content.decode()


def test_events_record_actor_time_and_address(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    client.post(
        reverse(
            "accounts:people_change_role", kwargs={"pk": tenants.a.membership(tenants.a.viewer).pk}
        ),
        {"role": "officer"},
        REMOTE_ADDR="198.51.100.7",
    )
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_CHANGED)
    assert event.actor == tenants.a.lead
    assert event.actor_email == tenants.a.lead.email
    assert event.ip_address == "198.51.100.7"
    assert event.occurred_at is not None
    assert MembershipFactory is not None
