"""Every write to rounds and assessments. Each is atomic, checks state first, and writes its
history rows in the same transaction (the one audited door for important writes)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.outbox import outbox_enqueue
from frameworks.models import ChecklistItem, Dimension, Statement, Strand

from . import scoring
from .models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    ChecklistAnswer,
    ChecklistStatus,
    DimensionAnswer,
    DimensionResult,
    HistoryEntry,
    HistoryKind,
    Round,
    StatementRating,
    StrandResult,
)

if TYPE_CHECKING:
    from accounts.models import Authority, User
    from frameworks.models import FrameworkVersion

COMPUTE_RESULTS_TASK = "assessments.tasks.compute_results"
# Longest notes or justification accepted (the forms say the same).
TEXT_MAX = 5000


class AssessmentError(Exception):
    """A change refused because of the assessment's state. The message is shown to the user."""


class NotEditable(AssessmentError):
    def __init__(self, assessment: Assessment) -> None:
        super().__init__(
            f"This assessment is {assessment.get_status_display().lower()}, so its answers "
            "cannot be changed."
        )


@dataclass(frozen=True)
class Change:
    """One change someone else made, for the conflict message."""

    actor: str
    at: datetime.datetime
    what: str
    before: str
    after: str


class EditConflict(AssessmentError):
    """The save was built on an out-of-date revision: someone else saved in between."""

    def __init__(self, *, changes: list[Change], current_revision: int) -> None:
        self.changes = changes
        self.current_revision = current_revision
        names = sorted({change.actor for change in changes}) or ["someone else"]
        super().__init__(
            f"{' and '.join(names)} changed this dimension while you were editing it. "
            "Your changes have not been saved. Check their changes below, then make yours again."
        )


class IncompleteAssessment(AssessmentError):
    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("You cannot submit the assessment yet. " + "; ".join(missing))


# --- Rounds ---------------------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    actor: User,
    name: str,
    framework_version: FrameworkVersion,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> Round:
    from frameworks.models import FrameworkVersion

    if framework_version.status != FrameworkVersion.Status.PUBLISHED:
        raise ValidationError(
            {"framework_version": "Choose a published version of the model for the round."}
        )
    new_round = Round(
        name=name.strip(),
        framework_version=framework_version,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=actor,
    )
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError(
            {"closes_on": "The closing date must be on or after the opening date."}
        )
    new_round.full_clean()
    new_round.save()
    return new_round


# --- Starting -------------------------------------------------------------------------------------


def history_entry_build(
    assessment: Assessment,
    *,
    actor: User | None,
    kind: HistoryKind,
    subject: str = "",
    before: str = "",
    after: str = "",
    dimension_id: int | None = None,
    revision: int | None = None,
    at: datetime.datetime | None = None,
) -> HistoryEntry:
    """An unsaved history row for a change to the assessment (save it in the same transaction)."""
    return HistoryEntry(
        authority_id=assessment.authority_id,
        assessment=assessment,
        actor=actor,
        at=at or timezone.now(),
        kind=kind,
        subject=subject[:200],
        before=before,
        after=after,
        dimension_id=dimension_id,
        revision=revision,
    )


@transaction.atomic
def assessment_start(
    *,
    authority: Authority,
    round: Round,  # noqa: A002 - the domain's word
    actor: User,
    today: datetime.date | None = None,
) -> Assessment:
    """Start the authority's assessment for an open round, with an empty answer per dimension and
    per checklist item. An authority has at most one assessment per round."""
    today = today or timezone.localdate()
    if not round.is_open_on(today):
        raise AssessmentError(
            f"The {round.name} round is open from {round.opens_on:%-d %B %Y} to "
            f"{round.closes_on:%-d %B %Y}, so an assessment cannot be started today."
        )
    if Assessment.objects.filter(authority=authority, round=round).exists():
        raise AssessmentError(f"Your authority has already started its {round.name} assessment.")
    return _assessment_create(authority=authority, round=round, actor=actor)


def _assessment_create(
    *,
    authority: Authority,
    round: Round,
    actor: User | None,
    at: datetime.datetime | None = None,  # noqa: A002
) -> Assessment:
    at = at or timezone.now()
    version = round.framework_version
    assessment = Assessment(
        authority=authority,
        round=round,
        framework_version=version,
        started_by=actor,
        started_at=at,
        last_activity_at=at,
    )
    assessment.full_clean()
    assessment.save()
    DimensionAnswer.objects.bulk_create(
        DimensionAnswer(authority=authority, assessment=assessment, dimension=dimension)
        for dimension in Dimension.objects.filter(framework_version=version).order_by("order")
    )
    ChecklistAnswer.objects.bulk_create(
        ChecklistAnswer(authority=authority, assessment=assessment, item=item)
        for item in ChecklistItem.objects.filter(framework_version=version).order_by("order")
    )
    history_entry_build(
        assessment,
        actor=actor,
        kind=HistoryKind.STATUS,
        subject="Assessment",
        after="Started",
        at=at,
    ).save()
    return assessment


