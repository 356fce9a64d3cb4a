"""Every read of benchmark figures. Pages, exports, the API and reports must come through here.

Figures leave this module only as :class:`Distribution`, built by :func:`_published`, which refuses
any snapshot whose ``n`` is below ``settings.BENCHMARK_MIN_GROUP_SIZE`` (checked again at read time,
in case the setting was raised after the snapshot was stored). A suppressed group gives ``None``
and no count at all: pages then say "too few authorities to show without identifying them".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import Area, Authority, AuthorityKind, Region
from assessments.models import (
    AssessmentResult,
    AssessmentStatus,
    DimensionResult,
    Round,
    StrandResult,
)
from frameworks.models import Dimension, Strand

from .models import LEVELS, BenchmarkSnapshot, ComparatorGroup, PeerGroupKind, Scope
from .services import min_group_size

SUPPRESSED_TEXT = "Too few authorities to show without identifying them."
# Results an authority sees of its own: submitted (awaiting review) or agreed.
OWN_STATUSES = (AssessmentStatus.SUBMITTED, AssessmentStatus.AGREED)

KIND_PLURALS = {
    AuthorityKind.COUNTY: "county councils",
    AuthorityKind.UNITARY: "unitary authorities",
    AuthorityKind.METROPOLITAN_BOROUGH: "metropolitan boroughs",
    AuthorityKind.LONDON_BOROUGH: "London boroughs",
    AuthorityKind.OTHER: "other kinds of authority",
}


@dataclass(frozen=True)
class Distribution:
    """Published figures of one peer group for one element (only ever for n >= k)."""

    n: int
    counts: tuple[int, int, int, int]
    lower_quartile: Decimal
    median: Decimal
    upper_quartile: Decimal

    @property
    def levels(self) -> list[tuple[int, int]]:
        return list(zip(LEVELS, self.counts, strict=True))

    def quarter(self, score: Decimal | None) -> str | None:
        if score is None:
            return None
        if score >= self.upper_quartile:
            return "in the top quarter"
        if score >= self.median:
            return "in the second quarter from the top"
        if score >= self.lower_quartile:
            return "in the third quarter from the top"
        return "in the bottom quarter"


def _published(snapshot: BenchmarkSnapshot | None) -> Distribution | None:
    """The only door from a stored snapshot to figures."""
    if snapshot is None or snapshot.n < min_group_size():
        return None
    counts = (snapshot.level_1, snapshot.level_2, snapshot.level_3, snapshot.level_4)
    quartiles = (snapshot.lower_quartile, snapshot.median, snapshot.upper_quartile)
    if any(v is None for v in (*counts, *quartiles)):
        return None
    return Distribution(
        n=snapshot.n,
        counts=counts,  # type: ignore[arg-type]
        lower_quartile=quartiles[0],  # type: ignore[arg-type]
        median=quartiles[1],  # type: ignore[arg-type]
        upper_quartile=quartiles[2],  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class PeerGroup:
    kind: str
    value: str
    label: str  # "authorities in the South East"

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.value}" if self.value else self.kind


def _in_region(authority: Authority) -> str:
    label = Region(authority.region).label
    if authority.region in (Region.LONDON, Region.YORKSHIRE_AND_THE_HUMBER):
        return f"in {label.replace('The Humber', 'the Humber')}"
    return f"in the {label}"


def peer_groups_for(*, authority: Authority) -> list[PeerGroup]:
    """The authority's peer groups: all, its region, its kind and its comparator groups."""
    groups = [
        PeerGroup(PeerGroupKind.ALL, "", "all authorities"),
        PeerGroup(PeerGroupKind.REGION, authority.region, f"authorities {_in_region(authority)}"),
        PeerGroup(PeerGroupKind.KIND, authority.kind, KIND_PLURALS[AuthorityKind(authority.kind)]),
    ]
    for group in ComparatorGroup.objects.filter(members=authority).order_by("name"):
        groups.append(
            PeerGroup(PeerGroupKind.COMPARATOR, str(group.pk), f"the comparator group {group.name}")
        )
    return groups


def _snapshots(
    *, rounds: Iterable[int], groups: Iterable[PeerGroup]
) -> dict[tuple[int, str, str, str, str], BenchmarkSnapshot]:
    """Snapshots by (round id, group kind, group value, scope, element key); one query."""
    groups = list(groups)
    if not groups:
        return {}
    match = Q()
    for group in groups:
        match |= Q(group_kind=group.kind, group_value=group.value)
    rows = BenchmarkSnapshot.objects.filter(match, round_id__in=list(rounds))
    return {(s.round_id, s.group_kind, s.group_value, s.scope, s.element_key): s for s in rows}


def benchmark_rounds() -> QuerySet[Round]:
    """Rounds that have snapshots, newest first (lazy: forms use it as their choices)."""
    return Round.objects.filter(
        pk__in=BenchmarkSnapshot.objects.filter(
            group_kind=PeerGroupKind.ALL, scope=Scope.OVERALL
        ).values("round_id")
    ).order_by("-opens_on", "-pk")


