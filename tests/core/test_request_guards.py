"""A NUL character anywhere in the address is a clear 400, on PostgreSQL too (which refuses NUL
in text and would otherwise turn it into a server error)."""

import pytest
from django.urls import reverse

from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version


@pytest.mark.parametrize(
    "path",
    [
        "/model/dmm-early-help/%00/",
        "/model/dmm-early-help/1.0%00/",
        "/assessments/1/dimensions/%00/",
        "/api/frameworks/dmm-early-help/%00/",
        "/?q=%00",
        "/model/?version=1%00",
    ],
)
def test_nul_in_the_address_is_a_400_not_a_500(client, db, path):
    world = two_tenants()
    shipped_framework_version()
    client.force_login(world.a.officer)
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert "message" in response.json()
    else:
        assert "govuk-heading-l" in response.content.decode()


def test_ordinary_addresses_are_untouched(client, db):
    assert client.get(reverse("core:home")).status_code == 200