# --- Answering ------------------------------------------------------------------------------------


def _lock_answer(answer: DimensionAnswer) -> DimensionAnswer:
    """The answer read again under a row lock, with its assessment as it is now. The dimension and
    the assessment's framework version, which never change, are carried over from `answer` when it
    has them loaded."""
    loaded = answer._state.fields_cache
    locked = (
        DimensionAnswer.objects.select_for_update(of=("self",))
        .select_related("assessment", *([] if "dimension" in loaded else ["dimension"]))
        .get(pk=answer.pk, authority_id=answer.authority_id)
    )
    if "dimension" in loaded:
        locked.dimension = answer.dimension
    if "assessment" in loaded and "framework_version" in answer.assessment._state.fields_cache:
        locked.assessment.framework_version = answer.assessment.framework_version
    if not locked.assessment.is_editable:
        raise NotEditable(locked.assessment)
    return locked


def _refuse_if_stale(answer: DimensionAnswer, expected_revision: int) -> None:
    if answer.revision == expected_revision:
        return
    entries = (
        HistoryEntry.objects.filter(
            assessment_id=answer.assessment_id,
            dimension_id=answer.dimension_id,
            revision__gt=expected_revision,
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    changes = [
        Change(
            actor=str(entry.actor) if entry.actor else "Someone",
            at=entry.at,
            what=f"{entry.get_kind_display()}: {entry.subject}"
            if entry.subject
            else entry.get_kind_display(),
            before=entry.before,
            after=entry.after,
        )
        for entry in entries
    ]
    raise EditConflict(changes=changes, current_revision=answer.revision)


def _touch(answer: DimensionAnswer, actor: User, now: datetime.datetime) -> None:
    answer.revision += 1
    answer.updated_by = actor
    answer.updated_at = now
    Assessment.objects.filter(pk=answer.assessment_id).update(last_activity_at=now)


def _statement_label(statement: Statement, statements: Iterable[Statement]) -> str:
    """ "Developing statement 2: Information governance and ...", as people refer to it."""
    same_level = [
        s.pk for s in sorted(statements, key=lambda s: s.order) if s.level_id == statement.level_id
    ]
    number = same_level.index(statement.pk) + 1
    return f"{statement.level.name} statement {number}: {statement.text}"[:200]


def _rating_label(value: str) -> str:
    return scoring.Rating(value).label if value else "Not rated"


@transaction.atomic
def dimension_ratings_save(
    *,
    answer: DimensionAnswer,
    actor: User,
    expected_revision: int,
    ratings: Mapping[int, str],
    notes: str,
    loaded_statements: Iterable[Statement] | None = None,
    loaded_ratings: Iterable[StatementRating] | None = None,
) -> DimensionAnswer:
    """Save some or all of a dimension's statement ratings, and its notes. `ratings` maps statement
    ids (of this dimension only) to Rating values; statements left out keep their rating.

    A caller that has already read the dimension's statements (with their levels) and this
    answer's ratings may pass them in to spare reading them again. That is safe: every change to
    the ratings moves the answer's revision on, and the save goes ahead only when the locked
    answer is still at `expected_revision`, which the caller's page was built from before it read
    them; so rows read before the lock are the rows of that revision, or the save is refused as
    stale."""
    locked = _lock_answer(answer)
    _refuse_if_stale(locked, expected_revision)
    if loaded_statements is not None and loaded_ratings is not None:
        statements = {s.pk: s for s in loaded_statements}
        existing = {r.statement_id: r for r in loaded_ratings}
        if any(s.dimension_id != locked.dimension_id for s in statements.values()) or any(
            r.answer_id != locked.pk for r in existing.values()
        ):
            raise ValueError("The statements or ratings passed in are not this answer's.")
    else:
        statements = {s.pk: s for s in _statements_with_levels(locked)}
        existing = {r.statement_id: r for r in locked.ratings.all()}
    answer = locked
    unknown = set(ratings) - set(statements)
    if unknown:
        raise ValidationError("Some of the statements sent do not belong to this dimension.")
    for value in ratings.values():
        scoring.Rating(value)  # raises ValueError for anything else
    now = timezone.now()
    entries: list[HistoryEntry] = []
    to_create: list[StatementRating] = []
    to_update: list[StatementRating] = []
    for statement_id, value in ratings.items():
        current = existing.get(statement_id)
        if current is not None and current.rating == value:
            continue
        before = current.rating if current else ""
        if current is None:
            to_create.append(
                StatementRating(
                    authority_id=answer.authority_id,
                    answer=answer,
                    statement_id=statement_id,
                    rating=value,
                )
            )
        else:
            current.rating = value
            to_update.append(current)
        entries.append(
            history_entry_build(
                answer.assessment,
                actor=actor,
                kind=HistoryKind.RATING,
                subject=_statement_label(statements[statement_id], statements.values()),
                before=_rating_label(before),
                after=_rating_label(value),
                dimension_id=answer.dimension_id,
                at=now,
            )
        )
    notes = notes.strip()
    if len(notes) > TEXT_MAX:
        raise ValidationError({"notes": f"Notes must be {TEXT_MAX:,} characters or fewer"})
    if notes != answer.notes:
        entries.append(
            history_entry_build(
                answer.assessment,
                actor=actor,
                kind=HistoryKind.NOTES,
                subject=answer.dimension.name,
                before=answer.notes,
                after=notes,
                dimension_id=answer.dimension_id,
                at=now,
            )
        )
        answer.notes = notes
    if not entries:
        return answer
    StatementRating.objects.bulk_create(to_create)
    # One UPDATE per new value (there are three at most): far cheaper to build than bulk_update's
    # CASE over every row, and still a fixed number of queries whatever the number of statements.
    changed: dict[str, list[int]] = defaultdict(list)
    for rating in to_update:
        changed[rating.rating].append(rating.pk)
    for value, ids in changed.items():
        StatementRating.objects.filter(authority_id=answer.authority_id, pk__in=ids).update(
            rating=value
        )
    _touch(answer, actor, now)
    for entry in entries:
        entry.revision = answer.revision
    HistoryEntry.objects.bulk_create(entries)
    answer.save(update_fields=["notes", "revision", "updated_by", "updated_at"])
    return answer


def _statements_with_levels(answer: DimensionAnswer) -> list[Statement]:
    """The dimension's statements with their levels: the loaded `statements_list` of a dimension
    from `framework_contents_get`, or read now."""
    loaded = getattr(answer.dimension, "statements_list", None)
    if loaded is not None:
        return list(loaded)
    return list(
        answer.dimension.statements.select_related("level").order_by("level__order", "order")
    )


def dimension_suggestion(answer: DimensionAnswer) -> scoring.DimensionSuggestion | None:
    """The live suggestion from the saved ratings, or None until every statement is rated."""
    statements = _statements_with_levels(answer)
    rated = {r.statement_id: r.rating for r in answer.ratings.all()}
    if not statements or any(s.pk not in rated for s in statements):
        return None
    by_level: dict[int, list[str]] = {}
    for statement in statements:
        by_level.setdefault(statement.level.order, []).append(rated[statement.pk])
    return scoring.suggest(
        by_level, threshold=answer.assessment.framework_version.consistency_threshold
    )


@transaction.atomic
def dimension_level_confirm(
    *,
    answer: DimensionAnswer,
    actor: User,
    expected_revision: int,
    level: int,
    justification: str,
) -> DimensionAnswer:
    """Confirm the dimension's level. Every statement must be rated first; a level other than the
    suggested one needs a justification."""
    answer = _lock_answer(answer)
    _refuse_if_stale(answer, expected_revision)
    if level not in scoring.LEVELS:
        raise ValidationError({"level": "Choose a level from 1 to 4."})
    suggestion = dimension_suggestion(answer)
    if suggestion is None:
        raise ValidationError(
            {"level": "Rate every statement in this dimension before you confirm its level."}
        )
    justification = justification.strip()
    if len(justification) > TEXT_MAX:
        raise ValidationError(
            {"justification": f"The justification must be {TEXT_MAX:,} characters or fewer"}
        )
    if level != suggestion.suggested_level and not justification:
        raise ValidationError(
            {
                "justification": (
                    f"Explain why you chose level {level} when the suggested level is "
                    f"{suggestion.suggested_level}"
                )
            }
        )
    now = timezone.now()
    entries = []
    if answer.confirmed_level != level:
        entries.append(
            history_entry_build(
                answer.assessment,
                actor=actor,
                kind=HistoryKind.LEVEL,
                subject=answer.dimension.name,
                before=str(answer.confirmed_level or ""),
                after=str(level),
                dimension_id=answer.dimension_id,
                at=now,
            )
        )
    if answer.justification != justification:
        entries.append(
            history_entry_build(
                answer.assessment,
                actor=actor,
                kind=HistoryKind.JUSTIFICATION,
                subject=answer.dimension.name,
                before=answer.justification,
                after=justification,
                dimension_id=answer.dimension_id,
                at=now,
            )
        )
    if not entries:
        return answer
    answer.confirmed_level = level
    answer.justification = justification
    _touch(answer, actor, now)
    for entry in entries:
        entry.revision = answer.revision
    HistoryEntry.objects.bulk_create(entries)
    answer.save(
        update_fields=["confirmed_level", "justification", "revision", "updated_by", "updated_at"]
    )
    return answer


@transaction.atomic
def dimension_assign(
    *, answer: DimensionAnswer, actor: User, assignee: User | None
) -> DimensionAnswer:
    """Assign a dimension to one of the authority's officers or leads (or to nobody)."""
    from accounts.models import Membership, MembershipRole

    answer = _lock_answer(answer)
    if (
        assignee is not None
        and not Membership.objects.filter(
            authority_id=answer.authority_id,
            user=assignee,
            role__in=[MembershipRole.OFFICER, MembershipRole.AUTHORITY_LEAD],
            user__is_active=True,
        ).exists()
    ):
        raise ValidationError({"assignee": "Choose someone who can edit this authority's answers."})
    if answer.assigned_to_id == (assignee.pk if assignee else None):
        return answer
    before = str(answer.assigned_to) if answer.assigned_to_id else "Nobody"
    answer.assigned_to = assignee
    answer.save(update_fields=["assigned_to"])
    history_entry_build(
        answer.assessment,
        actor=actor,
        kind=HistoryKind.ASSIGNMENT,
        subject=answer.dimension.name,
        before=before,
        after=str(assignee) if assignee else "Nobody",
        dimension_id=answer.dimension_id,
    ).save()
    return answer


@transaction.atomic
def checklist_save(
    *, assessment: Assessment, actor: User, answers: Mapping[int, tuple[str, str]]
) -> None:
    """Save checklist answers: item id -> (status, note). Blank status leaves it unanswered."""
    assessment = Assessment.objects.select_for_update().get(
        pk=assessment.pk, authority_id=assessment.authority_id
    )
    if not assessment.is_editable:
        raise NotEditable(assessment)
    rows = {row.item_id: row for row in assessment.checklist_answers.select_related("item")}
    if set(answers) - set(rows):
        raise ValidationError("Some of the checklist items sent do not belong to this assessment.")
    now = timezone.now()
    changed, entries = [], []
    labels = dict(ChecklistStatus.choices)
    for item_id, (status, note) in answers.items():
        if status and status not in labels:
            raise ValidationError({"status": f"Unknown answer: {status}"})
        row = rows[item_id]
        note = note.strip()
        if row.status == status and row.note == note:
            continue
        entries.append(
            history_entry_build(
                assessment,
                actor=actor,
                kind=HistoryKind.CHECKLIST,
                subject=row.item.text[:200],
                before=" – ".join(filter(None, [labels.get(row.status, ""), row.note])),
                after=" – ".join(filter(None, [labels.get(status, ""), note])),
                at=now,
            )
        )
        row.status, row.note, row.updated_by, row.updated_at = status, note, actor, now
        row.full_clean()
        changed.append(row)
    if changed:
        ChecklistAnswer.objects.bulk_update(changed, ["status", "note", "updated_by", "updated_at"])
        HistoryEntry.objects.bulk_create(entries)
        Assessment.objects.filter(pk=assessment.pk).update(last_activity_at=now)


# --- Submitting -----------------------------------------------------------------------------------


def assessment_missing(*, assessment: Assessment) -> list[str]:
    """Everything that stops the assessment being submitted, in plain words."""
    from .selectors import assessment_task_list

    missing: list[str] = []
    tasks = assessment_task_list(assessment=assessment)
    if tasks.checklist_unanswered:
        missing.append(
            f"Pre-model checklist: {tasks.checklist_unanswered} of {tasks.checklist_total} "
            "items not answered"
        )
    for strand in tasks.strands:
        for row in strand.dimensions:
            missing.extend(f"{row.name}: {problem}" for problem in row.problems)
    return missing


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor: User) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(
        pk=assessment.pk, authority_id=assessment.authority_id
    )
    if not assessment.is_editable:
        raise NotEditable(assessment)
    missing = assessment_missing(assessment=assessment)
    if missing:
        raise IncompleteAssessment(missing)
    before = assessment.get_status_display()
    now = timezone.now()
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = actor
    assessment.submission_count += 1
    assessment.results_revision += 1
    assessment.last_activity_at = now
    assessment.full_clean()
    assessment.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by",
            "submission_count",
            "results_revision",
            "last_activity_at",
        ]
    )
    history_entry_build(
        assessment,
        actor=actor,
        kind=HistoryKind.STATUS,
        subject="Assessment",
        before=before,
        after=assessment.get_status_display(),
        at=now,
    ).save()
    results_request(assessment=assessment)
    from notifications.models import NotificationKind
    from notifications.services import assessment_event_notify

    assessment_event_notify(assessment=assessment, kind=NotificationKind.SUBMITTED, actor=actor)
    return assessment


