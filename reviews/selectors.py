"""Reads for the area dashboard and the review page. Each runs a constant number of queries
whatever the number of authorities, dimensions or history rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone

from accounts import permissions
from accounts.models import Area, Authority
from assessments import scoring
from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    DimensionResult,
    HistoryEntry,
    HistoryKind,
)

from .models import Moderation, ReviewComment

if TYPE_CHECKING:
    from accounts.models import User
    from assessments.models import Round

NOT_STARTED = "not_started"
STATUS_FILTERS = [(NOT_STARTED, "Not started"), *AssessmentStatus.choices]


def reviewable_areas(*, user: User, acting_for: Any) -> list[Area]:
    """The areas the request may review: the area acted for, or every area for a national admin."""
    if acting_for.area is not None and permissions.can_review_area(user, acting_for.area):
        return [acting_for.area]
    if acting_for.is_national and permissions.is_national_admin(user):
        return list(Area.objects.order_by("name"))
    return []


def review_assessment_get(*, user: User, acting_for: Any, pk: Any) -> Assessment:
    """An assessment in one of the request's areas that the user may review, or 404 (another
    area's looks exactly like a missing one)."""
    national = acting_for.is_national and permissions.is_national_admin(user)
    scope = (
        Q()
        if national
        else Q(authority__area__in=reviewable_areas(user=user, acting_for=acting_for))
    )
    try:
        assessment = Assessment.objects.select_related(
            "round", "framework_version", "authority__area", "submitted_by"
        ).get(scope, pk=int(pk))
    except (Assessment.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if not permissions.can_review_authority(user, assessment.authority):
        raise Http404
    return assessment


# --- Dashboard ------------------------------------------------------------------------------------


@dataclass
class DashboardRow:
    authority: Authority
    assessment: Assessment | None
    status: str
    status_label: str
    self_level: int | None
    moderated_level: int | None
    flagged: int | None
    without_evidence: int | None
    last_activity: datetime.datetime | None
    days_since_submission: int | None

    @property
    def level(self) -> int | None:
        return self.moderated_level if self.moderated_level is not None else self.self_level


def _self_assessed_overall(rows: list[dict[str, Any]], strand_rule: str) -> int | None:
    """The overall level from the self-assessed (confirmed) levels, by the scoring rule."""
    by_strand: dict[int, list[tuple[int, Any]]] = defaultdict(list)
    for row in rows:
        by_strand[row["strand"]].append((row["confirmed_level"], row["score"]))
    if not by_strand:
        return None
    strands = [
        scoring.strand_result([lv for lv, _ in pairs], [sc for _, sc in pairs], rule=strand_rule)
        for _, pairs in sorted(by_strand.items())
    ]
    return scoring.overall_result(strands).level


def evidence_available() -> bool:
    """Whether the evidence feature is there (it provides its count selector)."""
    try:
        from evidence import selectors as evidence_selectors
    except ImportError:
        return False
    return hasattr(evidence_selectors, "evidence_counts")


def _dimensions_without_evidence(assessment_ids: list[int], dimensions: int) -> dict[int, int]:
    """{assessment id: dimensions with no current evidence item}, in one aggregate query over all
    the assessments (the evidence feature's own selector counts one assessment at a time)."""
    from evidence.models import EvidenceItem

    with_evidence = dict(
        EvidenceItem.objects.filter(assessment_id__in=assessment_ids, removed_at__isnull=True)
        .values("assessment_id")
        .annotate(n=Count("answer_id", distinct=True))
        .values_list("assessment_id", "n")
    )
    return {pk: dimensions - with_evidence.get(pk, 0) for pk in assessment_ids}


def evidence_by_dimension(*, assessment: Assessment) -> dict[int, list[Any]]:
    """The assessment's current evidence by dimension id, each item with `review_url` set, when
    the evidence feature is there; else {}."""
    from django.urls import NoReverseMatch, reverse

    if not evidence_available():
        return {}
    from evidence.selectors import evidence_for_assessment

    grouped = evidence_for_assessment(assessment=assessment)
    for items in grouped.values():
        for item in items:
            try:
                item.review_url = reverse("evidence:review_download", args=[item.pk])
            except NoReverseMatch:
                item.review_url = ""
    return grouped


SORT_KEYS = {
    "authority": lambda r: r.authority.name.lower(),
    "status": lambda r: r.status_label,
    "self": lambda r: (r.self_level is None, r.self_level or 0),
    "moderated": lambda r: (r.moderated_level is None, r.moderated_level or 0),
    "evidence": lambda r: (r.without_evidence is None, r.without_evidence or 0),
    "flagged": lambda r: (r.flagged is None, r.flagged or 0),
    "activity": lambda r: (r.last_activity is None, r.last_activity or timezone.now()),
    "days": lambda r: (r.days_since_submission is None, r.days_since_submission or 0),
}


@dataclass
class Dashboard:
    rows: list[DashboardRow]
    evidence_available: bool
    counts: dict[str, int] = field(default_factory=dict)


def area_dashboard(
    *,
    areas: list[Area] | None,
    round: Round,  # noqa: A002
    status: str = "",
    level: int | None = None,
    sort: str = "authority",
    descending: bool = False,
    today: datetime.date | None = None,
) -> Dashboard:
    """The areas' active authorities (every active authority, with or without an area, when
    `areas` is None: national admins) with their assessment in the round. Five queries (seven with
    evidence counts), whatever the number of authorities."""
    today = today or timezone.localdate()
    authorities = list(
        Authority.objects.filter(Q() if areas is None else Q(area__in=areas), active=True)
        .select_related("area")
        .order_by("name")
    )
    assessments = {
        a.authority_id: a
        for a in Assessment.objects.filter(
            round=round, authority__in=[x.pk for x in authorities]
        ).select_related("result")
    }
    assessment_ids = [a.pk for a in assessments.values()]
    dimension_rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in DimensionResult.objects.filter(result__assessment_id__in=assessment_ids).values(
        "result__assessment_id",
        "confirmed_level",
        "score",
        "flagged",
        strand=F("dimension__strand_id"),
    ):
        dimension_rows[row["result__assessment_id"]].append(row)
    moderated = set(
        Moderation.objects.filter(assessment_id__in=assessment_ids, level__isnull=False)
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values_list("assessment_id", flat=True)
    )
    has_evidence = evidence_available()
    without_evidence: dict[int, int] = {}
    if has_evidence and assessment_ids:
        from frameworks.models import Dimension

        without_evidence = _dimensions_without_evidence(
            assessment_ids,
            Dimension.objects.filter(framework_version_id=round.framework_version_id).count(),
        )
    strand_rule = round.framework_version.strand_rule
    rows = []
    for authority in authorities:
        assessment = assessments.get(authority.pk)
        result: AssessmentResult | None = (
            getattr(assessment, "result", None) if assessment is not None else None
        )
        dims = dimension_rows.get(assessment.pk, []) if assessment else []
        self_level = _self_assessed_overall(dims, strand_rule) if result is not None else None
        submitted = assessment.submitted_at if assessment else None
        rows.append(
            DashboardRow(
                authority=authority,
                assessment=assessment,
                status=assessment.status if assessment else NOT_STARTED,
                status_label=assessment.get_status_display() if assessment else "Not started",
                self_level=self_level,
                moderated_level=result.overall_level
                if result is not None and assessment.pk in moderated
                else None,
                flagged=sum(1 for d in dims if d["flagged"]) if result is not None else None,
                without_evidence=without_evidence.get(assessment.pk) if assessment else None,
                last_activity=assessment.last_activity_at if assessment else None,
                days_since_submission=(today - timezone.localtime(submitted).date()).days
                if submitted and assessment.status == AssessmentStatus.SUBMITTED
                else None,
            )
        )
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    if status:
        rows = [r for r in rows if r.status == status]
    if level is not None:
        rows = [r for r in rows if r.level == level]
    key = SORT_KEYS.get(sort, SORT_KEYS["authority"])
    rows.sort(key=lambda r: r.authority.name.lower())
    rows.sort(key=key, reverse=descending)
    return Dashboard(rows=rows, evidence_available=has_evidence, counts=dict(counts))


# --- Review page ----------------------------------------------------------------------------------


@dataclass
class ReviewDimension:
    answer: Any
    result: DimensionResult | None
    moderation: Moderation | None
    ratings: list[Any]
    evidence: list[Any]
    history: list[HistoryEntry]
    changed_since_last_submission: list[HistoryEntry]


@dataclass
class Review:
    assessment: Assessment
    strands: list[tuple[Any, list[ReviewDimension]]]
    comments: list[ReviewComment]
    previous_submission_at: datetime.datetime | None
    status_history: list[HistoryEntry]

    @property
    def dimensions(self) -> list[ReviewDimension]:
        return [d for _, dims in self.strands for d in dims]


def _submission_times(entries: list[HistoryEntry]) -> list[datetime.datetime]:
    return sorted(
        e.at
        for e in entries
        if e.kind == HistoryKind.STATUS and e.after == AssessmentStatus.SUBMITTED.label
    )


def assessment_review(*, assessment: Assessment) -> Review:
    """Everything the reviewer sees, per dimension: ratings, stored result (suggested level and
    consistency flag), moderation and history, and what changed since the previous submission."""
    from assessments.models import DimensionAnswer
    from assessments.selectors import rated_statements

    answers = list(
        DimensionAnswer.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).select_related("dimension__strand", "updated_by")
    )
    results = {
        r.dimension_id: r
        for r in DimensionResult.objects.filter(
            authority_id=assessment.authority_id, result__assessment=assessment
        )
    }
    moderations = {
        m.answer_id: m
        for m in Moderation.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).select_related("moderated_by")
    }
    ratings = rated_statements(assessment=assessment)
    evidence = evidence_by_dimension(assessment=assessment)
    history = list(
        HistoryEntry.objects.filter(authority_id=assessment.authority_id, assessment=assessment)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    submissions = _submission_times(history)
    previous = submissions[-2] if len(submissions) >= 2 else None
    latest = submissions[-1] if submissions else None
    by_dimension: dict[int, list[HistoryEntry]] = defaultdict(list)
    for entry in history:
        if entry.dimension_id:
            by_dimension[entry.dimension_id].append(entry)
    strands: dict[int, tuple[Any, list[ReviewDimension]]] = {}
    for answer in sorted(answers, key=lambda a: (a.dimension.strand.order, a.dimension.order)):
        entries = by_dimension.get(answer.dimension_id, [])
        changed = [
            e
            for e in entries
            if previous is not None
            and e.kind != HistoryKind.MODERATION
            and previous < e.at <= (latest or e.at)
        ]
        strands.setdefault(answer.dimension.strand_id, (answer.dimension.strand, []))[1].append(
            ReviewDimension(
                answer=answer,
                result=results.get(answer.dimension_id),
                moderation=moderations.get(answer.pk),
                ratings=ratings.get(answer.dimension_id, []),
                evidence=evidence.get(answer.dimension_id, []),
                history=entries,
                changed_since_last_submission=changed,
            )
        )
    comments = list(
        ReviewComment.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).select_related("author")
    )
    return Review(
        assessment=assessment,
        strands=list(strands.values()),
        comments=comments,
        previous_submission_at=previous,
        status_history=[e for e in history if e.kind == HistoryKind.STATUS],
    )


def review_comments(*, assessment: Assessment) -> list[ReviewComment]:
    """The reviewer's comments on the assessment, newest first (for the authority's pages)."""
    return list(
        ReviewComment.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).select_related("author")
    )


def moderation_reasons(*, assessment: Assessment) -> dict[int, Moderation]:
    """The assessment's moderations by dimension id (for the results page)."""
    return {
        m.dimension_id: m
        for m in Moderation.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        )
    }
