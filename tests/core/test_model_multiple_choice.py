"""Ids outside the database's integer range are refused as "not one of the choices" before they
reach the query, on SQLite (OverflowError) as on PostgreSQL."""

import pytest
from django import forms

from accounts.models import Authority
from core.forms import ModelMultipleChoiceField
from tests.factories.accounts import AuthorityFactory

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    authorities = ModelMultipleChoiceField(
        queryset=Authority.objects.all(),
        required=False,
        error_messages={"invalid_choice": "Choose authorities from the list"},
    )


@pytest.mark.parametrize("value", [str(2**63), str(-(2**63) - 1), "9" * 40])
def test_an_id_too_large_for_the_database_is_not_one_of_the_choices(value):
    authority = AuthorityFactory()
    form = PickForm(data={"authorities": [str(authority.pk), value]})
    assert not form.is_valid()
    assert form.errors["authorities"] == ["Choose authorities from the list"]


def test_ids_in_range_are_checked_as_django_does():
    authority = AuthorityFactory()
    assert PickForm(data={"authorities": [str(authority.pk)]}).is_valid()
    unknown = PickForm(data={"authorities": [str(2**63 - 1)]})
    assert not unknown.is_valid()
    assert unknown.errors["authorities"] == ["Choose authorities from the list"]
    words = PickForm(data={"authorities": ["one"]})
    assert not words.is_valid()
