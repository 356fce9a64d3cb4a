import datetime

import pytest
from django.utils import timezone

from accounts.models import AuthorityKind, Region
from assessments.models import Round
from benchmarking.synthetic import pool_bulk_create
from tests.factories.accounts import AuthorityFactory, two_tenants
from tests.factories.frameworks import shipped_framework_version


@pytest.fixture
def version(db):
    return shipped_framework_version()


@pytest.fixture
def tenants(db):
    return two_tenants()


def make_round(version, name="2025 to 2026", days_ago=400):
    opens = timezone.localdate() - datetime.timedelta(days=days_ago)
    return Round.objects.create(
        name=name,
        framework_version=version,
        opens_on=opens,
        closes_on=opens + datetime.timedelta(days=90),
    )


@pytest.fixture
def past_round(version):
    return make_round(version)


@pytest.fixture
def peers(tenants, past_round):
    """Authority A (London, unitary) and B, plus peers: 6 more in London (unitary), 3 in the
    South East (county). Everyone has an agreed assessment in the past round. So: all = 11,
    London = 8, unitary = 8, county = 3 (suppressed), South East = 3 (suppressed)."""
    a, b = tenants.a.authority, tenants.b.authority
    london = [AuthorityFactory(name=f"Peer London {i}") for i in range(6)]
    south_east = [
        AuthorityFactory(
            name=f"Peer South East {i}", region=Region.SOUTH_EAST, kind=AuthorityKind.COUNTY
        )
        for i in range(3)
    ]
    everyone = [a, b, *london, *south_east]
    pool_bulk_create(round=past_round, authorities=everyone, seed=7)
    return everyone
