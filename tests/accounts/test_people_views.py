"""An authority lead manages their authority's people. Each view test has its cross-tenant twin."""

import pytest
from django.urls import reverse

from accounts.models import Membership, MembershipRole, SecurityEvent, SecurityEventKind
from tests.factories.accounts import MembershipFactory, invitation_for

pytestmark = pytest.mark.django_db
PEOPLE = reverse("accounts:people")


def change_url(membership):
    return reverse("accounts:people_change_role", kwargs={"pk": membership.pk})


def remove_url(membership=None):
    base = reverse("accounts:people_remove")
    return f"{base}?membership={membership.pk}" if membership else base


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_the_authority_s_people_and_no_one_else(
    tenants, signed_in, django_assert_max_num_queries
):
    invitation_for(
        inviter=tenants.a.lead,
        email="new@example.org",
        role="viewer",
        authority=tenants.a.authority,
    )
    invitation_for(
        inviter=tenants.b.lead,
        email="other@example.org",
        role="viewer",
        authority=tenants.b.authority,
    )
    client = signed_in(tenants.a.lead)
    with django_assert_max_num_queries(14):
        response = client.get(PEOPLE)
    html = response.content.decode()
    for user in (tenants.a.lead, tenants.a.officer, tenants.a.viewer):
        assert user.email in html
    assert "new@example.org" in html
    for user in (tenants.b.lead, tenants.b.officer, tenants.b.viewer):
        assert user.email not in html
    assert "other@example.org" not in html


def test_the_list_costs_the_same_with_many_people(
    tenants, signed_in, django_assert_max_num_queries
):
    for _ in range(30):
        MembershipFactory(authority=tenants.a.authority)
    client = signed_in(tenants.a.lead)
    with django_assert_max_num_queries(14):
        assert client.get(PEOPLE).status_code == 200


@pytest.mark.parametrize("role", ["officer", "viewer", "area_lead"])
def test_people_pages_are_not_there_for_other_roles(tenants, signed_in, role):
    client = signed_in(tenants.a.member(role))
    membership = tenants.a.membership(tenants.a.viewer)
    for url in (
        PEOPLE,
        reverse("accounts:people_invite"),
        change_url(membership),
        remove_url(membership),
    ):
        assert client.get(url).status_code == 404
    assert client.post(remove_url(), {"membership": membership.pk}).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- Change role ---------------------------------------------------------------------------------


def test_a_lead_changes_a_role(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    membership = tenants.a.membership(tenants.a.viewer)
    page = client.get(change_url(membership)).content.decode()
    assert f"Change the role of {tenants.a.viewer}" in page
    response = client.post(change_url(membership), {"role": MembershipRole.OFFICER})
    assert response["Location"] == PEOPLE
    membership.refresh_from_db()
    assert membership.role == MembershipRole.OFFICER
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_CHANGED)
    assert (event.actor, event.subject, event.authority) == (
        tenants.a.lead,
        tenants.a.viewer,
        tenants.a.authority,
    )
    assert event.detail == "Viewer to Officer"


