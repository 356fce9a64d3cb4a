"""The signed-in user is read with the two facts every page needs (accounts.backends), and those
facts are as fresh as the queries they replace: read again on every request."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.backends import PortalBackend
from accounts.models import AreaAssignment
from accounts.tenancy import options_for
from tests.factories.accounts import AreaAssignmentFactory

pytestmark = pytest.mark.django_db


def test_the_user_is_read_with_whether_they_have_an_authenticator_and_areas(tenants):
    backend = PortalBackend()
    officer = backend.get_user(tenants.a.officer.pk)
    assert officer.has_confirmed_authenticator is False
    assert officer.has_area_assignments is False
    TOTPDevice.objects.create(user=tenants.a.officer, name="phone", confirmed=False)
    assert backend.get_user(tenants.a.officer.pk).has_confirmed_authenticator is False
    TOTPDevice.objects.filter(user=tenants.a.officer).update(confirmed=True)
    assert backend.get_user(tenants.a.officer.pk).has_confirmed_authenticator is True
    assert backend.get_user(tenants.a.area_lead.pk).has_area_assignments is True
    assert backend.get_user(999_999) is None


def test_an_inactive_user_is_not_read(tenants):
    tenants.a.officer.is_active = False
    tenants.a.officer.save()
    assert PortalBackend().get_user(tenants.a.officer.pk) is None


def test_an_officer_without_areas_has_their_options_in_one_query(
    tenants, django_assert_num_queries
):
    officer = PortalBackend().get_user(tenants.a.officer.pk)
    with django_assert_num_queries(1):  # memberships; no area query
        options = options_for(officer)
    assert [option.authority for option in options] == [tenants.a.authority]
    area_lead = PortalBackend().get_user(tenants.a.area_lead.pk)
    with django_assert_num_queries(2):
        options = options_for(area_lead)
    assert [option.area for option in options] == [tenants.a.area]


def test_a_new_area_or_authenticator_counts_from_the_next_request(client, tenants):
    client.force_login(tenants.a.officer)
    dashboard = reverse("accounts:dashboard")
    switch = reverse("accounts:acting_for")  # linked from the header when there is a choice
    assert switch not in client.get(dashboard).content.decode()
    AreaAssignmentFactory(user=tenants.a.officer, area=tenants.b.area)
    assert switch in client.get(dashboard).content.decode()
    AreaAssignment.objects.filter(user=tenants.a.officer).delete()
    assert switch not in client.get(dashboard).content.decode()
    TOTPDevice.objects.create(user=tenants.a.officer, name="phone", confirmed=True)
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_a_session_signed_in_before_the_portal_backend_stays_signed_in(client, tenants):
    client.force_login(tenants.a.officer, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user == tenants.a.officer


def test_a_wrong_password_is_checked_once(monkeypatch, rf, tenants):
    from django.contrib.auth import authenticate

    from accounts.models import User

    checks = []
    original = User.check_password

    def counting(self, raw_password):
        checks.append(raw_password)
        return original(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    request = rf.post("/accounts/sign-in/")
    assert authenticate(request, username=tenants.a.officer.email, password="wrong") is None
    assert checks == ["wrong"]
