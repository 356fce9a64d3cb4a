"""The demo assessments that `manage.py seed_demo` adds (assessments/demo.py).

Seeding takes a few seconds, so the module seeds once (`seeded`) inside a transaction that is
rolled back at the end; each test runs in its own savepoint on top of it."""

import datetime
import io
import statistics
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max

from accounts import permissions
from accounts.models import Authority, Membership, MembershipRole, User
from assessments import demo, scoring
from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    DimensionAnswer,
    DimensionResult,
    HistoryEntry,
    HistoryKind,
    Round,
    StatementRating,
)
from assessments.selectors import TaskStatus, assessment_task_list
from assessments.services import COMPUTE_RESULTS_TASK
from benchmarking.services import RECOMPUTE_TASK
from core.models import OutboxTask
from tests.factories.frameworks import shipped_framework_version

CURRENT = demo.ROUNDS[-1].name
PAST = [r.name for r in demo.ROUNDS[:-1]]


def seed_demo() -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        shipped_framework_version()
        lines = seed_demo()
        yield lines
        transaction.set_rollback(True)


def levels_snapshot() -> dict[tuple[str, str, str], tuple]:
    """Every stored answer: (authority code, round, dimension) -> level, justification, ratings."""
    ratings = defaultdict(list)
    for answer_id, key, value in StatementRating.objects.values_list(
        "answer_id", "statement__key", "rating"
    ):
        ratings[answer_id].append((key, value))
    return {
        (a.authority.ons_code, a.assessment.round.name, a.dimension.key): (
            a.confirmed_level,
            a.justification,
            a.notes,
            sorted(ratings[a.pk]),
        )
        for a in DimensionAnswer.objects.select_related(
            "authority", "assessment__round", "dimension"
        )
    }


def states(round_name: str) -> dict[str, str]:
    current = dict(
        Assessment.objects.filter(round__name=round_name).values_list("authority__name", "status")
    )
    return {
        a.name: current.get(a.name, demo.NOT_STARTED)
        for a in Authority.objects.filter(is_demo=True)
    }


def test_seed_demo_prints_a_summary_of_the_rounds_and_states(seeded):
    summary = [line for line in seeded if line.startswith("Demo assessments:")]
    assert summary == [demo.summary()]
    assert "3 rounds" in summary[0]
    assert "current round 2026 to 2027: not started 4" in summary[0]


def test_three_rounds_on_the_shipped_model_and_the_current_one_is_open_for_months(seeded):
    rounds = {r.name: r for r in Round.objects.select_related("framework_version")}
    assert set(rounds) >= {*PAST, CURRENT}
    for name in [*PAST, CURRENT]:
        version = rounds[name].framework_version
        assert (version.slug, version.version, version.status) == (
            "dmm-early-help",
            "1.0",
            "published",
        )
    current = rounds[CURRENT]
    today = datetime.date(2026, 11, 27)  # when the demo data was designed
    assert current.is_open_on(today)
    assert (current.closes_on - today).days > 120
    for name in PAST:
        assert rounds[name].closes_on < current.opens_on


def test_every_state_is_present_in_the_current_round(seeded):
    found = states(CURRENT)
    counts = {state: list(found.values()).count(state) for state in demo.STATES}
    assert all(count >= 2 for count in counts.values()), counts
    assert sum(counts.values()) == Authority.objects.filter(is_demo=True).count()


def test_past_rounds_are_agreed_with_stored_results_for_most_authorities(seeded):
    demo_authorities = Authority.objects.filter(is_demo=True).count()
    for name in PAST:
        assessments = Assessment.objects.filter(round__name=name)
        assert assessments.count() >= demo_authorities - 3
        assert set(assessments.values_list("status", flat=True)) == {AssessmentStatus.AGREED}
        for assessment in assessments.select_related("result"):
            result = assessment.result
            # Submitted once (revision 1), then agreed (revision 2), as the review service does.
            assert result.revision == assessment.results_revision == 2
            assert result.rule_version == scoring.RULE_VERSION
            assert result.dimension_results.count() == 8
            assert result.strand_results.count() == 5
            assert assessment.submitted_at <= assessment.agreed_at <= result.computed_at


def test_returned_and_agreed_assessments_carry_the_reviewers_comment(seeded):
    reviewed = Assessment.objects.filter(
        status__in=[AssessmentStatus.RETURNED, AssessmentStatus.AGREED]
    ).select_related("authority__area")
    assert reviewed.count() > 40
    for assessment in reviewed:
        comments = list(assessment.review_comments.all())
        assert [c.kind for c in comments] == [assessment.status], assessment
        comment = comments[0]
        assert comment.text
        assert comment.submission_number == assessment.submission_count == 1
        # By the area lead, when the history says the status changed.
        assert comment.author.area_assignments.filter(area=assessment.authority.area).exists()
        changed = assessment.history.get(kind=HistoryKind.STATUS, after=comment.get_kind_display())
        assert (changed.at, changed.actor) == (comment.at, comment.author)


