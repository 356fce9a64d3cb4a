import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments import services
from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    HistoryEntry,
    HistoryKind,
    Round,
    StatementRating,
)
from assessments.scoring import RULE_VERSION, Rating
from core.models import OutboxTask

from .helpers import answer_dimension, complete

pytestmark = pytest.mark.django_db


def test_starting_creates_an_answer_per_dimension_and_checklist_item(assessment, version):
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert assessment.dimension_answers.count() == 8
    assert assessment.checklist_answers.count() == 6
    assert assessment.history.filter(kind=HistoryKind.STATUS).count() == 1


def test_an_authority_has_at_most_one_assessment_per_round(assessment, tenants, open_round):
    with pytest.raises(services.AssessmentError, match="already started"):
        services.assessment_start(
            authority=tenants.a.authority, round=open_round, actor=tenants.a.lead
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            authority=tenants.a.authority,
            round=open_round,
            framework_version=open_round.framework_version,
        )


def test_a_closed_round_cannot_be_started(tenants, version):
    closed = Round.objects.create(
        name="2020 to 2021",
        framework_version=version,
        opens_on=datetime.date(2020, 4, 1),
        closes_on=datetime.date(2021, 3, 31),
    )
    with pytest.raises(services.AssessmentError, match="cannot be started today"):
        services.assessment_start(authority=tenants.a.authority, round=closed, actor=tenants.a.lead)
    assert not Assessment.objects.exists()


def test_a_round_needs_a_published_version(tenants, version):
    version.status = version.Status.DRAFT
    with pytest.raises(ValidationError, match="published"):
        services.round_open(
            actor=tenants.national_admin,
            name="2027 to 2028",
            framework_version=version,
            opens_on=datetime.date(2027, 4, 1),
            closes_on=datetime.date(2028, 3, 31),
        )


def test_saving_ratings_records_each_change_in_the_history(assessment, tenants):
    answer = assessment.dimension_answers.first()
    statement = answer.dimension.statements.first()
    answer = services.dimension_ratings_save(
        answer=answer,
        actor=tenants.a.officer,
        expected_revision=0,
        ratings={statement.pk: Rating.PARTLY},
        notes="First thoughts",
    )
    assert answer.revision == 1
    entries = HistoryEntry.objects.filter(assessment=assessment, revision=1)
    assert {(e.kind, e.before, e.after) for e in entries} == {
        (HistoryKind.RATING, "Not rated", "Partly describes us"),
        (HistoryKind.NOTES, "", "First thoughts"),
    }
    assert all(e.actor == tenants.a.officer for e in entries)


def test_saving_the_same_answers_again_changes_nothing(assessment, tenants):
    answer = assessment.dimension_answers.first()
    statement = answer.dimension.statements.first()
    kwargs = {"actor": tenants.a.officer, "ratings": {statement.pk: Rating.FULLY}, "notes": ""}
    answer = services.dimension_ratings_save(answer=answer, expected_revision=0, **kwargs)
    again = services.dimension_ratings_save(answer=answer, expected_revision=1, **kwargs)
    assert again.revision == 1
    assert HistoryEntry.objects.filter(kind=HistoryKind.RATING).count() == 1


