"""Demo assessments: two past rounds and the current one, for the fictional demo authorities.

``manage.py seed_demo`` calls :func:`seed` after the accounts demo data (it is listed in
``settings.PORTAL_DEMO_SEEDERS``). It needs the shipped model (``dmm-early-help`` 1.0) loaded
first, as ``load_initial_data`` does; without it, it says so and seeds nothing.

- Every demo authority has a *maturity profile* drawn from ``random.Random`` seeded with its ONS
  code: a starting maturity, a per-dimension strength or weakness, and a rate of improvement. So
  levels differ between authorities and between dimensions, improve from round to round, and are
  the same on every run (:func:`plan_assessment` is a pure function of the code, the round and
  the model's shape).
- Ratings fit the intended level under the scoring rule (DESIGN.md section 5: each level's
  statements describe an authority *at* that level, so the level that fits best is mostly "fully
  describes us", its neighbours "partly", distant levels "does not describe us"). Some dimensions
  also claim a distant level, so that the worker flags them as pulling in different directions.
  Confirmed levels mostly equal the suggestion; now and then they are one off, with a
  justification.
- Past rounds: most authorities answered, submitted and were agreed by their area lead.
- Current round: a spread of every state (not started, in progress, submitted, returned, agreed).
  The demo leads and officers printed by ``seed_demo`` find: Mardleshire and Ashcombe Vale in
  progress (Ashcombe Vale has one dimension left, assigned to its officer), Irongate returned by
  its area lead, Thamesreach not started.

How it is written, and why:

- The current round's assessments of the authorities with demo accounts, and every in-progress
  one, are answered through the assessment services (assessment start, assignment, checklist,
  ratings, level confirmation), exactly as people would, so their history and revisions are the
  real thing.
- Finished assessments nobody will edit (the past rounds; the current round's finished ones of
  authorities without demo accounts) are written directly, with the same rows and history the
  services would write: the services take a few dozen queries per dimension, and ``seed_demo``
  must stay quick.
- Submitting, returning and agreeing are recorded by small demo-only helpers
  (:func:`_demo_submit_directly`, :func:`_demo_review_status_set`) that write what the real
  services write (status, dates, history row, the reviewer's comment) without their side
  effects: submissions and reviews dated weeks or months ago must not notify anyone today. The
  results are computed at once by the worker's service, ``assessment_results_compute``.
- The services stamp everything "now"; :func:`_backdate` then moves each assessment's history, in
  order, to weekday working hours within the round's dates, with the timestamps that go with it.

Idempotent: an authority that already has an assessment in a round is left alone.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from . import scoring, services
from .models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    ChecklistAnswer,
    ChecklistStatus,
    DimensionAnswer,
    HistoryEntry,
    HistoryKind,
    Round,
    StatementRating,
)
from .scoring import Rating

if TYPE_CHECKING:
    from accounts.models import Authority, User
    from frameworks.models import FrameworkVersion

FRAMEWORK_SLUG = "dmm-early-help"
FRAMEWORK_VERSION = "1.0"
LONDON = ZoneInfo("Europe/London")
# Stands in for a moment until _backdate moves it into the round (never left in the database).
PLACEHOLDER_TIME = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _rng(seed: str) -> random.Random:
    """A generator seeded from a string: the same numbers on every run and every machine (string
    seeds do not depend on PYTHONHASHSEED). For demo data, not for anything secret."""
    return random.Random(seed)  # noqa: S311


@dataclass(frozen=True)
class DemoRound:
    name: str
    opens_on: datetime.date
    closes_on: datetime.date


# Oldest first. The current round stays open well into 2027.
ROUNDS: tuple[DemoRound, ...] = (
    DemoRound("2024 to 2025", datetime.date(2024, 10, 1), datetime.date(2025, 3, 31)),
    DemoRound("2025 to 2026", datetime.date(2025, 10, 1), datetime.date(2026, 3, 31)),
    DemoRound("2026 to 2027", datetime.date(2026, 10, 1), datetime.date(2027, 7, 30)),
)
CURRENT = len(ROUNDS) - 1

NOT_STARTED = "not_started"  # no assessment in the round
STATES = (
    NOT_STARTED,
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.AGREED,
)

# The authorities whose lead and officer seed_demo prints (accounts.demo.STAFFED), and what they
# find in the current round.
STAFFED_CURRENT: dict[str, str] = {
    "Mardleshire": AssessmentStatus.IN_PROGRESS,
    "Ashcombe Vale": AssessmentStatus.IN_PROGRESS,
    "Irongate": AssessmentStatus.RETURNED,
    "Thamesreach": NOT_STARTED,
}
NEARLY_DONE = "Ashcombe Vale"  # one dimension left, assigned to its officer
# The other demo authorities, in ONS code order, take these states in turn.
OTHERS_CYCLE: tuple[str, ...] = (
    AssessmentStatus.AGREED,
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.IN_PROGRESS,
    NOT_STARTED,
    AssessmentStatus.AGREED,
    AssessmentStatus.RETURNED,
    AssessmentStatus.IN_PROGRESS,
    AssessmentStatus.SUBMITTED,
)
# Authorities that only joined later (no assessment in the earlier rounds), by round index.
LATE_JOINERS: dict[int, frozenset[str]] = {
    0: frozenset({"Saltings", "Isle of Kell", "Norbridge Fields"}),
    1: frozenset({"Saltings"}),
}

NOTES = (
    "Agreed at the early help data working group.",
    "Evidence is held by the performance team; links to follow.",
    "Health partners have not yet signed the protocol, which holds this back.",
    "The new case management system goes live in the spring.",
    "Ratings checked with the early help coordinator and the data lead.",
    "A mixed picture across districts: some are further ahead than others.",
    "Police data now arrives monthly; schools data is still termly.",
)
JUSTIFICATIONS = (
    "Work finished since we drafted the ratings puts us at this level.",
    "The statements at the suggested level do not reflect our partnership arrangements; we agreed "
    "this level with partners.",
    "Our new system is live in only half of the service, so we have taken the more cautious level.",
    "Discussed at the data board: the suggested level overstates how widely this is used.",
)
CHECKLIST_NOTES = (
    "Agreement with health partners is in draft.",
    "Being refreshed after the restructure.",
    "Covered for most services; schools are still to sign.",
    "Recruiting to the post now.",
    "Reviewed annually by the information governance board.",
)
RETURN_COMMENTS = (
    "Please explain the confirmed level for data systems and add the data sharing protocols you "
    "mention in your notes.",
    "Several dimensions are flagged as pulling in different directions: please check the ratings "
    "with your partners and resubmit.",
)
AGREE_COMMENT = "Levels agreed at the review meeting."


# --- The plan: pure functions of the authority's code, the round and the model's shape ----------


@dataclass(frozen=True)
class DimensionShape:
    key: str
    statements: tuple[tuple[str, int], ...]  # (statement key, level 1-4), in model order


@dataclass(frozen=True)
class ModelShape:
    dimensions: tuple[DimensionShape, ...]
    checklist_keys: tuple[str, ...]
    threshold: float = scoring.DEFAULT_SPREAD_THRESHOLD


@dataclass(frozen=True)
class MaturityProfile:
    """How mature an authority is: where it started, where it is stronger or weaker, how fast it
    improves (levels per round)."""

    start: float
    growth: float
    offsets: dict[str, float]

    def target_level(self, code: str, dimension_key: str, round_index: int) -> int:
        wobble = _rng(f"{code}/{dimension_key}/{round_index}").gauss(0, 0.12)
        value = self.start + self.offsets[dimension_key] + self.growth * round_index + wobble
        return min(scoring.MAX_LEVEL, max(scoring.MIN_LEVEL, round(value)))


def maturity_profile(code: str, dimension_keys: Iterable[str]) -> MaturityProfile:
    rng = _rng(code)
    start = rng.uniform(1.4, 3.0)
    growth = rng.uniform(0.3, 0.6)
    offsets = {key: _rng(f"{code}/{key}").gauss(0, 0.45) for key in dimension_keys}
    return MaturityProfile(start=start, growth=growth, offsets=offsets)


@dataclass(frozen=True)
class DimensionPlan:
    key: str
    target_level: int
    ratings: dict[str, Rating]  # by statement key
    suggested_level: int
    confirmed_level: int
    justification: str
    notes: str


@dataclass(frozen=True)
class AssessmentPlan:
    dimensions: tuple[DimensionPlan, ...]
    checklist: dict[str, tuple[str, str]]  # item key -> (status, note)


# Chance of each rating by the statement's distance from the intended level (statement level minus
# intended level): (fully, partly, not at all).
_RATING_WEIGHTS: dict[int, tuple[float, float, float]] = {
    0: (0.72, 0.25, 0.03),
    -1: (0.15, 0.5, 0.35),
    1: (0.05, 0.35, 0.6),
}
_FAR_WEIGHTS = (0.0, 0.1, 0.9)
MIXED_CHANCE = 0.12  # a dimension that also claims a distant level
OFF_BY_ONE_CHANCE = 0.12  # a confirmed level one away from the suggestion


def _rating(draw: float, distance: int) -> Rating:
    """The rating of a statement `distance` levels above (or below) the intended level. `draw`
    (0-1) is the authority's own, the same every round, so a statement's rating changes only when
    the authority's level does, and then in the expected direction."""
    fully, partly, _ = _RATING_WEIGHTS.get(distance, _FAR_WEIGHTS)
    if draw < fully:
        return Rating.FULLY
    return Rating.PARTLY if draw < fully + partly else Rating.NOT_AT_ALL