def test_changing_a_role_in_another_authority_is_404(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    other = tenants.b.membership(tenants.b.viewer)
    assert client.get(change_url(other)).status_code == 404
    assert client.post(change_url(other), {"role": "authority_lead"}).status_code == 404
    other.refresh_from_db()
    assert other.role == MembershipRole.VIEWER


@pytest.mark.parametrize("role", ["area_lead", "national_admin", "owner", ""])
def test_a_role_the_lead_may_not_give_is_an_error(tenants, signed_in, role):
    client = signed_in(tenants.a.lead)
    membership = tenants.a.membership(tenants.a.viewer)
    response = client.post(change_url(membership), {"role": role})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == MembershipRole.VIEWER


def test_the_only_lead_cannot_step_down(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    membership = tenants.a.membership(tenants.a.lead)
    response = client.post(change_url(membership), {"role": MembershipRole.OFFICER})
    html = response.content.decode()
    assert "they are the only authority lead for Authority A" in html
    membership.refresh_from_db()
    assert membership.role == MembershipRole.AUTHORITY_LEAD


def test_a_lead_can_step_down_when_there_is_another(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    client.post(change_url(tenants.a.membership(tenants.a.officer)), {"role": "authority_lead"})
    response = client.post(
        change_url(tenants.a.membership(tenants.a.lead)), {"role": MembershipRole.VIEWER}
    )
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.get(PEOPLE).status_code == 404


# --- Remove --------------------------------------------------------------------------------------


def test_a_lead_removes_someone_after_confirming(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    membership = tenants.a.membership(tenants.a.viewer)
    page = client.get(remove_url(membership)).content.decode()
    assert f"Remove {tenants.a.viewer.get_full_name()}?" in page
    assert f'name="membership" value="{membership.pk}"' in page
    response = client.post(remove_url(), {"membership": membership.pk})
    assert response["Location"] == PEOPLE
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.MEMBERSHIP_REMOVED)
    assert event.subject == tenants.a.viewer and event.actor == tenants.a.lead


def test_removing_from_another_authority_is_404_by_query_string_and_form_field(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    other = tenants.b.membership(tenants.b.viewer)
    assert client.get(remove_url(other)).status_code == 404
    assert client.post(remove_url(), {"membership": other.pk}).status_code == 404
    # The id in the query string does not override the form field either.
    assert client.post(remove_url(other), {"membership": other.pk}).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1 OR 1=1"])
def test_a_missing_or_malformed_membership_is_404(tenants, signed_in, value):
    client = signed_in(tenants.a.lead)
    assert client.get(f"{remove_url()}?membership={value}").status_code == 404
    assert client.post(remove_url(), {"membership": value}).status_code == 404


def test_the_only_lead_cannot_be_removed(tenants, signed_in):
    client = signed_in(tenants.a.lead)
    membership = tenants.a.membership(tenants.a.lead)
    response = client.post(remove_url(), {"membership": membership.pk})
    assert response.status_code == 400
    assert "they are the only authority lead" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_switched_off_lead_does_not_count_as_another_lead(tenants, signed_in):
    second = tenants.a.officer
    Membership.objects.filter(user=second).update(role=MembershipRole.AUTHORITY_LEAD)
    second.is_active = False
    second.save()
    client = signed_in(tenants.a.lead)
    response = client.post(remove_url(), {"membership": tenants.a.membership(tenants.a.lead).pk})
    assert response.status_code == 400


# --- Acting for decides the tenant, not the URL --------------------------------------------------


def test_a_lead_in_a_and_officer_in_b_cannot_manage_b_while_acting_for_a(tenants, signed_in):
    user = tenants.a.lead
    MembershipFactory(user=user, authority=tenants.b.authority, role=MembershipRole.OFFICER)
    client = signed_in(user, acting_for=f"authority:{tenants.a.authority.pk}")
    other = tenants.b.membership(tenants.b.viewer)
    assert client.get(change_url(other)).status_code == 404
    assert client.post(remove_url(), {"membership": other.pk}).status_code == 404
    assert client.get(PEOPLE).context["authority"] == tenants.a.authority


def test_people_pages_need_a_csrf_token(tenants):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(tenants.a.lead)
    membership = tenants.a.membership(tenants.a.viewer)
    assert client.post(remove_url(), {"membership": membership.pk}).status_code == 403
    assert client.post(change_url(membership), {"role": "officer"}).status_code == 403
    assert Membership.objects.get(pk=membership.pk).role == MembershipRole.VIEWER


def test_cancelling_another_authority_s_invitation_is_404(tenants, signed_in):
    invitation, _ = invitation_for(
        inviter=tenants.b.lead, email="x@example.org", role="viewer", authority=tenants.b.authority
    )
    client = signed_in(tenants.a.lead)
    url = reverse("accounts:people_invitation_cancel", kwargs={"pk": invitation.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
