"""What an API request may read, taken from ``request.acting_for`` exactly as the pages do:

- acting for an authority (officer, authority lead, viewer): that authority's assessments;
- acting for an area (area lead): the assessments of the authorities in that area;
- acting for the whole service (national admin): every assessment;
- acting for nothing: nothing.

Another tenant's object is a 404, like a missing one. Each read is a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts import permissions
from assessments import selectors as assessment_selectors
from assessments.models import Assessment, Round
from benchmarking import selectors as benchmark_selectors


@dataclass(frozen=True)
class Scope:
    kind: str  # "authority", "area", "national" or "none"
    authority: Any = None
    area: Any = None


NO_SCOPE = Scope("none")


def scope_for(*, user: Any, acting_for: Any) -> Scope:
    """The tenant the request reads, checked again against the user's roles (checked twice)."""
    if not acting_for:
        return NO_SCOPE
    authority = acting_for.authority
    if authority is not None:
        if permissions.role_in(user, authority) is not None:
            return Scope("authority", authority=authority)
        return NO_SCOPE
    if acting_for.area is not None:
        if permissions.can_review_area(user, acting_for.area):
            return Scope("area", area=acting_for.area)
        return NO_SCOPE
    if acting_for.is_national and permissions.is_national_admin(user):
        return Scope("national")
    return NO_SCOPE


def assessments_visible(*, scope: Scope) -> QuerySet[Assessment]:
    queryset = Assessment.objects.select_related(
        "authority", "round", "framework_version", "result"
    ).order_by("-round__opens_on", "round_id", "authority__name", "id")
    if scope.kind == "authority":
        return queryset.filter(authority=scope.authority)
    if scope.kind == "area":
        return queryset.filter(authority__area=scope.area)
    if scope.kind == "national":
        return queryset
    return queryset.none()


def assessment_visible_get(*, scope: Scope, pk: Any) -> Assessment:
    """One assessment the scope may read, with its stored results (``stored_results``, None
    while they are being computed), or 404."""
    try:
        assessment = assessments_visible(scope=scope).get(pk=int(pk))
    except (Assessment.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404 from None
    assessment.stored_results = assessment_selectors.assessment_results(assessment=assessment)
    return assessment


@dataclass
class BenchmarkFigures:
    group: str
    suppressed: bool
    message: str | None
    n: int | None = None
    level_counts: list[int] | None = None
    lower_quartile: Any = None
    median: Any = None
    upper_quartile: Any = None
    position: str | None = None


@dataclass
class BenchmarkElement:
    scope: str
    key: str
    name: str
    own: dict[str, Any] | None
    figures: list[BenchmarkFigures]


@dataclass
class BenchmarkGroup:
    key: str
    kind: str
    label: str


@dataclass
class Benchmark:
    round: Any
    scope: str
    own_status: str | None
    groups: list[BenchmarkGroup]
    elements: list[BenchmarkElement]


def _figures(group_key: str, distribution: Any, position: str | None = None) -> BenchmarkFigures:
    if distribution is None:
        return BenchmarkFigures(
            group=group_key, suppressed=True, message=benchmark_selectors.SUPPRESSED_TEXT
        )
    return BenchmarkFigures(
        group=group_key,
        suppressed=False,
        message=None,
        n=distribution.n,
        level_counts=list(distribution.counts),
        lower_quartile=distribution.lower_quartile,
        median=distribution.median,
        upper_quartile=distribution.upper_quartile,
        position=position,
    )


def benchmark_rounds() -> QuerySet[Any]:
    return benchmark_selectors.benchmark_rounds()


def benchmark_get(*, scope: Scope, round_id: Any) -> Benchmark:
    """The round's benchmark for the scope, only through ``benchmarking.selectors`` (suppressed
    groups give no figures and no count). An authority sees its own levels and its position in
    each group, never another authority; an area lead the area's and the national figures; a
    national admin the national figures. 404 for a round without benchmarks or no scope."""
    if scope.kind == "none":
        raise Http404
    try:
        round_obj = benchmark_selectors.benchmark_rounds().get(pk=int(round_id))
    except (ValueError, TypeError, OverflowError, Round.DoesNotExist):
        raise Http404 from None
    if scope.kind == "authority":
        data = benchmark_selectors.authority_benchmark(authority=scope.authority, round=round_obj)
        groups = [BenchmarkGroup(g.slug, g.kind, g.label) for g in data.groups]
        elements = []
        for row in data.rows:
            own = (
                {"level": row.own_level, "score": row.own_score}
                if row.own_level is not None
                else None
            )
            elements.append(
                BenchmarkElement(
                    scope=row.scope,
                    key=row.key,
                    name=row.name,
                    own=own,
                    figures=[
                        _figures(comparison.group.slug, comparison.distribution, position)
                        for comparison, position in row.positions
                    ],
                )
            )
        return Benchmark(round_obj, scope.kind, data.own_status, groups, elements)
    heatmap = benchmark_selectors.area_heatmap(
        round=round_obj, area=scope.area if scope.kind == "area" else None
    )
    groups = [BenchmarkGroup("all", "all", "all authorities")]
    if scope.kind == "area":
        groups.append(BenchmarkGroup(f"area-{scope.area.pk}", "area", scope.area.name))
    elements = []
    for name, key, area_figures, national_figures in heatmap.area_figures:
        figures = [_figures("all", national_figures)]
        if scope.kind == "area":
            figures.append(_figures(f"area-{scope.area.pk}", area_figures))
        element_scope = "overall" if key == "overall" else "dimension"
        elements.append(
            BenchmarkElement(
                scope=element_scope,
                key="" if key == "overall" else key,
                name=name,
                own=None,
                figures=figures,
            )
        )
    return Benchmark(round_obj, scope.kind, None, groups, elements)
