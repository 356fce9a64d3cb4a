"""Every write of the benchmarking app.

``benchmarks_recompute`` rebuilds one round's snapshots from the pool: each authority's AGREED
assessment in the round and its stored results (never recomputed here). It runs a fixed number of
grouped queries (one per peer-group kind and scope), whatever the number of authorities, and
replaces the round's snapshots in one transaction, so running it twice gives the same rows.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.models import (
    AssessmentResult,
    AssessmentStatus,
    DimensionResult,
    Round,
    StrandResult,
)
from core.models import OutboxTask
from core.outbox import outbox_enqueue

from .aggregates import Percentile
from .models import LEVELS, BenchmarkSnapshot, ComparatorGroup, PeerGroupKind, Scope

logger = logging.getLogger(__name__)

RECOMPUTE_TASK = "benchmarking.tasks.recompute_benchmarks"
# First key of PostgreSQL's two-key advisory lock: "benchmarks"; the second is the round's id.
ADVISORY_LOCK_CLASS = 80_801

# How each peer-group kind groups the pool (None: one group of everyone).
GROUP_FIELDS: dict[str, str | None] = {
    PeerGroupKind.ALL: None,
    PeerGroupKind.REGION: "authority__region",
    PeerGroupKind.KIND: "authority__kind",
    PeerGroupKind.AREA: "authority__area_id",
    PeerGroupKind.COMPARATOR: "authority__comparator_groups",
}


def min_group_size() -> int:
    return int(settings.BENCHMARK_MIN_GROUP_SIZE)


def _pools(round_id: int) -> dict[str, tuple[QuerySet, str | None, str, str]]:
    """Per scope: (queryset, element field, level field, score field)."""
    agreed = AssessmentStatus.AGREED
    return {
        Scope.OVERALL: (
            AssessmentResult.objects.filter(
                assessment__round_id=round_id, assessment__status=agreed
            ),
            None,
            "overall_level",
            "overall_score",
        ),
        Scope.STRAND: (
            StrandResult.objects.filter(
                result__assessment__round_id=round_id, result__assessment__status=agreed
            ),
            "strand__key",
            "level",
            "score",
        ),
        Scope.DIMENSION: (
            DimensionResult.objects.filter(
                result__assessment__round_id=round_id, result__assessment__status=agreed
            ),
            "dimension__key",
            "level",
            "score",
        ),
    }


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 4)))


def _grouped_rows(
    queryset: QuerySet, group_field: str | None, element_field: str | None, level: str, score: str
) -> list[dict[str, Any]]:
    """One query: n, a count per level and the quartiles, per (group value, element)."""
    keys = [f for f in (group_field, element_field) if f]
    if group_field:
        queryset = queryset.filter(**{f"{group_field}__isnull": False})
    aggregates: dict[str, Any] = {
        "n": Count("pk"),
        **{f"level_{lv}": Count("pk", filter=Q(**{level: lv})) for lv in LEVELS},
        "lower_quartile": Percentile(score, 0.25),
        "median": Percentile(score, 0.5),
        "upper_quartile": Percentile(score, 0.75),
    }
    if not keys:
        row = queryset.aggregate(**aggregates)
        return [row] if row["n"] else []
    return list(queryset.order_by().values(*keys).annotate(**aggregates))


def _try_lock(round_id: int) -> bool:
    """PostgreSQL: take the round's advisory lock for this transaction, or say it is taken.
    SQLite serialises writers itself: always True."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, round_id])
        return bool(cursor.fetchone()[0])


@transaction.atomic
def benchmarks_recompute(*, round_id: int) -> int | None:
    """Replace the round's snapshots. Returns how many were stored, or None when another recompute
    of the same round holds the lock (it will store the same figures)."""
    if not _try_lock(round_id):
        logger.info("Benchmarks for round %s are being recomputed already; skipped.", round_id)
        return None
    round_obj = Round.objects.filter(pk=round_id).first()
    if round_obj is None:
        return 0
    k = min_group_size()
    now = timezone.now()
    snapshots: list[BenchmarkSnapshot] = []
    for scope, (queryset, element_field, level, score) in _pools(round_id).items():
        for group_kind, group_field in GROUP_FIELDS.items():
            for row in _grouped_rows(queryset, group_field, element_field, level, score):
                n = row["n"]
                published = n >= k
                snapshots.append(
                    BenchmarkSnapshot(
                        round_id=round_id,
                        group_kind=group_kind,
                        group_value=str(row[group_field]) if group_field else "",
                        scope=scope,
                        element_key=row[element_field] if element_field else "",
                        n=n,
                        computed_at=now,
                        **{
                            f"level_{lv}": row[f"level_{lv}"] if published else None
                            for lv in LEVELS
                        },
                        lower_quartile=_decimal(row["lower_quartile"]) if published else None,
                        median=_decimal(row["median"]) if published else None,
                        upper_quartile=_decimal(row["upper_quartile"]) if published else None,
                    )
                )
    BenchmarkSnapshot.objects.filter(round_id=round_id).delete()
    BenchmarkSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    return len(snapshots)


def benchmarks_recompute_all() -> dict[int, int | None]:
    """Every round, oldest first (the management command and the demo seeder)."""
    return {
        pk: benchmarks_recompute(round_id=pk)
        for pk in Round.objects.order_by("opens_on", "pk").values_list("pk", flat=True)
    }


def benchmarks_request(*, round_id: int) -> None:
    """Ask the worker to recompute a round's benchmarks, e.g. when an assessment is agreed or
    un-agreed. Recorded in the outbox in the caller's transaction."""
    kwargs = {"round_id": round_id}
    # One waiting recompute of a round covers every change made before it runs.
    if OutboxTask.objects.filter(
        task_name=RECOMPUTE_TASK, kwargs=kwargs, dispatched_at__isnull=True
    ).exists():
        return
    outbox_enqueue(task_name=RECOMPUTE_TASK, kwargs=kwargs)


# --- Comparator groups (national admins) ---------------------------------------------------------


@transaction.atomic
def comparator_group_save(
    *,
    group: ComparatorGroup | None = None,
    name: str,
    description: str,
    members: list[Any],
) -> ComparatorGroup:
    """Create or change a comparator group, then ask for every round to be recomputed."""
    group = group or ComparatorGroup()
    group.name = name
    group.description = description
    group.full_clean()
    group.save()
    group.members.set(members)
    for round_id in Round.objects.values_list("pk", flat=True):
        benchmarks_request(round_id=round_id)
    return group
