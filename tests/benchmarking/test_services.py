from decimal import Decimal

import pytest
from django.core.management import call_command

from accounts.models import Region
from assessments.models import Assessment, AssessmentResult, AssessmentStatus
from benchmarking.aggregates import percentile_cont
from benchmarking.models import BenchmarkSnapshot, ComparatorGroup, PeerGroupKind, Scope
from benchmarking.services import benchmarks_recompute, benchmarks_request
from core.models import OutboxTask
from frameworks.models import Dimension, Strand


def _snap(round_obj, kind, value="", scope=Scope.OVERALL, key=""):
    return BenchmarkSnapshot.objects.get(
        round=round_obj, group_kind=kind, group_value=value, scope=scope, element_key=key
    )


def test_overall_figures_match_the_stored_results(peers, past_round):
    benchmarks_recompute(round_id=past_round.pk)
    snap = _snap(past_round, PeerGroupKind.ALL)
    results = AssessmentResult.objects.filter(assessment__round=past_round)
    levels = [r.overall_level for r in results]
    scores = [float(r.overall_score) for r in results]
    assert snap.n == 11
    assert [snap.level_1, snap.level_2, snap.level_3, snap.level_4] == [
        levels.count(lv) for lv in (1, 2, 3, 4)
    ]
    assert snap.median == Decimal(str(round(percentile_cont(scores, 0.5), 4)))
    assert snap.lower_quartile == Decimal(str(round(percentile_cont(scores, 0.25), 4)))
    assert snap.upper_quartile == Decimal(str(round(percentile_cont(scores, 0.75), 4)))


def test_every_dimension_and_strand_has_a_snapshot_per_group(peers, past_round, version):
    benchmarks_recompute(round_id=past_round.pk)
    dimension_keys = set(
        Dimension.objects.filter(framework_version=version).values_list("key", flat=True)
    )
    stored = set(
        BenchmarkSnapshot.objects.filter(
            round=past_round, group_kind=PeerGroupKind.ALL, scope=Scope.DIMENSION
        ).values_list("element_key", flat=True)
    )
    assert stored == dimension_keys
    london = _snap(past_round, PeerGroupKind.REGION, Region.LONDON, Scope.STRAND,
                   Strand.objects.filter(framework_version=version).first().key)  # fmt: skip
    assert london.n == 8 and london.median is not None


def test_small_groups_store_n_but_no_figures(peers, past_round):
    benchmarks_recompute(round_id=past_round.pk)
    south_east = _snap(past_round, PeerGroupKind.REGION, Region.SOUTH_EAST)
    assert south_east.n == 3
    assert south_east.level_1 is None and south_east.median is None
    assert south_east.lower_quartile is None and south_east.upper_quartile is None


def test_only_agreed_assessments_count(peers, past_round):
    Assessment.objects.filter(authority=peers[0], round=past_round).update(
        status=AssessmentStatus.SUBMITTED
    )
    benchmarks_recompute(round_id=past_round.pk)
    assert _snap(past_round, PeerGroupKind.ALL).n == 10


def test_recompute_is_idempotent(peers, past_round):
    first = benchmarks_recompute(round_id=past_round.pk)
    before = list(BenchmarkSnapshot.objects.order_by("pk").values(
        "group_kind", "group_value", "scope", "element_key", "n", "median", "level_2"))  # fmt: skip
    assert benchmarks_recompute(round_id=past_round.pk) == first
    after = list(BenchmarkSnapshot.objects.order_by("pk").values(
        "group_kind", "group_value", "scope", "element_key", "n", "median", "level_2"))  # fmt: skip
    assert before == after
    assert BenchmarkSnapshot.objects.count() == first


def test_comparator_and_area_groups(peers, past_round, tenants):
    group = ComparatorGroup.objects.create(name="Neighbours")
    group.members.set(peers[:5])
    benchmarks_recompute(round_id=past_round.pk)
    assert _snap(past_round, PeerGroupKind.COMPARATOR, str(group.pk)).n == 5
    # Area A holds only authority A: one authority, no figures.
    area = _snap(past_round, PeerGroupKind.AREA, str(tenants.a.area.pk))
    assert area.n == 1 and area.median is None


def test_request_records_the_task_in_the_outbox(past_round, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        benchmarks_request(round_id=past_round.pk)
    task = OutboxTask.objects.get()
    assert task.task_name == "benchmarking.tasks.recompute_benchmarks"
    assert task.kwargs == {"round_id": past_round.pk}


def test_the_task_recomputes(peers, past_round):
    from benchmarking.tasks import recompute_benchmarks

    assert recompute_benchmarks.delay(round_id=past_round.pk).get() > 0
    assert _snap(past_round, PeerGroupKind.ALL).n == 11


def test_command_for_one_round_and_every_round(peers, past_round, capsys):
    call_command("compute_benchmarks", "--round", str(past_round.pk))
    assert "snapshots" in capsys.readouterr().out
    call_command("compute_benchmarks", "--round", past_round.name)
    call_command("compute_benchmarks")
    assert _snap(past_round, PeerGroupKind.ALL).n == 11


def test_command_refuses_an_unknown_round(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No round"):
        call_command("compute_benchmarks", "--round", "nope")


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [([1.0], 0.5, 1.0), ([1.0, 2.0], 0.5, 1.5), ([1, 2, 3, 4], 0.25, 1.75), ([], 0.5, None)],
)
def test_percentile_cont_interpolates_like_postgresql(values, fraction, expected):
    assert percentile_cont(values, fraction) == expected


def test_overlapping_recompute_does_nothing_on_postgresql(postgres, past_round):
    import psycopg
    from django.conf import settings as dj

    db = dj.DATABASES["default"]
    other = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        dbname=db["NAME"], autocommit=False,
    )  # fmt: skip
    try:
        other.execute("SELECT pg_advisory_xact_lock(80801, %s)", [past_round.pk])
        assert benchmarks_recompute(round_id=past_round.pk) is None
    finally:
        other.rollback()
        other.close()
    assert benchmarks_recompute(round_id=past_round.pk) == 0


def test_a_skipped_recompute_on_the_worker_tries_again_later(past_round, monkeypatch):
    from celery.exceptions import Retry

    from benchmarking import services, tasks

    monkeypatch.setattr(services, "benchmarks_recompute", lambda *, round_id: None)
    task = tasks.recompute_benchmarks
    task.push_request(
        is_eager=False,
        retries=0,
        called_directly=False,
        args=(),
        kwargs={"round_id": past_round.pk},
    )
    try:
        with pytest.raises(Retry):
            task.run(round_id=past_round.pk)
    finally:
        task.pop_request()
    # Eagerly (no broker) it just reports the skip.
    assert task.apply(kwargs={"round_id": past_round.pk}).get() is None