def _dimension_plan(
    code: str, shape: DimensionShape, target: int, round_index: int, threshold: float
) -> DimensionPlan:
    rng = _rng(f"{code}/{shape.key}/{round_index}/ratings")
    ratings = {
        key: _rating(_rng(f"{code}/{key}").random(), level - target)
        for key, level in shape.statements
    }
    if rng.random() < MIXED_CHANCE:
        far = [level for level in scoring.LEVELS if abs(level - target) >= 2]
        claimed = rng.choice(far)
        for key, level in shape.statements:
            if level == claimed:
                ratings[key] = Rating.FULLY if rng.random() < 0.6 else Rating.PARTLY
    by_level: dict[int, list[str]] = {}
    for key, level in shape.statements:
        by_level.setdefault(level, []).append(ratings[key])
    suggested = scoring.suggest(by_level, threshold=threshold).suggested_level
    confirmed, justification = suggested, ""
    if rng.random() < OFF_BY_ONE_CHANCE:
        # Towards the level the authority believes it is at, or either way when they agree.
        step = (1 if target > suggested else -1) if target != suggested else rng.choice((-1, 1))
        confirmed = min(scoring.MAX_LEVEL, max(scoring.MIN_LEVEL, suggested + step))
        if confirmed != suggested:
            justification = rng.choice(JUSTIFICATIONS)
    notes = rng.choice(NOTES) if rng.random() < 0.35 else ""
    return DimensionPlan(
        key=shape.key,
        target_level=target,
        ratings=ratings,
        suggested_level=suggested,
        confirmed_level=confirmed,
        justification=justification,
        notes=notes,
    )