def test_submitted_returned_and_agreed_current_assessments_have_results(seeded):
    reviewed = Assessment.objects.filter(round__name=CURRENT).exclude(
        status=AssessmentStatus.IN_PROGRESS
    )
    assert reviewed.count() >= 6
    assert AssessmentResult.objects.filter(assessment__in=reviewed).count() == reviewed.count()
    in_progress = Assessment.objects.filter(
        round__name=CURRENT, status=AssessmentStatus.IN_PROGRESS
    )
    assert not AssessmentResult.objects.filter(assessment__in=in_progress).exists()
    # The demo computed the results itself: nothing is left for the worker.
    assert not OutboxTask.objects.filter(
        task_name=COMPUTE_RESULTS_TASK, dispatched_at__isnull=True
    ).exists()


def test_in_progress_assessments_are_partly_answered(seeded):
    for assessment in Assessment.objects.filter(
        round__name=CURRENT, status=AssessmentStatus.IN_PROGRESS
    ):
        tasks = assessment_task_list(assessment=assessment)
        statuses = {row.status for row in tasks.dimensions}
        assert TaskStatus.COMPLETED in statuses, assessment
        assert TaskStatus.NOT_STARTED in statuses, assessment
        assert not tasks.ready_to_submit


def test_demo_leads_and_officers_have_current_work(seeded):
    mardleshire = Assessment.objects.get(authority__name="Mardleshire", round__name=CURRENT)
    assert mardleshire.status == AssessmentStatus.IN_PROGRESS
    officer = User.objects.get(email="officer.mardleshire@example.org")
    assert permissions.can_edit_assessment(officer, mardleshire.authority)
    assert DimensionAnswer.objects.filter(
        assessment=mardleshire, assigned_to=officer, confirmed_level__isnull=True
    ).exists()

    # Ashcombe Vale has one dimension left, assigned to its officer; then the lead can submit.
    ashcombe = Assessment.objects.get(authority__name="Ashcombe Vale", round__name=CURRENT)
    rows = assessment_task_list(assessment=ashcombe).dimensions
    left = [row for row in rows if row.status is not TaskStatus.COMPLETED]
    assert len(left) == 1
    assert left[0].answer.assigned_to.email == "officer.ashcombe-vale@example.org"

    assert states(CURRENT)["Irongate"] == AssessmentStatus.RETURNED
    assert states(CURRENT)["Thamesreach"] == demo.NOT_STARTED
    lead = User.objects.get(email="lead.thamesreach@example.org")
    assert Membership.objects.filter(user=lead, role=MembershipRole.AUTHORITY_LEAD).exists()


def test_levels_vary_between_authorities_and_dimensions(seeded):
    results = DimensionResult.objects.filter(result__assessment__round__name=PAST[-1])
    assert set(results.values_list("level", flat=True)) == {1, 2, 3, 4}
    overall = set(
        AssessmentResult.objects.filter(assessment__round__name=PAST[-1]).values_list(
            "overall_level", flat=True
        )
    )
    assert len(overall) >= 2
    for result in AssessmentResult.objects.filter(assessment__round__name=PAST[-1])[:5]:
        assert len({d.level for d in result.dimension_results.all()}) >= 2


def test_levels_improve_on_average_from_round_to_round(seeded):
    means = []
    for name in [*PAST, CURRENT]:
        levels = DimensionResult.objects.filter(result__assessment__round__name=name)
        means.append(statistics.mean(levels.values_list("level", flat=True)))
    assert means == sorted(means) and means[0] < means[-1], means
    # And for most authorities that took part in both past rounds.
    by_authority = defaultdict(dict)
    for name, code, level in DimensionResult.objects.filter(
        result__assessment__round__name__in=PAST
    ).values_list("result__assessment__round__name", "authority__ons_code", "level"):
        by_authority[code].setdefault(name, []).append(level)
    both = [rounds for rounds in by_authority.values() if len(rounds) == 2]
    improved = [r for r in both if statistics.mean(r[PAST[1]]) >= statistics.mean(r[PAST[0]])]
    assert len(improved) >= 0.7 * len(both)


def test_ratings_fit_the_levels_with_some_mixed_answers_and_some_overrides(seeded):
    results = DimensionResult.objects.all()
    flagged = results.filter(flagged=True).count()
    assert 0 < flagged < 0.3 * results.count()
    differing = [r for r in results if r.confirmed_level != r.suggested_level]
    assert 0 < len(differing) < 0.3 * results.count()
    assert all(abs(r.confirmed_level - r.suggested_level) == 1 for r in differing)
    answers = {
        (a.assessment_id, a.dimension_id): a
        for a in DimensionAnswer.objects.filter(confirmed_level__isnull=False)
    }
    for result in differing:
        answer = answers[(result.result.assessment_id, result.dimension_id)]
        assert answer.justification


