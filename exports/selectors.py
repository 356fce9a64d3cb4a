"""Reads for the exports: stored results (never recomputed) of the authorities a request may see,
in a constant number of queries whatever the number of authorities, and an authority's peer figures
through ``benchmarking.selectors`` only (which suppresses small groups).

Every function takes its tenant: an authority, an area, or (national admins only, checked by the
view) every authority. None reads another tenant's rows.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from accounts.models import Authority
from assessments import scoring
from assessments.models import (
    Assessment,
    AssessmentResult,
    DimensionResult,
    Round,
    StrandResult,
)
from benchmarking import selectors as benchmarks
from benchmarking.models import Scope
from reviews.models import Moderation

if TYPE_CHECKING:
    from accounts.models import Area

OVERALL = "Overall"
STRAND = "Strand"
DIMENSION = "Dimension"
NOT_STARTED = "Not started"


def rounds_for_export() -> QuerySet[Round]:
    """Every round, newest first, with its model version."""
    return Round.objects.select_related("framework_version").order_by("-opens_on", "-pk")


def authorities_in_area(area: Area) -> QuerySet[Authority]:
    return Authority.objects.filter(area=area, active=True)


def all_authorities() -> QuerySet[Authority]:
    """Every active authority, with or without an area (national admins only)."""
    return Authority.objects.filter(active=True)


@dataclass
class ResultRow:
    """One line of an export: an element (overall, a strand or a dimension) of one authority's
    assessment in one round; or, with ``scope`` None, an authority with no assessment (or no
    stored results yet) in the round."""

    authority: Authority
    round: Round
    assessment: Assessment | None
    result: AssessmentResult | None
    scope: str | None = None  # OVERALL, STRAND, DIMENSION
    scope_key: str = ""  # benchmarking Scope value
    strand: str = ""
    dimension: str = ""
    key: str = ""
    suggested_level: int | None = None
    self_assessed_level: int | None = None
    moderated_level: int | None = None
    level: int | None = None
    score: Decimal | None = None
    flagged: bool | None = None
    moderation_reason: str = ""
    peers: list[Any] = field(default_factory=list)  # filled for an authority's own export

    @property
    def gap(self) -> int | None:
        if self.moderated_level is None or self.self_assessed_level is None:
            return None
        return self.moderated_level - self.self_assessed_level

    @property
    def status(self) -> str:
        return self.assessment.get_status_display() if self.assessment else NOT_STARTED


@functools.lru_cache(maxsize=4096)
def _strand_level(levels: tuple[int, ...], rule: str) -> int:
    return scoring.strand_result(levels, levels, rule=rule).level


def _self_assessed(levels: list[int], rule: str) -> int:
    """The level the self-assessed (confirmed) levels give by the version's strand rule. Only the
    level is used, so the levels stand in for the scores (which need not be in range here)."""
    return _strand_level(tuple(levels), rule)


def _element_rows(
    authority: Authority,
    round_obj: Round,
    assessment: Assessment,
    result: AssessmentResult,
    strands: list[StrandResult],
    dimensions: list[DimensionResult],
    reasons: dict[tuple[int, int], str],
) -> list[ResultRow]:
    rule = round_obj.framework_version.strand_rule
    by_strand: dict[int, list[DimensionResult]] = defaultdict(list)
    for d in dimensions:
        by_strand[d.dimension.strand_id].append(d)

    def row(**kwargs: Any) -> ResultRow:
        return ResultRow(
            authority=authority, round=round_obj, assessment=assessment, result=result, **kwargs
        )

    strand_rows: list[ResultRow] = []
    self_strand_levels: list[int] = []
    any_moderated = False
    for s in strands:
        dims = by_strand.get(s.strand_id, [])
        moderated = any(d.moderated_level is not None for d in dims)
        any_moderated = any_moderated or moderated
        self_level = _self_assessed([d.confirmed_level for d in dims], rule) if dims else None
        if self_level is not None:
            self_strand_levels.append(self_level)
        strand_rows.append(
            row(
                scope=STRAND,
                scope_key=Scope.STRAND,
                strand=s.strand.name,
                key=s.strand.key,
                self_assessed_level=self_level,
                moderated_level=s.level if moderated else None,
                level=s.level,
                score=s.score,
            )
        )
        for d in dims:
            strand_rows.append(
                row(
                    scope=DIMENSION,
                    scope_key=Scope.DIMENSION,
                    strand=s.strand.name,
                    dimension=d.dimension.name,
                    key=d.dimension.key,
                    suggested_level=d.suggested_level,
                    self_assessed_level=d.confirmed_level,
                    moderated_level=d.moderated_level,
                    level=d.level,
                    score=d.score,
                    flagged=d.flagged,
                    moderation_reason=reasons.get((assessment.pk, d.dimension_id), "")
                    if d.moderated_level is not None
                    else "",
                )
            )
    self_overall = (
        scoring.overall_result(
            [scoring.strand_result([lv], [lv]) for lv in self_strand_levels]
        ).level
        if self_strand_levels and len(self_strand_levels) == len(strands)
        else None
    )
    overall = row(
        scope=OVERALL,
        scope_key=Scope.OVERALL,
        self_assessed_level=self_overall,
        moderated_level=result.overall_level if any_moderated else None,
        level=result.overall_level,
        score=result.overall_score,
    )
    return [overall, *strand_rows]


def result_rows(*, authorities: QuerySet[Authority], rounds: list[Round]) -> list[ResultRow]:
    """Rows for these authorities in these rounds (rounds newest first, authorities by name): each
    assessment's overall, strand and dimension results as stored by the worker, with self-assessed
    and moderated levels; one row for an authority without an assessment or without results.
    Five queries whatever the number of authorities, rounds or results."""
    authority_list = list(authorities.select_related("area").order_by("name", "pk"))
    round_ids = [r.pk for r in rounds]
    assessment_qs = Assessment.objects.filter(authority__in=authorities, round_id__in=round_ids)
    assessments: dict[tuple[int, int], Assessment] = {
        (a.authority_id, a.round_id): a for a in assessment_qs.select_related("result")
    }
    strands: dict[int, list[StrandResult]] = defaultdict(list)
    for s in (
        StrandResult.objects.filter(authority__in=authorities, result__assessment__in=assessment_qs)
        .select_related("strand")
        .order_by("strand__order", "pk")
    ):
        strands[s.result_id].append(s)
    dimensions: dict[int, list[DimensionResult]] = defaultdict(list)
    for d in (
        DimensionResult.objects.filter(
            authority__in=authorities, result__assessment__in=assessment_qs
        )
        .select_related("dimension")
        .order_by("dimension__order", "pk")
    ):
        dimensions[d.result_id].append(d)
    reasons = {
        (assessment_id, dimension_id): reason
        for assessment_id, dimension_id, reason in Moderation.objects.filter(
            authority__in=authorities, assessment__in=assessment_qs, level__isnull=False
        ).values_list("assessment_id", "dimension_id", "reason")
    }
    rows: list[ResultRow] = []
    for round_obj in rounds:
        for authority in authority_list:
            assessment = assessments.get((authority.pk, round_obj.pk))
            result = getattr(assessment, "result", None) if assessment is not None else None
            if assessment is None or result is None:
                rows.append(ResultRow(authority, round_obj, assessment, None))
                continue
            rows.extend(
                _element_rows(
                    authority,
                    round_obj,
                    assessment,
                    result,
                    strands.get(result.pk, []),
                    dimensions.get(result.pk, []),
                    reasons,
                )
            )
    return rows


# --- Peer figures (an authority's own export) -----------------------------------------------------


@dataclass(frozen=True)
class PeerCell:
    """One peer group's published figures for one element, and the authority's position in words;
    ``distribution`` None means the group is suppressed (too few authorities) or has no figures."""

    distribution: benchmarks.Distribution | None
    position: str | None


def authority_peer_figures(
    *, authority: Authority, rounds: list[Round]
) -> tuple[list[benchmarks.PeerGroup], dict[tuple[int, str, str], list[PeerCell]]]:
    """The authority's peer groups and, by (round id, scope, element key), one :class:`PeerCell`
    per group, read through ``benchmarking.selectors.authority_benchmark`` (one call per round;
    a constant number of queries per round whatever the number of authorities)."""
    groups = benchmarks.peer_groups_for(authority=authority)
    cells: dict[tuple[int, str, str], list[PeerCell]] = {}
    for round_obj in rounds:
        benchmark = benchmarks.authority_benchmark(authority=authority, round=round_obj)
        # The benchmark's groups are peer_groups_for(authority) again, in the same order.
        for element in benchmark.rows:
            cells[(round_obj.pk, element.scope, element.key)] = [
                PeerCell(distribution=c.distribution, position=p) for c, p in element.positions
            ]
    return groups, cells