def plan_assessment(code: str, round_index: int, shape: ModelShape) -> AssessmentPlan:
    """Everything one authority answers in one round. Deterministic."""
    profile = maturity_profile(code, [d.key for d in shape.dimensions])
    dimensions = tuple(
        _dimension_plan(
            code,
            dimension,
            profile.target_level(code, dimension.key, round_index),
            round_index,
            shape.threshold,
        )
        for dimension in shape.dimensions
    )
    rng = _rng(f"{code}/checklist/{round_index}")
    in_place = min(0.95, 0.3 + 0.15 * (profile.start - 1) + 0.2 * round_index)
    checklist = {}
    for key in shape.checklist_keys:
        draw = rng.random()
        if draw < in_place:
            checklist[key] = (ChecklistStatus.IN_PLACE.value, "")
        else:
            status = (
                ChecklistStatus.PARTLY
                if draw < in_place + 0.6 * (1 - in_place)
                else (ChecklistStatus.NOT_YET)
            )
            checklist[key] = (status.value, rng.choice(CHECKLIST_NOTES))
    return AssessmentPlan(dimensions=dimensions, checklist=checklist)


def current_round_states(authorities: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The state of each authority (name, ONS code) in the current round."""
    states = {}
    others = sorted((code, name) for name, code in authorities if name not in STAFFED_CURRENT)
    for position, (_code, name) in enumerate(others):
        states[name] = OTHERS_CYCLE[position % len(OTHERS_CYCLE)]
    for name, _code in authorities:
        if name in STAFFED_CURRENT:
            states[name] = STAFFED_CURRENT[name]
    return states


def wanted_state(name: str, round_index: int, current: dict[str, str]) -> str:
    if round_index == CURRENT:
        return current[name]
    if name in LATE_JOINERS.get(round_index, ()):
        return NOT_STARTED
    return AssessmentStatus.AGREED


# --- Writing it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """Who answers for an authority. Authorities without demo accounts answer as nobody (the
    history shows "The service")."""

    lead: User | None
    officers: tuple[User, ...]
    reviewer: User | None  # the area lead

    def answerer(self, position: int) -> User | None:
        team = [*self.officers, self.lead] if self.officers else [self.lead]
        return team[position % len(team)]


def _people(authority: Authority) -> People:
    from accounts.models import AreaAssignment, Membership, MembershipRole

    memberships = list(
        Membership.objects.filter(authority=authority, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    leads = [m.user for m in memberships if m.role == MembershipRole.AUTHORITY_LEAD]
    officers = tuple(m.user for m in memberships if m.role == MembershipRole.OFFICER)
    assignment = (
        AreaAssignment.objects.filter(area_id=authority.area_id)
        .select_related("user")
        .order_by("user__email")
        .first()
        if authority.area_id
        else None
    )
    return People(
        lead=leads[0] if leads else None,
        officers=officers,
        reviewer=assignment.user if assignment else None,
    )


@dataclass(frozen=True)
class _Model:
    """The framework version's rows, by key, with its plain shape for the plan."""

    shape: ModelShape
    statement_ids: dict[str, int]
    statement_labels: dict[str, str]
    item_ids: dict[str, int]
    item_texts: dict[str, str]
    dimension_ids: dict[str, int]
    dimension_names: dict[str, str]


def _model(version: FrameworkVersion) -> _Model:
    from frameworks.models import ChecklistItem, Dimension, Statement

    dimensions = list(
        Dimension.objects.filter(framework_version=version).order_by("strand__order", "order")
    )
    statements: dict[int, list[tuple[str, int]]] = {}
    statement_ids = {}
    rows = list(
        Statement.objects.filter(framework_version=version)
        .select_related("level")
        .order_by("level__order", "order")
    )
    by_dimension: dict[int, list[Statement]] = {}
    for statement in rows:
        by_dimension.setdefault(statement.dimension_id, []).append(statement)
        statements.setdefault(statement.dimension_id, []).append(
            (statement.key, statement.level.order)
        )
        statement_ids[statement.key] = statement.pk
    # The names the history gives statements ("Developing statement 2: ..."), as the services do.
    statement_labels = {
        s.key: services._statement_label(s, by_dimension[s.dimension_id]) for s in rows
    }
    items = list(ChecklistItem.objects.filter(framework_version=version).order_by("order"))
    shape = ModelShape(
        dimensions=tuple(
            DimensionShape(key=d.key, statements=tuple(statements.get(d.pk, ())))
            for d in dimensions
        ),
        checklist_keys=tuple(item.key for item in items),
        threshold=float(version.consistency_threshold),
    )
    return _Model(
        shape=shape,
        statement_ids=statement_ids,
        statement_labels=statement_labels,
        item_ids={item.key: item.pk for item in items},
        item_texts={item.key: item.text for item in items},
        dimension_ids={d.key: d.pk for d in dimensions},
        dimension_names={d.key: d.name for d in dimensions},
    )


def _demo_review_status_set(
    assessment: Assessment, *, status: str, actor: User | None, comment: str
) -> None:
    """Demo only: record that the area lead returned or agreed a submitted assessment, writing
    what ``reviews.services.assessment_return`` and ``assessment_agree`` write (the status, the
    history row, the reviewer's comment; on agreement the date and a results revision, whose
    results are computed at once) but not their notifications, which would go out today, by
    email too, for reviews dated weeks or months ago."""
    from reviews.models import ReviewComment, ReviewCommentKind

    if assessment.status != AssessmentStatus.SUBMITTED:
        raise services.AssessmentError("Only a submitted assessment can be returned or agreed.")
    before = assessment.get_status_display()
    now = timezone.now()
    assessment.status = status
    assessment.last_activity_at = now
    fields = ["status", "last_activity_at"]
    if status == AssessmentStatus.AGREED:
        assessment.agreed_at = now
        assessment.results_revision += 1
        fields += ["agreed_at", "results_revision"]
    assessment.full_clean()
    assessment.save(update_fields=fields)
    services.history_entry_build(
        assessment,
        actor=actor,
        at=now,
        kind=HistoryKind.STATUS,
        subject="Assessment",
        before=before,
        after=assessment.get_status_display(),
    ).save()
    ReviewComment.objects.create(
        authority_id=assessment.authority_id,
        assessment=assessment,
        kind=ReviewCommentKind(status),
        text=comment,
        submission_number=assessment.submission_count,
        author=actor,
        at=now,
    )
    if status == AssessmentStatus.AGREED:
        services.assessment_results_compute(
            assessment_id=assessment.pk, revision=assessment.results_revision
        )


def _answer_dimension(
    answer: DimensionAnswer,
    plan: DimensionPlan,
    model: _Model,
    actor: User | None,
    *,
    only: int | None = None,
) -> None:
    """Rate the dimension's statements (the first `only` of them, leaving it in progress) and,
    when all are rated, confirm its level."""
    ratings = {model.statement_ids[key]: rating.value for key, rating in plan.ratings.items()}
    if only is not None:
        ratings = dict(list(ratings.items())[:only])
    answer = services.dimension_ratings_save(
        answer=answer,
        actor=actor,
        expected_revision=answer.revision,
        ratings=ratings,
        notes=plan.notes if only is None else "",
    )
    if only is None:
        services.dimension_level_confirm(
            answer=answer,
            actor=actor,
            expected_revision=answer.revision,
            level=plan.confirmed_level,
            justification=plan.justification,
        )


def _assessment_write_directly(
    authority: Authority,
    round_obj: Round,
    plan: AssessmentPlan,
    model: _Model,
    people: People,
    started_at: datetime.datetime,
) -> Assessment:
    """Start and answer a whole assessment at once, writing the rows the services would write:
    the assessment, its answers, ratings and checklist answers, and one history row per change
    with the revisions the services would give (ratings and notes at revision 1, the level at 2).

    For speed, for assessments nobody will edit (past rounds, and finished ones in the current
    round of authorities without demo accounts): the services take a few dozen queries per
    dimension. Each step is stamped with its own placeholder time, which :func:`_backdate` then
    moves into the round, as it does the services' "now"."""
    steps = iter(range(1_000_000))

    def step() -> datetime.datetime:
        return PLACEHOLDER_TIME + datetime.timedelta(seconds=next(steps))

    assessment = Assessment(
        authority=authority,
        round=round_obj,
        framework_version_id=round_obj.framework_version_id,
        started_by=people.lead,
        started_at=started_at,
        last_activity_at=started_at,
    )
    assessment.full_clean()
    assessment.save()

    def entry(**fields) -> HistoryEntry:
        return services.history_entry_build(assessment, **fields)

    entries = [
        entry(
            actor=people.lead,
            at=started_at,
            kind=HistoryKind.STATUS,
            subject="Assessment",
            after="Started",
        )
    ]
    labels = dict(ChecklistStatus.choices)
    at = step()
    checklist = []
    for key, (status, note) in plan.checklist.items():
        checklist.append(
            ChecklistAnswer(
                authority=authority,
                assessment=assessment,
                item_id=model.item_ids[key],
                status=status,
                note=note,
                updated_by=people.lead,
                updated_at=at,
            )
        )
        entries.append(
            entry(
                actor=people.lead,
                at=at,
                kind=HistoryKind.CHECKLIST,
                subject=model.item_texts[key][:200],
                after=" – ".join(filter(None, [labels[status], note])),
            )
        )
    ChecklistAnswer.objects.bulk_create(checklist)

    answers = []
    for position, dimension in enumerate(plan.dimensions):
        actor = people.answerer(position)
        rated_at, confirmed_at = step(), step()
        answers.append(
            DimensionAnswer(
                authority=authority,
                assessment=assessment,
                dimension_id=model.dimension_ids[dimension.key],
                confirmed_level=dimension.confirmed_level,
                justification=dimension.justification,
                notes=dimension.notes,
                revision=2,
                updated_by=actor,
                updated_at=confirmed_at,
            )
        )
        common = {"actor": actor, "dimension_id": model.dimension_ids[dimension.key]}
        name = model.dimension_names[dimension.key]
        entries.extend(
            entry(
                **common,
                at=rated_at,
                kind=HistoryKind.RATING,
                subject=model.statement_labels[key],
                before="Not rated",
                after=rating.label,
                revision=1,
            )
            for key, rating in dimension.ratings.items()
        )
        if dimension.notes:
            entries.append(
                entry(
                    **common,
                    at=rated_at,
                    kind=HistoryKind.NOTES,
                    subject=name,
                    after=dimension.notes,
                    revision=1,
                )
            )
        entries.append(
            entry(
                **common,
                at=confirmed_at,
                kind=HistoryKind.LEVEL,
                subject=name,
                after=str(dimension.confirmed_level),
                revision=2,
            )
        )
        if dimension.justification:
            entries.append(
                entry(
                    **common,
                    at=confirmed_at,
                    kind=HistoryKind.JUSTIFICATION,
                    subject=name,
                    after=dimension.justification,
                    revision=2,
                )
            )
    DimensionAnswer.objects.bulk_create(answers)
    StatementRating.objects.bulk_create(
        StatementRating(
            authority=authority,
            answer=answer,
            statement_id=model.statement_ids[key],
            rating=rating.value,
        )
        for answer, dimension in zip(answers, plan.dimensions, strict=True)
        for key, rating in dimension.ratings.items()
    )
    HistoryEntry.objects.bulk_create(entries)
    return assessment


def _answer_through_services(
    assessment: Assessment,
    plan: AssessmentPlan,
    model: _Model,
    people: People,
    *,
    state: str,
    rng: random.Random,
) -> None:
    """Answer as the authority's people would, one service call at a time: in progress leaves
    some dimensions unanswered (shared out by the lead) and one half rated."""
    answers = {
        a.dimension_id: a
        for a in DimensionAnswer.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment
        )
    }
    by_key = {key: answers[pk] for key, pk in model.dimension_ids.items()}
    order = list(plan.dimensions)
    complete = len(order)
    checklist = dict(plan.checklist)
    partial: DimensionPlan | None = None
    if state == AssessmentStatus.IN_PROGRESS:
        rng.shuffle(order)
        if assessment.authority.name == NEARLY_DONE:
            complete = len(order) - 1
        else:
            complete = rng.randint(1, len(order) - 3)
            partial = order[complete]
            keys = list(checklist)
            checklist = {key: checklist[key] for key in keys[: rng.randint(0, len(keys) - 1)]}
        if people.lead is not None:
            # The lead shares the remaining dimensions out among the team.
            for position, dimension in enumerate(order[complete:]):
                assignee = people.answerer(position)
                if assignee is not None:
                    services.dimension_assign(
                        answer=by_key[dimension.key], actor=people.lead, assignee=assignee
                    )
    if checklist:
        services.checklist_save(
            assessment=assessment,
            actor=people.lead,
            answers={model.item_ids[key]: value for key, value in checklist.items()},
        )
    for position, dimension in enumerate(order[:complete]):
        _answer_dimension(by_key[dimension.key], dimension, model, people.answerer(position))
    if partial is not None:
        _answer_dimension(
            by_key[partial.key],
            partial,
            model,
            people.answerer(complete),
            only=rng.randint(1, len(partial.ratings) - 1),
        )