def test_history_is_coherent_and_within_each_round(seeded):
    for assessment in Assessment.objects.select_related("round"):
        entries = list(assessment.history.order_by("id"))
        times = [entry.at for entry in entries]
        assert times == sorted(times), assessment
        opens, closes = assessment.round.opens_on, assessment.round.closes_on
        assert opens <= times[0].date() and times[-1].date() <= closes
        assert entries[0].kind == HistoryKind.STATUS and entries[0].after == "Started"
        assert assessment.started_at == times[0]
        assert assessment.last_activity_at == times[-1]
        statuses = [e.after for e in entries if e.kind == HistoryKind.STATUS]
        expected = {
            AssessmentStatus.IN_PROGRESS: ["Started"],
            AssessmentStatus.SUBMITTED: ["Started", "Submitted"],
            AssessmentStatus.RETURNED: ["Started", "Submitted", "Returned"],
            AssessmentStatus.AGREED: ["Started", "Submitted", "Agreed"],
        }[assessment.status]
        assert statuses == expected, assessment
    # Each dimension's revision is the last revision its history names, so a save built on it
    # is accepted and a stale one is refused with the changes listed.
    last = {
        (assessment_id, dimension_id): revision
        for assessment_id, dimension_id, revision in HistoryEntry.objects.filter(
            revision__isnull=False
        )
        .values("assessment_id", "dimension_id")
        .annotate(last=Max("revision"))
        .values_list("assessment_id", "dimension_id", "last")
    }
    for answer in DimensionAnswer.objects.all():
        assert answer.revision == last.get((answer.assessment_id, answer.dimension_id), 0)
    ratings = StatementRating.objects.count()
    assert HistoryEntry.objects.filter(kind=HistoryKind.RATING).count() == ratings


def test_seeding_again_creates_nothing(seeded):
    before = (
        Round.objects.count(),
        Assessment.objects.count(),
        StatementRating.objects.count(),
        HistoryEntry.objects.count(),
        AssessmentResult.objects.count(),
    )
    snapshot = levels_snapshot()
    lines = seed_demo()
    assert [line for line in lines if line.startswith("Demo assessments:")] == [
        line for line in seeded if line.startswith("Demo assessments:")
    ]
    assert (
        Round.objects.count(),
        Assessment.objects.count(),
        StatementRating.objects.count(),
        HistoryEntry.objects.count(),
        AssessmentResult.objects.count(),
    ) == before
    assert levels_snapshot() == snapshot


def test_a_fresh_database_gets_the_same_answers(seeded):
    snapshot = levels_snapshot()
    results = sorted(
        DimensionResult.objects.values_list(
            "authority__ons_code", "result__assessment__round__name", "dimension__key", "level"
        )
    )
    HistoryEntry.objects.all().delete()
    AssessmentResult.objects.all().delete()
    Assessment.objects.all().delete()
    Round.objects.all().delete()
    not_benchmarks = OutboxTask.objects.exclude(task_name=RECOMPUTE_TASK)
    tasks = not_benchmarks.count()
    demo.seed_assessments()
    assert levels_snapshot() == snapshot
    # Nothing queued but one benchmark recompute per round with agreed results: no results task
    # (computed at once), no notification of old events.
    assert not_benchmarks.count() == tasks
    for round_id in Round.objects.values_list("pk", flat=True):
        waiting = OutboxTask.objects.filter(
            task_name=RECOMPUTE_TASK, kwargs={"round_id": round_id}, dispatched_at__isnull=True
        )
        assert waiting.count() <= 1
    assert (
        sorted(
            DimensionResult.objects.values_list(
                "authority__ons_code", "result__assessment__round__name", "dimension__key", "level"
            )
        )
        == results
    )


def test_the_plan_is_a_pure_function_of_code_round_and_model():
    shape = demo.ModelShape(
        dimensions=tuple(
            demo.DimensionShape(
                key=f"d{n}", statements=tuple((f"d{n}.{level}", level) for level in (1, 2, 3, 4))
            )
            for n in range(8)
        ),
        checklist_keys=("a", "b"),
    )
    first = demo.plan_assessment("X10990001", 1, shape)
    assert first == demo.plan_assessment("X10990001", 1, shape)
    assert first != demo.plan_assessment("X10990002", 1, shape)
    for dimension in first.dimensions:
        ratings = {level: [dimension.ratings[f"{dimension.key}.{level}"]] for level in (1, 2, 3, 4)}
        assert scoring.suggest(ratings).suggested_level == dimension.suggested_level
        assert (dimension.confirmed_level != dimension.suggested_level) == bool(
            dimension.justification
        )


def test_skipped_with_a_message_when_the_model_is_not_loaded(db, monkeypatch):
    monkeypatch.setattr(demo, "FRAMEWORK_VERSION", "0.0-missing")
    out = io.StringIO()
    rounds = Round.objects.count()
    demo.seed_assessments(stdout=out)
    assert "Demo assessments skipped: the model dmm-early-help 0.0-missing is not loaded" in (
        out.getvalue()
    )
    assert Round.objects.count() == rounds


def test_refuses_production_settings(db, settings):
    settings.PORTAL_ENVIRONMENT = "production"
    rounds, assessments = Round.objects.count(), Assessment.objects.count()
    with pytest.raises(CommandError, match="refuses to run with production settings"):
        seed_demo()
    assert (Round.objects.count(), Assessment.objects.count()) == (rounds, assessments)
