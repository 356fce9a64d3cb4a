"""Reads shared by pages and tasks. Each builds its queries once, in a constant number whatever
the number of statements, answers or history rows. Every selector takes the tenant."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from . import scoring
from .models import (
    Assessment,
    AssessmentResult,
    ChecklistAnswer,
    DimensionAnswer,
    DimensionResult,
    HistoryEntry,
    Round,
    StatementRating,
    StrandResult,
)

if TYPE_CHECKING:
    from accounts.models import Authority


class TaskStatus(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"


# --- Rounds and assessments -----------------------------------------------------------------------


def round_list() -> QuerySet[Round]:
    return Round.objects.select_related("framework_version").order_by("-opens_on")


def rounds_with_assessments(*, authority: Authority) -> list[tuple[Round, Assessment | None]]:
    """Every round, newest first, with the authority's assessment in it (or None)."""
    assessments = {
        a.round_id: a
        for a in Assessment.objects.filter(authority=authority).select_related("result")
    }
    return [(r, assessments.get(r.pk)) for r in round_list()]


def assessment_get(*, authority: Authority | None, pk: Any) -> Assessment:
    """The authority's assessment, or 404: another authority's looks exactly like a missing one."""
    if authority is None:
        raise Http404
    try:
        assessment = Assessment.objects.select_related(
            "round", "framework_version", "submitted_by"
        ).get(authority=authority, pk=int(pk))
    except (Assessment.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    assessment.authority = authority  # the caller's, already loaded: no join for it
    return assessment


def dimension_answer_get(
    *, authority: Authority | None, assessment_pk: Any, dimension_key: str, people: bool = True
) -> DimensionAnswer:
    """The authority's answer for one dimension of one of its assessments, or 404 (another
    authority's looks exactly like a missing one). One query for the answer with its assessment,
    one for its ratings. The dimension and the assessment's framework version come from the
    process's cache of published versions (`framework_contents_cached_by_id`): `answer.dimension`
    has `strand`, `cells` and `statements_list` (statements with their level, in level order).
    `people` also loads who the answer is assigned to and who last saved it, for pages that show
    them."""
    from frameworks.models import FrameworkVersion
    from frameworks.selectors import framework_contents_cached_by_id

    if authority is None:
        raise Http404
    related = ["assessment"]
    if people:
        related += ["assigned_to", "updated_by"]
    try:
        answer = (
            DimensionAnswer.objects.select_related(*related)
            .prefetch_related("ratings")
            .get(
                authority=authority,
                assessment_id=int(assessment_pk),
                dimension__key=dimension_key,
            )
        )
        contents = framework_contents_cached_by_id(answer.assessment.framework_version_id)
        dimension = contents.dimension(dimension_key)
    except (
        DimensionAnswer.DoesNotExist,
        FrameworkVersion.DoesNotExist,
        KeyError,
        TypeError,
        ValueError,
    ):
        raise Http404 from None
    answer.authority = authority
    answer.assessment.authority = authority
    answer.assessment.framework_version = contents.version
    answer.dimension = dimension
    return answer


# --- Task list ------------------------------------------------------------------------------------


@dataclass
class DimensionRow:
    answer: DimensionAnswer
    name: str
    key: str
    statements: int
    rated: int
    suggestion: scoring.DimensionSuggestion | None
    problems: list[str]
    status: TaskStatus
    evidence: int = 0  # current evidence items (evidence app)


@dataclass
class StrandRows:
    name: str
    key: str
    measures: str
    dimensions: list[DimensionRow] = field(default_factory=list)


@dataclass
class TaskList:
    checklist_total: int
    checklist_unanswered: int
    checklist_status: TaskStatus
    strands: list[StrandRows]

    @property
    def dimensions(self) -> list[DimensionRow]:
        return [row for strand in self.strands for row in strand.dimensions]

    @property
    def completed(self) -> int:
        done = sum(1 for row in self.dimensions if row.status is TaskStatus.COMPLETED)
        return done + (1 if self.checklist_status is TaskStatus.COMPLETED else 0)

    @property
    def total(self) -> int:
        return len(self.dimensions) + 1

    @property
    def ready_to_submit(self) -> bool:
        return self.completed == self.total


def _dimension_row(
    answer: DimensionAnswer,
    counts_by_level: dict[int, int],
    ratings_by_level: dict[int, list[str]],
    threshold: Any,
) -> DimensionRow:
    statements = sum(counts_by_level.values())
    rated = sum(len(v) for v in ratings_by_level.values())
    suggestion = None
    problems: list[str] = []
    if statements and rated == statements:
        suggestion = scoring.suggest(ratings_by_level, threshold=threshold)
    if rated < statements:
        unrated = statements - rated
        problems.append(f"{unrated} statement{'s' if unrated != 1 else ''} not rated")
    if answer.confirmed_level is None:
        problems.append("level not confirmed")
    elif (
        suggestion is not None
        and answer.confirmed_level != suggestion.suggested_level
        and not answer.justification
    ):
        problems.append("explain why the confirmed level differs from the suggested level")
    if not problems:
        status = TaskStatus.COMPLETED
    elif rated == 0 and answer.confirmed_level is None and not answer.notes:
        status = TaskStatus.NOT_STARTED
    else:
        status = TaskStatus.IN_PROGRESS
    return DimensionRow(
        answer=answer,
        name=answer.dimension.name,
        key=answer.dimension.key,
        statements=statements,
        rated=rated,
        suggestion=suggestion,
        problems=problems,
        status=status,
    )


def assessment_task_list(*, assessment: Assessment) -> TaskList:
    """The task list: the checklist, then each strand's dimensions with their status and evidence
    count. Six queries whatever the size of the model or the number of answers."""
    from evidence.selectors import evidence_counts
    from frameworks.models import Statement

    answers = list(
        DimensionAnswer.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).select_related("dimension__strand", "assigned_to")
    )
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (
        Statement.objects.filter(framework_version_id=assessment.framework_version_id)
        .values("dimension_id", "level__order")
        .annotate(n=Count("id"))
    ):
        counts[row["dimension_id"]][row["level__order"]] = row["n"]
    ratings: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for answer_id, level, rating in StatementRating.objects.filter(
        authority_id=assessment.authority_id, answer__assessment=assessment
    ).values_list("answer_id", "statement__level__order", "rating"):
        ratings[answer_id][level].append(rating)
    checklist = list(
        ChecklistAnswer.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).values_list("status", flat=True)
    )
    evidence = evidence_counts(assessment=assessment)
    threshold = assessment.framework_version.consistency_threshold
    strands: dict[int, StrandRows] = {}
    for answer in sorted(answers, key=lambda a: (a.dimension.strand.order, a.dimension.order)):
        strand = answer.dimension.strand
        rows = strands.setdefault(
            strand.pk, StrandRows(name=strand.name, key=strand.key, measures=strand.measures)
        )
        row = _dimension_row(answer, counts[answer.dimension_id], ratings[answer.pk], threshold)
        row.evidence = evidence.get(answer.pk, 0)
        rows.dimensions.append(row)
    unanswered = sum(1 for status in checklist if not status)
    if unanswered == 0 and checklist:
        checklist_status = TaskStatus.COMPLETED
    elif unanswered == len(checklist):
        checklist_status = TaskStatus.NOT_STARTED
    else:
        checklist_status = TaskStatus.IN_PROGRESS
    return TaskList(
        checklist_total=len(checklist),
        checklist_unanswered=unanswered,
        checklist_status=checklist_status,
        strands=list(strands.values()),
    )


