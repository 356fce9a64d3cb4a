"""Reads for reports: the report records a request may see, and the data that goes into each PDF.

The report data is built as plain values (strings, numbers, lists, dicts) so that the same dict
is both rendered and fingerprinted: a request for a report whose data and template version have
not changed reuses the stored file. Benchmark figures come only through `benchmarking.selectors`,
which applies small-number suppression. The date a report was generated is not part of the data
(it would make every fingerprint new); the renderer adds it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import permissions

from .models import Report, ReportKind

if TYPE_CHECKING:
    from accounts.models import Area, User
    from assessments.models import Assessment, Round

TEMPLATE_VERSION = "2026.1"
LEVEL_NAMES = {1: "Early", 2: "Developing", 3: "Maturing", 4: "Mature"}


# --- Which reports and assessments a request may see ----------------------------------------------


def _scope(user: User, acting_for: Any) -> Q | None:
    """The reports the request may see, as a filter; None when it may see none."""
    if acting_for.authority is not None:
        if not permissions.can_view_authority(user, acting_for.authority):
            return None
        return Q(kind=ReportKind.AUTHORITY, authority=acting_for.authority)
    if acting_for.area is not None:
        if not permissions.can_review_area(user, acting_for.area):
            return None
        return Q(kind=ReportKind.AUTHORITY, authority__area=acting_for.area) | Q(
            kind=ReportKind.AREA, area=acting_for.area
        )
    if acting_for.is_national and permissions.is_national_admin(user):
        return Q()
    return None


def report_get(*, user: User, acting_for: Any, pk: Any) -> Report:
    """A report the request may see, or 404 (another tenant's looks exactly like a missing one)."""
    scope = _scope(user, acting_for)
    if scope is None:
        raise Http404
    try:
        return Report.objects.select_related(
            "authority__area", "assessment__round", "area", "round", "requested_by"
        ).get(scope, pk=int(pk))
    except (Report.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def report_list(*, user: User, acting_for: Any, limit: int = 50) -> list[Report]:
    scope = _scope(user, acting_for)
    if scope is None:
        return []
    return list(
        Report.objects.filter(scope).select_related("assessment__round", "round", "requested_by")[
            :limit
        ]
    )


def reports_for_assessment(*, assessment: Assessment) -> QuerySet[Report]:
    return Report.objects.filter(
        kind=ReportKind.AUTHORITY, authority_id=assessment.authority_id, assessment=assessment
    )


def latest_report_for_assessment(*, assessment: Assessment) -> Report | None:
    return reports_for_assessment(assessment=assessment).first()


def latest_area_report(*, area: Area, round: Round) -> Report | None:  # noqa: A002
    return Report.objects.filter(kind=ReportKind.AREA, area=area, round=round).first()


def report_assessment_get(*, user: User, acting_for: Any, pk: Any) -> Assessment:
    """An assessment the request may see, for a report: the authority acted for, or one in the
    area acted for (area leads), or any (national admins); else 404."""
    from assessments.models import Assessment

    if acting_for.authority is not None:
        if not permissions.can_view_authority(user, acting_for.authority):
            raise Http404
        scope = Q(authority=acting_for.authority)
    elif acting_for.area is not None:
        if not permissions.can_review_area(user, acting_for.area):
            raise Http404
        scope = Q(authority__area=acting_for.area)
    elif acting_for.is_national and permissions.is_national_admin(user):
        scope = Q()
    else:
        raise Http404
    try:
        assessment = Assessment.objects.select_related(
            "round", "framework_version", "authority__area"
        ).get(scope, pk=int(pk))
    except (Assessment.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if not permissions.can_view_authority(user, assessment.authority):
        raise Http404
    return assessment


# --- Fingerprints ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def fingerprint(data: dict[str, Any]) -> str:
    """SHA-256 of the report's data and the template version."""
    payload = json.dumps(
        {"template": TEMPLATE_VERSION, "data": data}, sort_keys=True, default=_plain
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# --- Authority report data ------------------------------------------------------------------------


def _date(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _num(value: Any, places: int = 2) -> float | None:
    return None if value is None else round(float(value), places)


def authority_report_data(*, assessment: Assessment) -> dict[str, Any]:
    """Everything the authority report shows, as plain values. A constant number of queries."""
    from actions.selectors import action_gaps, carried_actions, plan_actions
    from assessments import scoring
    from assessments.models import ChecklistStatus
    from assessments.selectors import assessment_results, checklist_answers, rated_statements
    from benchmarking import selectors as bench
    from evidence.selectors import evidence_for_assessment
    from frameworks.models import Level
    from reviews.selectors import moderation_reasons, review_comments

    authority = assessment.authority
    version = assessment.framework_version
    stored = assessment_results(assessment=assessment)
    data: dict[str, Any] = {
        "kind": ReportKind.AUTHORITY.value,
        "authority": {
            "name": authority.name,
            "kind": authority.get_kind_display(),
            "region": authority.get_region_display(),
        },
        "round": {
            "name": assessment.round.name,
            "opens_on": _date(assessment.round.opens_on),
            "closes_on": _date(assessment.round.closes_on),
        },
        "model": {
            "title": version.title,
            "slug": version.slug,
            "version": version.version,
            "published_on": _date(version.published_on),
            "strand_rule": version.get_strand_rule_display(),
            "consistency_threshold": str(version.consistency_threshold),
        },
        "assessment": {
            "id": assessment.pk,
            "status": assessment.get_status_display(),
            "started_on": _date(assessment.started_at),
            "submitted_on": _date(assessment.submitted_at),
            "agreed_on": _date(assessment.agreed_at),
            "results_revision": assessment.results_revision,
        },
        "min_group_size": bench.min_group_size(),
        "has_results": stored is not None,
    }
    if stored is None:
        return data
    moderations = moderation_reasons(assessment=assessment)
    ratings = rated_statements(assessment=assessment)
    evidence = evidence_for_assessment(assessment=assessment)
    answers = {
        a.dimension_id: a
        for a in assessment.dimension_answers.all().only(
            "dimension_id", "justification", "confirmed_level"
        )
    }
    strand_rule = version.strand_rule
    data["result"] = {
        "overall_level": stored.result.overall_level,
        "overall_level_name": LEVEL_NAMES.get(stored.result.overall_level, ""),
        "overall_score": _num(stored.result.overall_score),
        "rule_version": stored.result.rule_version,
        "computed_on": _date(stored.result.computed_at),
    }
    # Benchmarks (all authorities, region, kind, comparator groups): suppressed groups give None.
    benchmark = bench.authority_benchmark(authority=authority, round=assessment.round)
    bench_rows = {(row.scope, row.key): row for row in benchmark.rows}

    def peer_median(scope: str, key: str) -> float | None:
        row = bench_rows.get((scope, key))
        if row is None or not row.comparisons:
            return None
        distribution = row.comparisons[0].distribution  # all authorities
        return _num(distribution.median) if distribution is not None else None

    strands = []
    for strand_result, dimension_results in stored.strands:
        self_levels = [d.confirmed_level for d in dimension_results]
        self_level = (
            scoring.strand_result(
                self_levels, [d.score for d in dimension_results], rule=strand_rule
            ).level
            if self_levels
            else None
        )
        dimensions = []
        for d in dimension_results:
            moderation = moderations.get(d.dimension_id)
            answer = answers.get(d.dimension_id)
            dimensions.append(
                {
                    "key": d.dimension.key,
                    "name": d.dimension.name,
                    "suggested_level": d.suggested_level,
                    "confirmed_level": d.confirmed_level,
                    "moderated_level": d.moderated_level,
                    "level": d.level,
                    "level_name": LEVEL_NAMES.get(d.level, ""),
                    "score": _num(d.score),
                    "flagged": d.flagged,
                    "justification": answer.justification if answer else "",
                    "moderation_reason": moderation.reason if moderation else "",
                    "ratings": [
                        {
                            "level": r.statement.level.order,
                            "level_name": r.statement.level.name,
                            "text": r.statement.text,
                            "rating": scoring.Rating(r.rating).label,
                        }
                        for r in ratings.get(d.dimension_id, [])
                    ],
                    "evidence": [
                        {
                            "title": item.title,
                            "kind": item.get_kind_display(),
                            "detail": item.original_name or item.url or "",
                            "description": item.description,
                            "added_on": _date(item.added_at),
                            "added_by": str(item.added_by) if item.added_by else "",
                        }
                        for item in evidence.get(d.dimension_id, [])
                    ],
                    "peer_median": peer_median("dimension", d.dimension.key),
                }
            )
        strands.append(
            {
                "key": strand_result.strand.key,
                "name": strand_result.strand.name,
                "level": strand_result.level,
                "score": _num(strand_result.score),
                "self_level": self_level,
                "peer_median": peer_median("strand", strand_result.strand.key),
                "dimensions": dimensions,
            }
        )
    data["strands"] = strands
    data["moderated"] = any(
        d["moderated_level"] is not None for s in strands for d in s["dimensions"]
    )
    data["comments"] = [
        {
            "kind": c.get_kind_display(),
            "author": str(c.author) if c.author else "the reviewer",
            "on": _date(c.at),
            "text": c.text,
            "submission": c.submission_number,
        }
        for c in review_comments(assessment=assessment)
    ]
    data["checklist_gaps"] = [
        {
            "text": a.item.text,
            "status": a.get_status_display() if a.status else "Not answered",
            "note": a.note,
        }
        for a in checklist_answers(assessment=assessment)
        if a.status != ChecklistStatus.IN_PLACE
    ]
    gaps: dict[str, dict[str, Any]] = {}
    for gap in action_gaps(assessment=assessment):
        entry = gaps.setdefault(
            gap.dimension.key,
            {
                "name": gap.dimension.name,
                "level": gap.level,
                "next_level": gap.next_level,
                "next_level_name": LEVEL_NAMES.get(gap.next_level, ""),
                "statements": [],
            },
        )
        entry["statements"].append(
            {
                "text": gap.statement.text,
                "rating": scoring.Rating(gap.rating).label if gap.rating else "Not rated",
                "actions": gap.actions,
            }
        )
    data["next_steps"] = list(gaps.values())

    def action_row(action: Any, carried: bool) -> dict[str, Any]:
        return {
            "description": action.description,
            "statement": action.statement_text,
            "dimension": action.dimension.name if action.dimension else "",
            "owner": str(action.owner),
            "due_on": _date(action.due_on),
            "status": action.get_status_display(),
            "carried_from": action.assessment.round.name if carried else "",
        }

    data["actions"] = [action_row(a, False) for a in plan_actions(assessment=assessment)] + [
        action_row(a, True) for a in carried_actions(assessment=assessment)
    ]
    data["benchmark"] = {
        "groups": [g.label for g in benchmark.groups],
        "own_status": benchmark.own_status,
        "rows": [
            {
                "scope": row.scope,
                "name": row.name,
                "own_level": row.own_level,
                "cells": [
                    {
                        "suppressed": comparison.distribution is None,
                        "position": position or "",
                        "median": _num(comparison.distribution.median)
                        if comparison.distribution is not None
                        else None,
                        "n": comparison.distribution.n
                        if comparison.distribution is not None
                        else None,
                    }
                    for comparison, position in row.positions
                ],
            }
            for row in benchmark.rows
        ],
        "suppressed_text": bench.SUPPRESSED_TEXT,
    }
    trends = bench.authority_trends(authority=authority, group=benchmark.groups[0])
    data["trend"] = {
        "rounds": [p.round.name for p in trends[0].points] if trends else [],
        "rows": [
            {
                "scope": row.scope,
                "name": row.name,
                "levels": [p.own_level for p in row.points],
                "scores": [_num(p.own_score) for p in row.points],
                "peer_medians": [_num(p.peer.median) if p.peer else None for p in row.points],
            }
            for row in trends
            if row.scope in ("overall", "strand", "dimension")
        ],
    }
    data["levels"] = [
        {"order": level.order, "name": level.name}
        for level in Level.objects.filter(framework_version=version).order_by("order")
    ]
    return data


# --- Area report data -----------------------------------------------------------------------------


def area_report_data(*, area: Area, round: Round) -> dict[str, Any]:  # noqa: A002
    """The area's authorities side by side for one round, with distributions (through the
    benchmark selectors: area figures are suppressed below the minimum group size)."""
    from benchmarking import selectors as bench
    from reviews.selectors import area_dashboard

    heatmap = bench.area_heatmap(round=round, area=area)
    board = area_dashboard(areas=[area], round=round)
    statuses = {row.authority.pk: row for row in board.rows}
    dimensions = [
        {"key": d.key, "name": d.name, "strand": d.strand.name} for d in heatmap.dimensions
    ]
    rows = []
    for row in heatmap.rows:
        dash = statuses.get(row.authority.pk)
        rows.append(
            {
                "name": row.authority.name,
                "status": dash.status_label if dash else (row.status or "Not started"),
                "overall": row.overall,
                "self_overall": dash.self_level if dash else None,
                "levels": row.levels,
            }
        )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        for dimension, level in zip(dimensions, row["levels"], strict=True):
            if level:
                counts[dimension["key"]][level - 1] += 1
    figures = []
    for name, key, area_d, national_d in heatmap.area_figures:
        figures.append(
            {
                "name": name,
                "key": key,
                "area": None
                if area_d is None
                else {"n": area_d.n, "counts": list(area_d.counts), "median": _num(area_d.median)},
                "national": None
                if national_d is None
                else {
                    "n": national_d.n,
                    "counts": list(national_d.counts),
                    "median": _num(national_d.median),
                },
            }
        )
    status_counts: dict[str, int] = defaultdict(int)
    for row in rows:
        status_counts[row["status"]] += 1
    return {
        "kind": ReportKind.AREA.value,
        "area": {"name": area.name},
        "round": {
            "name": round.name,
            "opens_on": _date(round.opens_on),
            "closes_on": _date(round.closes_on),
        },
        "model": {
            "title": round.framework_version.title,
            "version": round.framework_version.version,
        },
        "dimensions": dimensions,
        "rows": rows,
        "level_counts": [{"name": d["name"], "counts": counts[d["key"]]} for d in dimensions],
        "figures": figures,
        "status_counts": sorted(status_counts.items()),
        "min_group_size": bench.min_group_size(),
        "suppressed_text": bench.SUPPRESSED_TEXT,
    }


def stuck_reports(*, cutoff: Any) -> QuerySet[Report]:
    """Reports queued or rendering whose last dispatch is older than the lease."""
    from .models import IN_FLIGHT

    return Report.objects.filter(status__in=list(IN_FLIGHT), dispatched_at__lt=cutoff)