def rounds_with_own_results(*, rounds: QuerySet[Round], authority: Authority) -> QuerySet[Round]:
    return rounds.filter(
        pk__in=AssessmentResult.objects.filter(
            authority=authority, assessment__status__in=OWN_STATUSES
        ).values("assessment__round_id")
    )


def published_distribution(
    *, round_id: int, group_kind: str, group_value: str, scope: str, element_key: str = ""
) -> Distribution | None:
    """One group's figures for one element, or None (suppressed or none): for exports, reports."""
    snapshot = BenchmarkSnapshot.objects.filter(
        round_id=round_id,
        group_kind=group_kind,
        group_value=group_value,
        scope=scope,
        element_key=element_key,
    ).first()
    return _published(snapshot)


# --- An authority's own page ---------------------------------------------------------------------


@dataclass
class GroupComparison:
    group: PeerGroup
    distribution: Distribution | None

    def position(self, score: Decimal | None) -> str | None:
        if self.distribution is None or score is None:
            return None
        quarter, n = self.distribution.quarter(score), self.distribution.n
        if self.group.kind == PeerGroupKind.ALL:
            return f"{quarter} of all {n} authorities"
        return f"{quarter} of {n} {self.group.label}"


@dataclass
class ElementRow:
    scope: str
    key: str
    name: str
    own_level: int | None
    own_score: Decimal | None
    comparisons: list[GroupComparison] = field(default_factory=list)

    @property
    def positions(self) -> list[tuple[GroupComparison, str | None]]:
        return [(c, c.position(self.own_score)) for c in self.comparisons]


@dataclass
class AuthorityBenchmark:
    round: Round
    groups: list[PeerGroup]
    own_status: str | None
    rows: list[ElementRow]


def _own_result(authority: Authority, round_id: int) -> AssessmentResult | None:
    return (
        AssessmentResult.objects.filter(
            authority=authority,
            assessment__authority=authority,
            assessment__round_id=round_id,
            assessment__status__in=OWN_STATUSES,
        )
        .select_related("assessment")
        .prefetch_related("dimension_results__dimension", "strand_results__strand")
        .first()
    )


def _elements(version_id: int) -> list[tuple[str, str, str, str | None]]:
    """(scope, key, name, strand key) in the model's order: overall, each strand then its
    dimensions."""
    strands = list(Strand.objects.filter(framework_version_id=version_id).order_by("order"))
    dimensions = list(
        Dimension.objects.filter(framework_version_id=version_id)
        .select_related("strand")
        .order_by("strand__order", "order")
    )
    out: list[tuple[str, str, str, str | None]] = [(Scope.OVERALL, "", "Overall", None)]
    for strand in strands:
        out.append((Scope.STRAND, strand.key, strand.name, None))
        out.extend(
            (Scope.DIMENSION, d.key, d.name, strand.key)
            for d in dimensions
            if d.strand_id == strand.pk
        )
    return out


def authority_benchmark(*, authority: Authority, round: Round) -> AuthorityBenchmark:
    """The authority's levels beside each of its peer groups' published figures. A constant number
    of queries. Never names, counts or ranks another authority."""
    groups = peer_groups_for(authority=authority)
    snapshots = _snapshots(rounds=[round.pk], groups=groups)
    own = _own_result(authority, round.pk)
    own_values: dict[tuple[str, str], tuple[int, Decimal]] = {}
    if own is not None:
        own_values[(Scope.OVERALL, "")] = (own.overall_level, own.overall_score)
        for s in own.strand_results.all():
            own_values[(Scope.STRAND, s.strand.key)] = (s.level, s.score)
        for d in own.dimension_results.all():
            own_values[(Scope.DIMENSION, d.dimension.key)] = (d.level, d.score)
    rows = []
    for scope, key, name, _strand in _elements(round.framework_version_id):
        level, score = own_values.get((scope, key), (None, None))
        rows.append(
            ElementRow(
                scope=scope,
                key=key,
                name=name,
                own_level=level,
                own_score=score,
                comparisons=[
                    GroupComparison(
                        group=g,
                        distribution=_published(
                            snapshots.get((round.pk, g.kind, g.value, scope, key))
                        ),
                    )
                    for g in groups
                ],
            )
        )
    return AuthorityBenchmark(
        round=round,
        groups=groups,
        own_status=own.assessment.get_status_display() if own else None,
        rows=rows,
    )


# --- Trends --------------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    round: Round
    own_level: int | None
    own_score: Decimal | None
    peer: Distribution | None


@dataclass
class TrendRow:
    scope: str
    key: str
    name: str
    points: list[TrendPoint]