def _demo_submit_directly(assessment: Assessment, people: People) -> Assessment:
    """Demo only: record a finished assessment's submission as assessment_submit does (status,
    dates, counts and its history row), without the service's side effects: submissions dated
    weeks or months ago must not notify the area leads today (by email too), nor queue a results
    task each. The answers are complete by construction; the tests check it."""
    now = timezone.now()
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = people.lead
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
    services.history_entry_build(
        assessment,
        actor=people.lead,
        at=now,
        kind=HistoryKind.STATUS,
        subject="Assessment",
        before=AssessmentStatus.IN_PROGRESS.label,
        after=AssessmentStatus.SUBMITTED.label,
    ).save()
    return assessment


def _submit_and_review(
    assessment: Assessment, people: People, *, state: str, rng: random.Random
) -> None:
    assessment = _demo_submit_directly(assessment, people)
    if state != AssessmentStatus.AGREED:  # agreement computes them again, for its revision
        # What the worker does after a submission, done here so the results are there at once.
        services.assessment_results_compute(
            assessment_id=assessment.pk, revision=assessment.results_revision
        )
    if state == AssessmentStatus.RETURNED:
        _demo_review_status_set(
            assessment, status=state, actor=people.reviewer, comment=rng.choice(RETURN_COMMENTS)
        )
    elif state == AssessmentStatus.AGREED:
        _demo_review_status_set(
            assessment, status=state, actor=people.reviewer, comment=AGREE_COMMENT
        )


