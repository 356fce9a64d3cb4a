import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import (
    Area,
    AreaAssignment,
    Authority,
    AuthorityKind,
    Membership,
    MembershipRole,
    User,
)

pytestmark = pytest.mark.django_db
SHIPPED = Path(settings.BASE_DIR) / "fixtures/authorities/england-upper-tier.csv"
seeded_by_hook: list = []


def seed() -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue().splitlines()


def snapshot():
    return (
        sorted(Authority.objects.values_list("ons_code", "name", "kind", "region", "area__name")),
        sorted(Area.objects.values_list("name", flat=True)),
        sorted(User.objects.values_list("email", "full_name", "password", "is_national_admin")),
        sorted(Membership.objects.values_list("user__email", "authority__ons_code", "role")),
        sorted(AreaAssignment.objects.values_list("user__email", "area__name")),
    )


def test_demo_authorities_are_fictional_and_varied():
    seed()
    demo = Authority.objects.filter(is_demo=True)
    assert demo.count() >= 24
    assert len(set(demo.values_list("region", flat=True))) >= 4
    kinds = set(demo.values_list("kind", flat=True))
    assert {
        AuthorityKind.COUNTY,
        AuthorityKind.UNITARY,
        AuthorityKind.METROPOLITAN_BOROUGH,
        AuthorityKind.LONDON_BOROUGH,
    } <= kinds
    with SHIPPED.open(encoding="utf-8") as handle:
        real = list(csv.DictReader(handle))
    real_names = {r["name"].lower() for r in real}
    real_words = {w for r in real for w in r["name"].lower().replace(",", "").split()}
    for authority in demo:
        assert authority.name.lower() not in real_names
        assert authority.ons_code.startswith("X")  # ONS codes for England start with E
        assert authority.area is not None and authority.area.is_demo
        # No demo name borrows a real authority's distinctive word.
        distinctive = set(authority.name.lower().split()) - {"of", "isle", "and", "the"}
        assert not distinctive & real_words, authority.name


def test_every_role_has_an_account_and_the_output_lists_them():
    lines = seed()
    accounts = [line for line in lines if "@" in line]
    roles = {line.split("  ")[1] for line in accounts}
    assert roles == {"National admin", "Area lead", "Authority lead", "Officer", "Viewer"}
    for line in accounts:
        email, role, place = line.split("  ")
        assert User.objects.filter(email=email).exists()
        assert place
    # One user with two memberships; viewers in several authorities.
    assert any(Membership.objects.filter(user=u).count() == 2 for u in User.objects.all())
    assert Membership.objects.filter(role=MembershipRole.VIEWER).count() >= 3
    assert f"password: {settings.DEMO_PASSWORD}" in "\n".join(lines)


def test_every_demo_account_signs_in_with_the_demo_password(rf):
    seed()
    for user in User.objects.all():
        request = rf.post("/accounts/sign-in/")
        assert authenticate(request, username=user.email, password=settings.DEMO_PASSWORD) == user


def test_seeding_twice_changes_nothing_and_prints_the_same():
    first_lines = seed()
    first = snapshot()
    second_lines = seed()
    assert snapshot() == first
    assert second_lines == first_lines


def test_seeding_puts_changed_demo_accounts_back():
    seed()
    user = User.objects.get(email="lead.mardleshire@example.org")
    user.set_password("something-else-entirely")
    user.full_name = "Changed"
    user.save()
    Membership.objects.filter(user=user).update(role=MembershipRole.VIEWER)
    seed()
    user.refresh_from_db()
    assert user.check_password(settings.DEMO_PASSWORD)
    assert user.full_name == "Lee Mardleshire"
    assert Membership.objects.get(user=user).role == MembershipRole.AUTHORITY_LEAD


def test_refuses_with_production_settings_unless_forced(settings):
    settings.PORTAL_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="refuses to run with production settings"):
        seed()
    assert Authority.objects.count() == 0
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert Authority.objects.filter(is_demo=True).count() >= 24


def record_seed(data, stdout) -> None:
    seeded_by_hook.append(sorted(data.authorities))
    stdout.write("extra demo data")


def test_later_features_add_their_demo_data_through_the_seeders_setting(settings):
    settings.PORTAL_DEMO_SEEDERS = ["tests.accounts.test_seed_demo.record_seed"]
    seeded_by_hook.clear()
    lines = seed()
    assert "extra demo data" in lines
    assert seeded_by_hook and "Mardleshire" in seeded_by_hook[0]