def authority_trends(*, authority: Authority, group: PeerGroup) -> list[TrendRow]:
    """The authority's levels in each round it has a submitted or agreed result for, beside the
    group's published median, matched on the strand and dimension keys of the latest round's
    model (an element missing from a round's model shows no value there)."""
    results = list(
        AssessmentResult.objects.filter(
            authority=authority,
            assessment__authority=authority,
            assessment__status__in=OWN_STATUSES,
        )
        .select_related("assessment__round")
        .order_by("assessment__round__opens_on", "assessment__round_id")
    )
    if not results:
        return []
    rounds = [r.assessment.round for r in results]
    values: dict[tuple[int, str, str], tuple[int, Decimal]] = {}
    for r in results:
        values[(r.assessment.round_id, Scope.OVERALL, "")] = (r.overall_level, r.overall_score)
    result_round = {r.pk: r.assessment.round_id for r in results}
    for row in StrandResult.objects.filter(authority=authority, result__in=results).values(
        "result_id", "strand__key", "level", "score"
    ):
        values[(result_round[row["result_id"]], Scope.STRAND, row["strand__key"])] = (
            row["level"],
            row["score"],
        )
    for row in DimensionResult.objects.filter(authority=authority, result__in=results).values(
        "result_id", "dimension__key", "level", "score"
    ):
        values[(result_round[row["result_id"]], Scope.DIMENSION, row["dimension__key"])] = (
            row["level"],
            row["score"],
        )
    snapshots = _snapshots(rounds=[r.pk for r in rounds], groups=[group])
    rows = []
    for scope, key, name, _strand in _elements(rounds[-1].framework_version_id):
        points = []
        for round_obj in rounds:
            level, score = values.get((round_obj.pk, scope, key), (None, None))
            peer = _published(snapshots.get((round_obj.pk, group.kind, group.value, scope, key)))
            points.append(TrendPoint(round_obj, level, score, peer))
        rows.append(TrendRow(scope, key, name, points))
    return rows


# --- Areas and national admins -------------------------------------------------------------------


@dataclass
class HeatmapRow:
    authority: Authority
    status: str | None
    overall: int | None
    levels: list[int | None]


@dataclass
class Heatmap:
    round: Round
    dimensions: list[Dimension]
    rows: list[HeatmapRow]
    area_figures: list[tuple[str, str, Distribution | None, Distribution | None]]
    # (element name, key/scope label, area distribution, national distribution)


def area_heatmap(*, round: Round, area: Area | None) -> Heatmap:
    """Named authorities by dimension for an area (area leads) or every authority (area None:
    national admins only; the view checks). Levels from submitted or agreed results."""
    authorities = Authority.objects.filter(active=True).order_by("name")
    if area is not None:
        authorities = authorities.filter(area=area)
    authorities = list(authorities)
    dimensions = list(
        Dimension.objects.filter(framework_version_id=round.framework_version_id)
        .select_related("strand")
        .order_by("strand__order", "order")
    )
    results = {
        r.authority_id: r
        for r in AssessmentResult.objects.filter(
            assessment__round=round,
            assessment__status__in=OWN_STATUSES,
            authority__in=authorities,
        ).select_related("assessment")
    }
    levels: dict[tuple[int, int], int] = {}
    for row in DimensionResult.objects.filter(
        result__assessment__round=round,
        result__assessment__status__in=OWN_STATUSES,
        authority__in=authorities,
    ).values("authority_id", "dimension_id", "level"):
        levels[(row["authority_id"], row["dimension_id"])] = row["level"]
    rows = []
    for authority in authorities:
        result = results.get(authority.pk)
        rows.append(
            HeatmapRow(
                authority=authority,
                status=result.assessment.get_status_display() if result else None,
                overall=result.overall_level if result else None,
                levels=[levels.get((authority.pk, d.pk)) for d in dimensions],
            )
        )
    national = PeerGroup(PeerGroupKind.ALL, "", "all authorities")
    groups = [national]
    if area is not None:
        groups.append(PeerGroup(PeerGroupKind.AREA, str(area.pk), area.name))
    snapshots = _snapshots(rounds=[round.pk], groups=groups)

    def pair(scope: str, key: str) -> tuple[Distribution | None, Distribution | None]:
        area_d = (
            _published(snapshots.get((round.pk, PeerGroupKind.AREA, str(area.pk), scope, key)))
            if area is not None
            else None
        )
        return area_d, _published(snapshots.get((round.pk, PeerGroupKind.ALL, "", scope, key)))

    figures: list[tuple[str, str, Any, Any]] = [("Overall", "overall", *pair(Scope.OVERALL, ""))]
    figures.extend((d.name, d.key, *pair(Scope.DIMENSION, d.key)) for d in dimensions)
    return Heatmap(round=round, dimensions=dimensions, rows=rows, area_figures=figures)


def comparator_group_list() -> QuerySet[ComparatorGroup]:
    return ComparatorGroup.objects.annotate(member_count=Count("members")).order_by("name")