def _timeline(
    count: int, begin: datetime.datetime, end: datetime.datetime, rng: random.Random
) -> list[datetime.datetime]:
    """`count` ascending moments between begin and end, on weekdays in working hours."""
    moments = []
    for _ in range(count):
        moment = (begin + (end - begin) * rng.random()).astimezone(LONDON)
        day = moment.date()
        if day.weekday() >= 5:  # Saturday or Sunday: the Friday before
            day -= datetime.timedelta(days=day.weekday() - 4)
        if not datetime.time(9) <= moment.time() <= datetime.time(17, 30) or day != moment.date():
            minutes = rng.randint(9 * 60, 17 * 60 + 30)
            moment = datetime.datetime.combine(
                day, datetime.time(minutes // 60, minutes % 60, rng.randint(0, 59)), tzinfo=LONDON
            )
        moments.append(min(max(moment, begin), end))
    return sorted(moments)


def _backdate(
    assessment: Assessment,
    begin: datetime.datetime,
    end: datetime.datetime,
    rng: random.Random,
) -> None:
    """Move the assessment's history, in order, into the round's working days, and the timestamps
    that go with it. Each service call stamped its rows with one "now"; each call becomes one
    moment of the timeline."""
    from reviews.models import ReviewComment

    entries = list(HistoryEntry.objects.filter(assessment=assessment).order_by("id"))
    calls: list[datetime.datetime] = []
    for entry in entries:
        if not calls or calls[-1] != entry.at:
            calls.append(entry.at)
    moments = dict(zip(calls, _timeline(len(calls), begin, end, rng), strict=True))
    HistoryEntry.objects.filter(assessment=assessment).update(
        at=Case(*(When(at=call, then=Value(moment)) for call, moment in moments.items()))
    )
    for entry in entries:
        entry.at = moments[entry.at]

    answered: dict[int, datetime.datetime] = {}
    checklist_at = None
    submitted_at = agreed_at = returned_at = None
    for entry in entries:
        if entry.kind in (
            HistoryKind.RATING,
            HistoryKind.NOTES,
            HistoryKind.LEVEL,
            HistoryKind.JUSTIFICATION,
        ):
            answered[entry.dimension_id] = entry.at
        elif entry.kind == HistoryKind.CHECKLIST:
            checklist_at = entry.at
        elif entry.kind == HistoryKind.STATUS and entry.after == "Submitted":
            submitted_at = entry.at
        elif entry.kind == HistoryKind.STATUS and entry.after == "Agreed":
            agreed_at = entry.at
        elif entry.kind == HistoryKind.STATUS and entry.after == "Returned":
            returned_at = entry.at
    if answered:
        DimensionAnswer.objects.filter(
            assessment=assessment, dimension_id__in=list(answered)
        ).update(
            updated_at=Case(*(When(dimension_id=pk, then=Value(at)) for pk, at in answered.items()))
        )
    if checklist_at is not None:
        ChecklistAnswer.objects.filter(assessment=assessment, updated_at__isnull=False).update(
            updated_at=checklist_at
        )
    Assessment.objects.filter(pk=assessment.pk).update(
        started_at=entries[0].at,
        last_activity_at=entries[-1].at,
        submitted_at=submitted_at,
        agreed_at=agreed_at,
    )
    reviewed_at = agreed_at or returned_at
    if reviewed_at is not None:
        ReviewComment.objects.filter(assessment=assessment).update(at=reviewed_at)
    if submitted_at is not None:
        AssessmentResult.objects.filter(assessment=assessment).update(
            computed_at=(agreed_at or submitted_at) + datetime.timedelta(seconds=rng.randint(2, 40))
        )


def _window(
    demo_round: DemoRound, now: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    begin = datetime.datetime.combine(demo_round.opens_on, datetime.time(9), tzinfo=LONDON)
    end = datetime.datetime.combine(demo_round.closes_on, datetime.time(17, 30), tzinfo=LONDON)
    end = min(end, now - datetime.timedelta(minutes=5))
    if end <= begin:
        begin = end - datetime.timedelta(days=7)
    return begin, end


def _seed_one(
    authority: Authority,
    demo_round: DemoRound,
    round_obj: Round,
    round_index: int,
    state: str,
    model: _Model,
    people: People,
    now: datetime.datetime,
) -> None:
    rng = _rng(f"{authority.ons_code}/{demo_round.name}/journey")
    begin, end = _window(demo_round, now)
    plan = plan_assessment(authority.ons_code, round_index, model.shape)
    # The current round's assessments that demo accounts can open go through the services.
    through_services = round_index == CURRENT and (
        state == AssessmentStatus.IN_PROGRESS or people.lead is not None
    )
    if through_services:
        assessment = services._assessment_create(
            authority=authority, round=round_obj, actor=people.lead, at=begin
        )
        _answer_through_services(assessment, plan, model, people, state=state, rng=rng)
    else:
        assessment = _assessment_write_directly(authority, round_obj, plan, model, people, begin)
    if state != AssessmentStatus.IN_PROGRESS:
        _submit_and_review(assessment, people, state=state, rng=rng)
    # Each authority starts at 9 o'clock on a day in the first 40% of the window.
    first_day = (begin + (end - begin) * rng.uniform(0, 0.4)).astimezone(LONDON).date()
    start = max(begin, datetime.datetime.combine(first_day, datetime.time(9), tzinfo=LONDON))
    _backdate(assessment, start, end, rng)


def _round_get_or_open(
    demo_round: DemoRound, version: FrameworkVersion, actor: User | None
) -> Round:
    existing = Round.objects.filter(name=demo_round.name).first()
    if existing is not None:
        return existing
    created = services.round_open(
        actor=actor,
        name=demo_round.name,
        framework_version=version,
        opens_on=demo_round.opens_on,
        closes_on=demo_round.closes_on,
    )
    at = datetime.datetime.combine(
        demo_round.opens_on - datetime.timedelta(days=14), datetime.time(10), tzinfo=LONDON
    )
    Round.objects.filter(pk=created.pk).update(created_at=at)
    return created


def summary() -> str:
    """One line on the demo rounds and the current round's states, read from the database."""
    names = [r.name for r in ROUNDS]
    rounds = Round.objects.filter(name__in=names)
    assessments = Assessment.objects.filter(round__in=rounds, authority__is_demo=True)
    current = Round.objects.filter(name=ROUNDS[CURRENT].name).first()
    counts = dict.fromkeys(STATES, 0)
    if current is not None:
        from accounts.models import Authority

        demo = Authority.objects.filter(is_demo=True).count()
        for status in assessments.filter(round=current).values_list("status", flat=True):
            counts[status] += 1
        counts[NOT_STARTED] = demo - sum(counts.values())
    labels = dict(AssessmentStatus.choices) | {NOT_STARTED: "Not started"}
    spread = ", ".join(f"{labels[state].lower()} {counts[state]}" for state in STATES)
    return (
        f"Demo assessments: {rounds.count()} rounds, {assessments.count()} assessments "
        f"(current round {ROUNDS[CURRENT].name}: {spread})."
    )


@transaction.atomic
def seed_assessments(*, stdout: TextIO | None = None) -> None:
    """Create the demo rounds and assessments that are missing. See the module's docstring."""
    from accounts.models import Authority, User
    from frameworks.models import FrameworkVersion
    from frameworks.selectors import framework_version_get_published

    write = stdout.write if stdout is not None else (lambda _line: None)
    try:
        version = framework_version_get_published(FRAMEWORK_SLUG, FRAMEWORK_VERSION)
    except FrameworkVersion.DoesNotExist:
        write(
            f"Demo assessments skipped: the model {FRAMEWORK_SLUG} {FRAMEWORK_VERSION} is not "
            "loaded (run `manage.py load_initial_data`, or `manage.py load_framework "
            "fixtures/frameworks/dmm-early-help-1.0.yaml` and seed_demo again)."
        )
        return
    authorities = list(Authority.objects.filter(is_demo=True).order_by("ons_code"))
    admin = User.objects.filter(is_national_admin=True, is_active=True).order_by("email").first()
    model = _model(version)
    current = current_round_states([(a.name, a.ons_code) for a in authorities])
    now = timezone.now()
    people = {a.pk: _people(a) for a in authorities}
    for round_index, demo_round in enumerate(ROUNDS):
        round_obj = _round_get_or_open(demo_round, version, admin)
        done = set(
            Assessment.objects.filter(round=round_obj).values_list("authority_id", flat=True)
        )
        for authority in authorities:
            state = wanted_state(authority.name, round_index, current)
            if state == NOT_STARTED or authority.pk in done:
                continue
            _seed_one(
                authority,
                demo_round,
                round_obj,
                round_index,
                state,
                model,
                people[authority.pk],
                now,
            )
    write(summary())


def seed(data, stdout: TextIO) -> None:
    """The ``PORTAL_DEMO_SEEDERS`` hook: seed_demo calls it after the accounts demo data."""
    seed_assessments(stdout=stdout)