def test_a_save_built_on_an_old_revision_is_refused_and_names_the_change(assessment, tenants):
    answer = assessment.dimension_answers.first()
    first, second = list(answer.dimension.statements.all())[:2]
    services.dimension_ratings_save(
        answer=answer,
        actor=tenants.a.lead,
        expected_revision=0,
        ratings={first.pk: Rating.FULLY},
        notes="",
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.dimension_ratings_save(
            answer=answer,
            actor=tenants.a.officer,
            expected_revision=0,
            ratings={second.pk: Rating.NOT_AT_ALL},
            notes="",
        )
    assert conflict.value.current_revision == 1
    assert "Authority lead A" in str(conflict.value)
    [change] = conflict.value.changes
    assert change.after == "Fully describes us"
    assert f"Early statement 1: {first.text}"[:150] in change.what
    assert not StatementRating.objects.filter(statement=second).exists()


def test_statements_of_another_dimension_are_refused(assessment, tenants):
    first, second = list(assessment.dimension_answers.all())[:2]
    foreign = second.dimension.statements.first()
    with pytest.raises(ValidationError, match="do not belong"):
        services.dimension_ratings_save(
            answer=first,
            actor=tenants.a.officer,
            expected_revision=0,
            ratings={foreign.pk: Rating.FULLY},
            notes="",
        )
    assert not StatementRating.objects.exists()


def test_an_unknown_rating_is_refused(assessment, tenants):
    answer = assessment.dimension_answers.first()
    statement = answer.dimension.statements.first()
    with pytest.raises(ValueError):
        services.dimension_ratings_save(
            answer=answer,
            actor=tenants.a.officer,
            expected_revision=0,
            ratings={statement.pk: "mostly"},
            notes="",
        )


def test_confirming_needs_every_statement_rated(assessment, tenants):
    answer = assessment.dimension_answers.first()
    with pytest.raises(ValidationError, match="Rate every statement"):
        services.dimension_level_confirm(
            answer=answer, actor=tenants.a.officer, expected_revision=0, level=2, justification=""
        )


def test_a_level_other_than_the_suggestion_needs_a_justification(assessment, tenants):
    answer = assessment.dimension_answers.first()
    answer = answer_dimension(answer, tenants.a.officer)
    suggested = services.dimension_suggestion(answer).suggested_level
    other = 4 if suggested != 4 else 1
    with pytest.raises(ValidationError, match=f"chose level {other}"):
        services.dimension_level_confirm(
            answer=answer,
            actor=tenants.a.officer,
            expected_revision=answer.revision,
            level=other,
            justification="   ",
        )
    answer.refresh_from_db()
    assert answer.confirmed_level == suggested


@pytest.mark.parametrize("level", [0, 5, -1])
def test_a_level_outside_one_to_four_is_refused(assessment, tenants, level):
    answer = answer_dimension(assessment.dimension_answers.first(), tenants.a.officer)
    with pytest.raises(ValidationError, match="from 1 to 4"):
        services.dimension_level_confirm(
            answer=answer,
            actor=tenants.a.officer,
            expected_revision=answer.revision,
            level=level,
            justification="x",
        )


def test_submission_is_refused_with_everything_missing(assessment, tenants):
    answer_dimension(assessment.dimension_answers.first(), tenants.a.officer)
    with pytest.raises(services.IncompleteAssessment) as refused:
        services.assessment_submit(assessment=assessment, actor=tenants.a.lead)
    missing = refused.value.missing
    assert missing[0] == "Pre-model checklist: 6 of 6 items not answered"
    assert len([m for m in missing if "statements not rated" in m]) == 7
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert not OutboxTask.objects.exists()


def test_submitting_stores_results_computed_by_the_task(
    assessment, tenants, django_capture_on_commit_callbacks
):
    complete(assessment, tenants.a.officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=assessment, actor=tenants.a.lead)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submission_count == 1
    result = AssessmentResult.objects.get(assessment=assessment)
    assert result.rule_version == RULE_VERSION
    assert result.revision == 1
    # Fully at 1-2, partly at 3, none at 4: means (1, 1, 0.5, 0); suggested level 1 (tie, lower).
    assert result.dimension_results.count() == 8
    assert set(result.dimension_results.values_list("level", flat=True)) == {1}
    assert result.strand_results.count() == 5
    assert result.overall_level == 1
    task = OutboxTask.objects.get(task_name=services.COMPUTE_RESULTS_TASK)
    assert task.dispatched_at is not None


def test_answers_are_read_only_after_submission(assessment, tenants):
    complete(assessment, tenants.a.officer)
    services.assessment_submit(assessment=assessment, actor=tenants.a.lead)
    answer = assessment.dimension_answers.first()
    answer.refresh_from_db()
    with pytest.raises(services.NotEditable):
        services.dimension_ratings_save(
            answer=answer,
            actor=tenants.a.officer,
            expected_revision=answer.revision,
            ratings={},
            notes="late change",
        )
    with pytest.raises(services.NotEditable):
        services.checklist_save(assessment=assessment, actor=tenants.a.lead, answers={})
    with pytest.raises(services.NotEditable):
        services.assessment_submit(assessment=assessment, actor=tenants.a.lead)


def test_computing_results_twice_does_nothing_twice(
    assessment, tenants, django_capture_on_commit_callbacks
):
    complete(assessment, tenants.a.officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=assessment, actor=tenants.a.lead)
    first = AssessmentResult.objects.get(assessment=assessment)
    again = services.assessment_results_compute(assessment_id=assessment.pk, revision=1)
    assert again.pk == first.pk
    assert AssessmentResult.objects.count() == 1
    assert services.assessment_results_compute(assessment_id=assessment.pk, revision=0) is None


def test_assigning_only_to_people_who_can_edit_this_authority(assessment, tenants):
    answer = assessment.dimension_answers.first()
    services.dimension_assign(answer=answer, actor=tenants.a.lead, assignee=tenants.a.officer)
    answer.refresh_from_db()
    assert answer.assigned_to == tenants.a.officer
    for outsider in (tenants.b.officer, tenants.a.viewer):
        with pytest.raises(ValidationError):
            services.dimension_assign(answer=answer, actor=tenants.a.lead, assignee=outsider)
    answer.refresh_from_db()
    assert answer.assigned_to == tenants.a.officer


def test_checklist_answers_are_saved_with_history(assessment, tenants):
    items = list(assessment.checklist_answers.all())
    services.checklist_save(
        assessment=assessment,
        actor=tenants.a.officer,
        answers={items[0].item_id: ("partly", "Signed with police only")},
    )
    items[0].refresh_from_db()
    assert items[0].status == "partly"
    entry = assessment.history.get(kind=HistoryKind.CHECKLIST)
    assert entry.after == "Partly in place – Signed with police only"


def test_checklist_items_of_another_assessment_are_refused(assessment, other_assessment, tenants):
    foreign = other_assessment.checklist_answers.first()
    with pytest.raises(ValidationError):
        services.checklist_save(
            assessment=assessment,
            actor=tenants.a.officer,
            answers={foreign.item_id + 10_000: ("in_place", "")},
        )
