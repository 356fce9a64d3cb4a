"""Whatever the mix of authorities, peer groups and rounds, no figure is published (stored or
returned by the selectors) for a group of fewer than k agreed assessments, and every published
figure counts exactly the group's agreed assessments."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Authority, AuthorityKind, Region
from assessments.models import AssessmentStatus
from benchmarking import selectors
from benchmarking.models import LEVELS, BenchmarkSnapshot, ComparatorGroup, PeerGroupKind
from benchmarking.services import benchmarks_recompute
from benchmarking.synthetic import pool_bulk_create
from tests.benchmarking.conftest import make_round

pytestmark = pytest.mark.django_db

REGIONS = (Region.LONDON, Region.SOUTH_EAST, Region.NORTH_WEST)
KINDS = (AuthorityKind.UNITARY, AuthorityKind.COUNTY)
STATUSES = (None, AssessmentStatus.AGREED, AssessmentStatus.SUBMITTED)

authority_spec = st.tuples(
    st.sampled_from(REGIONS),
    st.sampled_from(KINDS),
    st.sets(st.integers(0, 1), max_size=2),  # comparator groups it belongs to
    st.tuples(st.sampled_from(STATUSES), st.sampled_from(STATUSES)),  # status in rounds 0, 1
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(authority_spec, min_size=0, max_size=16), k=st.integers(3, 6))
def test_no_published_figure_comes_from_fewer_than_k_authorities(version, specs, k):
    from django.test import override_settings

    with transaction.atomic(), override_settings(BENCHMARK_MIN_GROUP_SIZE=k):
        rounds = [make_round(version, f"Round {i}", 400 - 100 * i) for i in range(2)]
        groups = [ComparatorGroup.objects.create(name=f"Group {i}") for i in range(2)]
        authorities = Authority.objects.bulk_create(
            [
                Authority(name=f"Prop {i}", ons_code=f"E09{i:06d}", region=r, kind=kd)
                for i, (r, kd, _g, _s) in enumerate(specs)
            ]
        )
        for authority, (_r, _k, member_of, _s) in zip(authorities, specs, strict=True):
            for g in member_of:
                groups[g].members.add(authority)
        for index, round_obj in enumerate(rounds):
            for status in (AssessmentStatus.AGREED, AssessmentStatus.SUBMITTED):
                chosen = [a for a, spec in zip(authorities, specs, strict=True)
                          if spec[3][index] == status]  # fmt: skip
                if chosen:
                    pool_bulk_create(round=round_obj, authorities=chosen, status=status, seed=index)
            benchmarks_recompute(round_id=round_obj.pk)

        def members(kind: str, value: str, index: int) -> int:
            """The group's authorities with an agreed assessment in round `index`, counted here
            from the specification, not from the database."""
            count = 0
            for region, kind_, member_of, statuses in specs:
                if statuses[index] != AssessmentStatus.AGREED:
                    continue
                count += {
                    PeerGroupKind.ALL: True,
                    PeerGroupKind.REGION: region == value,
                    PeerGroupKind.KIND: kind_ == value,
                    PeerGroupKind.COMPARATOR: any(str(groups[g].pk) == value for g in member_of),
                    PeerGroupKind.AREA: False,
                }[kind]
            return count

        index_of = {r.pk: i for i, r in enumerate(rounds)}
        for snap in BenchmarkSnapshot.objects.all():
            expected = members(snap.group_kind, snap.group_value, index_of[snap.round_id])
            assert snap.n == expected
            figures = [snap.level_1, snap.level_2, snap.level_3, snap.level_4, snap.median,
                       snap.lower_quartile, snap.upper_quartile]  # fmt: skip
            published = selectors.published_distribution(
                round_id=snap.round_id, group_kind=snap.group_kind, group_value=snap.group_value,
                scope=snap.scope, element_key=snap.element_key,
            )  # fmt: skip
            if expected < k:
                assert all(f is None for f in figures)
                assert published is None
            else:
                assert published is not None and published.n == expected >= k
                assert sum(published.counts) == expected
                assert len(published.counts) == len(LEVELS)
        transaction.set_rollback(True)
