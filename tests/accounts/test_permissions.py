"""Permission predicates, table-driven: every role, against its own authority and the other one."""

import pytest

from accounts import permissions
from accounts.models import MembershipRole, Role
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

AUTHORITY_PREDICATES = {
    # predicate: roles allowed in their own authority
    "can_view_authority": {"officer", "authority_lead", "viewer", "area_lead", "national_admin"},
    "can_edit_assessment": {"officer", "authority_lead"},
    "can_start_assessment": {"authority_lead"},
    "can_assign_dimensions": {"authority_lead"},
    "can_submit_assessment": {"authority_lead"},
    "can_manage_action_plan": {"authority_lead"},
    "can_request_report": {"authority_lead", "area_lead", "national_admin"},
    "can_manage_people": {"authority_lead", "national_admin"},
    "can_review_authority": {"area_lead", "national_admin"},
}
ROLES = ["officer", "authority_lead", "viewer", "area_lead", "national_admin"]


def person(tenants, role):
    if role == "national_admin":
        return tenants.national_admin
    return tenants.a.member(role)


@pytest.mark.parametrize("predicate", sorted(AUTHORITY_PREDICATES))
@pytest.mark.parametrize("role", ROLES)
def test_authority_predicates(tenants, predicate, role):
    check = getattr(permissions, predicate)
    user = person(tenants, role)
    allowed = role in AUTHORITY_PREDICATES[predicate]
    assert check(user, tenants.a.authority) is allowed
    # The other authority: only national admins reach it.
    assert check(user, tenants.b.authority) is (allowed and role == "national_admin")
    assert check(user, None) is False


@pytest.mark.parametrize("role", ROLES)
def test_area_review(tenants, role):
    user = person(tenants, role)
    expected = role in ("area_lead", "national_admin")
    assert permissions.can_review_area(user, tenants.a.area) is expected
    assert permissions.can_review_area(user, tenants.b.area) is (role == "national_admin")


def test_anonymous_and_switched_off_users_can_do_nothing(tenants):
    from django.contrib.auth.models import AnonymousUser

    lead = tenants.a.lead
    lead.is_active = False
    lead.save()
    for user in (AnonymousUser(), lead):
        for name in AUTHORITY_PREDICATES:
            assert getattr(permissions, name)(user, tenants.a.authority) is False
        assert permissions.grantable_roles(user, tenants.a.authority) == ()


def test_an_inactive_authority_gives_its_members_nothing(tenants):
    tenants.a.authority.active = False
    tenants.a.authority.save()
    lead = type(tenants.a.lead).objects.get(pk=tenants.a.lead.pk)
    assert permissions.can_view_authority(lead, tenants.a.authority) is False
    assert permissions.can_manage_people(lead, tenants.a.authority) is False


def test_what_each_role_may_grant(tenants):
    a = tenants.a.authority
    lead_roles = set(permissions.grantable_roles(tenants.a.lead, a))
    assert lead_roles == {
        MembershipRole.OFFICER,
        MembershipRole.VIEWER,
        MembershipRole.AUTHORITY_LEAD,
    }
    assert permissions.grantable_roles(tenants.a.lead, tenants.b.authority) == ()
    assert permissions.grantable_roles(tenants.a.officer, a) == ()
    assert set(permissions.grantable_roles(tenants.national_admin)) == set(Role.values)
    assert not permissions.can_grant_role(tenants.a.lead, Role.AREA_LEAD, area=tenants.a.area)
    assert not permissions.can_grant_role(tenants.a.lead, Role.NATIONAL_ADMIN)
    assert permissions.can_grant_role(tenants.national_admin, Role.AREA_LEAD, area=tenants.b.area)
    assert not permissions.can_grant_role(tenants.national_admin, Role.AREA_LEAD)


def test_two_factor_is_required_for_area_leads_and_national_admins_only_when_on(tenants, settings):
    settings.PORTAL_REQUIRE_2FA = False
    assert not permissions.two_factor_required(tenants.national_admin)
    settings.PORTAL_REQUIRE_2FA = True
    assert permissions.two_factor_required(tenants.national_admin)
    assert permissions.two_factor_required(tenants.a.area_lead)
    assert not permissions.two_factor_required(tenants.a.lead)
    assert not permissions.two_factor_required(UserFactory())


def test_roles_are_read_once_per_user_object(tenants, django_assert_num_queries):
    user = type(tenants.a.lead).objects.get(pk=tenants.a.lead.pk)
    with django_assert_num_queries(2):  # memberships, area assignments
        for _ in range(5):
            permissions.can_view_authority(user, tenants.a.authority)
            permissions.can_view_authority(user, tenants.b.authority)
