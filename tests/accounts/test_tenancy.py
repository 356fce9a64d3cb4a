"""Acting for: re-derived from memberships on every request; forged or stale values ignored."""

import pytest
from django.urls import reverse

from accounts import tenancy
from accounts.models import Membership, MembershipRole, Role
from tests.factories.accounts import AreaAssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_options_list_memberships_areas_and_national_role(tenants):
    user = tenants.a.officer
    MembershipFactory(user=user, authority=tenants.b.authority, role=MembershipRole.VIEWER)
    AreaAssignmentFactory(user=user, area=tenants.b.area)
    user.is_national_admin = True
    user.save()
    keys = [o.key for o in tenancy.options_for(user)]
    assert keys == [
        "national",
        f"area:{tenants.b.area.pk}",
        f"authority:{tenants.a.authority.pk}",
        f"authority:{tenants.b.authority.pk}",
    ]


def test_a_user_with_no_role_has_no_options(db):
    assert tenancy.options_for(UserFactory()) == []


def test_inactive_authorities_and_switched_off_users_give_no_options(tenants):
    tenants.a.authority.active = False
    tenants.a.authority.save()
    assert tenancy.options_for(tenants.a.officer) == []
    tenants.b.officer.is_active = False
    tenants.b.officer.save()
    assert tenancy.options_for(tenants.b.officer) == []


def test_one_membership_is_chosen_automatically(tenants, signed_in):
    client = signed_in(tenants.a.officer)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    acting = response.wsgi_request.acting_for
    assert acting.authority == tenants.a.authority
    assert acting.role == MembershipRole.OFFICER
    assert client.session[tenancy.SESSION_KEY] == f"authority:{tenants.a.authority.pk}"


def test_several_memberships_send_the_user_to_choose_first(tenants, signed_in):
    user = tenants.a.lead
    MembershipFactory(user=user, authority=tenants.b.authority, role=MembershipRole.OFFICER)
    client = signed_in(user)
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:acting_for"))
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:acting_for"))


def test_choosing_an_own_option_switches(tenants, signed_in):
    user = tenants.a.lead
    MembershipFactory(user=user, authority=tenants.b.authority, role=MembershipRole.OFFICER)
    client = signed_in(user)
    response = client.post(
        reverse("accounts:acting_for") + "?next=/accounts/people/",
        {"acting_for": f"authority:{tenants.b.authority.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/people/"
    response = client.get(reverse("accounts:dashboard"))
    assert response.wsgi_request.acting_for.authority == tenants.b.authority
    # As an officer in B, the people pages are not there; as lead in A they are.
    assert client.get(reverse("accounts:people")).status_code == 404
    client.post(
        reverse("accounts:acting_for"), {"acting_for": f"authority:{tenants.a.authority.pk}"}
    )
    assert client.get(reverse("accounts:people")).status_code == 200


def test_a_forged_choice_is_a_form_error_and_changes_nothing(tenants, signed_in):
    user = tenants.a.lead
    MembershipFactory(user=user, authority=tenants.b.authority, role=MembershipRole.OFFICER)
    client = signed_in(user, acting_for=f"authority:{tenants.a.authority.pk}")
    for forged in (
        f"authority:{tenants.b.authority.pk + 1000}",
        f"area:{tenants.b.area.pk}",
        "national",
        "authority:abc",
    ):
        response = client.post(reverse("accounts:acting_for"), {"acting_for": forged})
        assert response.status_code == 200
        assert "Choose one of the authorities or areas listed" in response.content.decode()
        assert client.session[tenancy.SESSION_KEY] == f"authority:{tenants.a.authority.pk}"


def test_a_forged_session_value_is_ignored_and_cleared(tenants, signed_in):
    client = signed_in(tenants.a.lead, acting_for=f"authority:{tenants.b.authority.pk}")
    response = client.get(reverse("accounts:people"))
    # The forged B is dropped; the only real option (A) is used.
    assert response.status_code == 200
    assert response.context["authority"] == tenants.a.authority
    assert client.session[tenancy.SESSION_KEY] == f"authority:{tenants.a.authority.pk}"


def test_a_stale_choice_is_dropped_when_the_membership_goes(tenants, signed_in):
    user = tenants.a.lead
    MembershipFactory(user=user, authority=tenants.b.authority, role=MembershipRole.AUTHORITY_LEAD)
    client = signed_in(user, acting_for=f"authority:{tenants.b.authority.pk}")
    assert client.get(reverse("accounts:people")).context["authority"] == tenants.b.authority
    Membership.objects.filter(user=user, authority=tenants.b.authority).delete()
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 200
    assert response.context["authority"] == tenants.a.authority


def test_a_user_with_no_role_gets_404_on_authority_and_area_pages(db, signed_in):
    client = signed_in(UserFactory())
    assert client.get(reverse("accounts:people")).status_code == 404
    assert client.get(reverse("accounts:area_authorities")).status_code == 404
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert "You do not have a role yet" in response.content.decode()


def test_area_lead_acts_for_their_area_only(tenants, signed_in):
    client = signed_in(tenants.a.area_lead)
    response = client.get(reverse("accounts:area_authorities"))
    assert response.status_code == 200
    html = response.content.decode()
    assert tenants.a.authority.name in html
    assert tenants.b.authority.name not in html
    assert response.wsgi_request.acting_for.role == Role.AREA_LEAD
    # Not an authority member: authority pages are not there.
    assert client.get(reverse("accounts:people")).status_code == 404


def test_national_admin_acts_for_the_whole_service(tenants, signed_in):
    client = signed_in(tenants.national_admin)
    response = client.get(reverse("accounts:dashboard"))
    assert response.wsgi_request.acting_for.is_national
    assert client.get(reverse("accounts:area_authorities")).status_code == 302
    assert client.get(reverse("accounts:people")).status_code == 404
