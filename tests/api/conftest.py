"""A small world for the API: two tenants (A and B, each with a lead, officer, viewer and area
lead) and a national admin; the shipped model; a past round in which A, B and nine peers have
agreed results (one of A's dimensions moderated) and benchmarks are computed; an open round in
which A and B have assessments in progress."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.models import AuthorityKind, Region
from accounts.tenancy import area_key, authority_key
from api.services import api_token_create
from assessments.models import Assessment, DimensionResult, Round
from benchmarking.services import benchmarks_recompute
from benchmarking.synthetic import pool_bulk_create
from tests.factories.accounts import AuthorityFactory, two_tenants
from tests.factories.frameworks import shipped_framework_version


@dataclass
class World:
    tenants: object
    version: object
    past_round: Round
    open_round: Round
    peers: list
    a_past: Assessment
    b_past: Assessment
    a_open: Assessment
    b_open: Assessment

    @property
    def a(self):
        return self.tenants.a

    @property
    def b(self):
        return self.tenants.b

    @property
    def national_admin(self):
        return self.tenants.national_admin


def build_world() -> World:
    from assessments.services import assessment_start

    tenants = two_tenants()
    version = shipped_framework_version()
    today = timezone.localdate()
    past_round = Round.objects.create(
        name="2025 to 2026",
        framework_version=version,
        opens_on=today - datetime.timedelta(days=400),
        closes_on=today - datetime.timedelta(days=310),
    )
    open_round = Round.objects.create(
        name="2026 to 2027",
        framework_version=version,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )
    a, b = tenants.a.authority, tenants.b.authority
    london = [AuthorityFactory(name=f"Peer London {i}") for i in range(6)]
    south_east = [
        AuthorityFactory(
            name=f"Peer South East {i}", region=Region.SOUTH_EAST, kind=AuthorityKind.COUNTY
        )
        for i in range(3)
    ]
    peers = [a, b, *london, *south_east]
    pool_bulk_create(round=past_round, authorities=peers, seed=7)
    moderated = DimensionResult.objects.filter(authority=a).order_by("dimension__order").first()
    moderated.moderated_level = 1 if moderated.confirmed_level != 1 else 2
    moderated.level = moderated.moderated_level
    moderated.save()
    benchmarks_recompute(round_id=past_round.pk)
    a_open = assessment_start(authority=a, round=open_round, actor=tenants.a.lead)
    b_open = assessment_start(authority=b, round=open_round, actor=tenants.b.lead)
    return World(
        tenants=tenants,
        version=version,
        past_round=past_round,
        open_round=open_round,
        peers=peers,
        a_past=Assessment.objects.get(authority=a, round=past_round),
        b_past=Assessment.objects.get(authority=b, round=past_round),
        a_open=a_open,
        b_open=b_open,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def acting_key(world: World, role: str, tenant: str = "a") -> str:
    """The "acting for" key a user of this role in tenant A (or B) works under."""
    t = getattr(world, tenant)
    if role == "national_admin":
        return "national"
    if role == "area_lead":
        return area_key(t.area)
    return authority_key(t.authority)


def user_for(world: World, role: str, tenant: str = "a"):
    if role == "national_admin":
        return world.national_admin
    return getattr(world, tenant).member(role)


def make_token(user, *, key: str = "", days: int | None = 30, name: str = "Test") -> str:
    _, secret = api_token_create(user=user, name=name, expires_in_days=days, acting_for_key=key)
    return secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


ROLES = ["officer", "authority_lead", "viewer", "area_lead", "national_admin"]
AUTHORITY_ROLES = ["officer", "authority_lead", "viewer"]


@pytest.fixture
def token_for(world):
    def make(role: str, tenant: str = "a") -> dict:
        user = user_for(world, role, tenant)
        return bearer(make_token(user, key=acting_key(world, role, tenant)))

    return make