def results_request(*, assessment: Assessment) -> None:
    """Ask the worker to compute the assessment's results for its current results revision.
    Recorded in the outbox in the caller's transaction, so it survives a broker outage."""
    outbox_enqueue(
        task_name=COMPUTE_RESULTS_TASK,
        kwargs={"assessment_id": assessment.pk, "revision": assessment.results_revision},
    )


# --- Results (the worker) -------------------------------------------------------------------------


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.0001"))


@transaction.atomic
def assessment_results_compute(*, assessment_id: int, revision: int) -> AssessmentResult | None:
    """Compute and store the results for one results revision. Idempotent: a revision already
    stored (or superseded) is skipped, so a retried or duplicated task does nothing twice."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("framework_version")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or revision < assessment.results_revision:
        return None  # gone, or a newer revision has been requested: that task will do it
    existing = AssessmentResult.objects.filter(assessment=assessment).first()
    if existing is not None and existing.revision >= revision:
        return existing
    version = assessment.framework_version
    answers = list(
        assessment.dimension_answers.select_related("dimension__strand").prefetch_related(
            "ratings__statement__level"
        )
    )
    strands = list(Strand.objects.filter(framework_version=version).order_by("order"))
    from reviews.models import Moderation

    # One query for the reviewer's moderated levels (a row with no level means "agreed").
    moderated = dict(
        Moderation.objects.filter(assessment=assessment, level__isnull=False).values_list(
            "answer_id", "level"
        )
    )
    inputs = []
    for answer in answers:
        by_level: dict[int, list[str]] = {}
        for rating in answer.ratings.all():
            by_level.setdefault(rating.statement.level.order, []).append(rating.rating)
        inputs.append(
            scoring.DimensionInput(
                key=answer.dimension.key,
                strand_key=answer.dimension.strand.key,
                ratings_by_level=by_level,
                confirmed_level=answer.confirmed_level,
                moderated_level=moderated.get(answer.pk),
            )
        )
    computed = scoring.score_assessment(
        scoring.AssessmentInput(
            strand_keys=[s.key for s in strands],
            dimensions=inputs,
            strand_rule=version.strand_rule,
            threshold=version.consistency_threshold,
        )
    )
    if existing is not None:
        existing.delete()
    result = AssessmentResult(
        authority_id=assessment.authority_id,
        assessment=assessment,
        rule_version=computed.rule_version,
        revision=revision,
        overall_level=computed.overall.level,
        overall_score=_decimal(computed.overall.score),
    )
    result.full_clean()
    result.save()
    DimensionResult.objects.bulk_create(
        DimensionResult(
            authority_id=assessment.authority_id,
            result=result,
            dimension=answer.dimension,
            suggested_level=computed.dimensions[answer.dimension.key].suggested_level,
            confirmed_level=answer.confirmed_level,
            moderated_level=computed.dimensions[answer.dimension.key].moderated_level,
            level=computed.dimensions[answer.dimension.key].level,
            score=_decimal(computed.dimensions[answer.dimension.key].score),
            spread=_decimal(computed.dimensions[answer.dimension.key].spread),
            flagged=computed.dimensions[answer.dimension.key].flagged,
        )
        for answer in answers
    )
    StrandResult.objects.bulk_create(
        StrandResult(
            authority_id=assessment.authority_id,
            result=result,
            strand=strand,
            level=computed.strands[strand.key].level,
            score=_decimal(computed.strands[strand.key].score),
        )
        for strand in strands
    )
    if assessment.status == AssessmentStatus.AGREED:
        # Benchmarks pool agreed results: recompute the round's once these are stored.
        from benchmarking.services import benchmarks_request

        benchmarks_request(round_id=assessment.round_id)
    return result
