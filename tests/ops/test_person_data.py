"""tools/person_data.py: a person's data for a subject access request, without secrets."""

import json

import pytest

from accounts.models import SecurityEvent, SecurityEventKind
from tests.factories.accounts import two_tenants
from tools.person_data import person_data

pytestmark = pytest.mark.django_db


def test_exports_linked_rows_and_email_text_without_secrets():
    tenants = two_tenants()
    officer = tenants.a.officer
    SecurityEvent.objects.create(
        kind=SecurityEventKind.SIGN_IN_FAILED, actor_email=officer.email.upper(), detail="test"
    )
    found = person_data(officer.email)
    assert found["account"]["email"] == officer.email
    assert found["account"]["password"] == "(not exported)"
    assert any(key.startswith("accounts.Membership.") for key in found["linked"])
    events = found["by_email_text"]["accounts.SecurityEvent"]
    assert [event["detail"] for event in events] == ["test"]
    text = json.dumps(found)
    assert officer.password not in text
    # Another person's rows are not in it.
    assert tenants.b.officer.email not in text


def test_unknown_address_has_no_account():
    assert person_data("nobody@example.org")["account"] is None