# --- Checklist, history, results ------------------------------------------------------------------


def checklist_answers(*, assessment: Assessment) -> list[ChecklistAnswer]:
    return list(
        ChecklistAnswer.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        ).select_related("item")
    )


def assessment_history(*, assessment: Assessment) -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(
        authority_id=assessment.authority_id, assessment=assessment
    ).select_related("actor", "dimension")


@dataclass
class Results:
    result: AssessmentResult
    dimensions: list[DimensionResult]
    strands: list[tuple[StrandResult, list[DimensionResult]]]


def assessment_results(*, assessment: Assessment) -> Results | None:
    """The stored results (computed by the worker), or None while they are being computed."""
    result = (
        AssessmentResult.objects.filter(authority_id=assessment.authority_id, assessment=assessment)
        .prefetch_related(
            Prefetch(
                "dimension_results",
                queryset=DimensionResult.objects.select_related("dimension__strand"),
            ),
            Prefetch("strand_results", queryset=StrandResult.objects.select_related("strand")),
        )
        .first()
    )
    if result is None:
        return None
    dimensions = list(result.dimension_results.all())
    by_strand: dict[int, list[DimensionResult]] = defaultdict(list)
    for row in dimensions:
        by_strand[row.dimension.strand_id].append(row)
    strands = [(s, by_strand[s.strand_id]) for s in result.strand_results.all()]
    return Results(result=result, dimensions=dimensions, strands=strands)


def rated_statements(*, assessment: Assessment) -> dict[int, list[StatementRating]]:
    """Each dimension's ratings (by dimension id), statement and level loaded, in model order."""
    grouped: dict[int, list[StatementRating]] = defaultdict(list)
    for rating in (
        StatementRating.objects.filter(
            authority_id=assessment.authority_id, answer__assessment=assessment
        )
        .select_related("statement__level", "answer")
        .order_by("statement__level__order", "statement__order")
    ):
        grouped[rating.answer.dimension_id].append(rating)
    return dict(grouped)
