import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from assessments import services as assessment_services
from assessments.models import AssessmentResult, AssessmentStatus, HistoryEntry, HistoryKind
from core.models import OutboxTask
from reviews import services
from reviews.models import Moderation, ReviewComment
from tests.assessments.helpers import answer_dimension

pytestmark = pytest.mark.django_db


def first_answer(assessment):
    return assessment.dimension_answers.select_related("dimension").order_by("dimension__order")[0]


def test_moderating_keeps_both_levels_writes_history_and_recomputes(tenants, submitted, committed):
    answer = first_answer(submitted)
    revision = submitted.results_revision
    with committed():
        services.dimension_moderate(
            assessment=submitted,
            answer=answer,
            actor=tenants.a.area_lead,
            level=2,
            reason="Evidence of data sharing agreements at level 2",
        )
    submitted.refresh_from_db()
    answer.refresh_from_db()
    assert answer.confirmed_level == 1  # the self-assessed level is kept
    assert submitted.results_revision == revision + 1
    result = AssessmentResult.objects.get(assessment=submitted)
    assert result.revision == revision + 1
    row = result.dimension_results.get(dimension=answer.dimension)
    assert (row.confirmed_level, row.moderated_level, row.level) == (1, 2, 2)
    entry = HistoryEntry.objects.get(assessment=submitted, kind=HistoryKind.MODERATION)
    assert entry.actor == tenants.a.area_lead
    assert entry.after.startswith("Level 2: Evidence")


def test_agreeing_with_the_level_stores_no_moderated_level(tenants, submitted):
    answer = first_answer(submitted)
    moderation = services.dimension_moderate(
        assessment=submitted, answer=answer, actor=tenants.a.area_lead, level=1, reason=""
    )
    assert moderation.level is None  # the same as the self-assessed level: agreed
    assert "Agreed with level 1" in HistoryEntry.objects.get(kind=HistoryKind.MODERATION).after


def test_a_moderated_level_needs_a_reason(tenants, submitted):
    with pytest.raises(ValidationError) as error:
        services.dimension_moderate(
            assessment=submitted,
            answer=first_answer(submitted),
            actor=tenants.a.area_lead,
            level=3,
            reason="  ",
        )
    assert "reason" in error.value.error_dict
    assert not Moderation.objects.exists()
    assert not HistoryEntry.objects.filter(kind=HistoryKind.MODERATION).exists()


def test_moderating_a_draft_is_refused(tenants, assessment):
    with pytest.raises(services.ReviewError, match="in progress, not submitted"):
        services.dimension_moderate(
            assessment=assessment,
            answer=first_answer(assessment),
            actor=tenants.a.area_lead,
            level=1,
            reason="Too soon",
        )
    assert not Moderation.objects.exists()


def test_another_area_s_lead_cannot_review(tenants, submitted):
    with pytest.raises(services.ReviewError):
        services.assessment_agree(assessment=submitted, actor=tenants.b.area_lead)
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_returning_needs_comments_and_writes_nothing_without_them(tenants, submitted, committed):
    mail.outbox.clear()
    with pytest.raises(ValidationError) as error, committed():
        services.assessment_return(assessment=submitted, actor=tenants.a.area_lead, comments=" ")
    assert "comments" in error.value.error_dict
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert not ReviewComment.objects.exists()
    assert not mail.outbox


def test_return_resubmit_and_agree(tenants, submitted, committed):
    mail.outbox.clear()
    with committed():
        services.assessment_return(
            assessment=submitted, actor=tenants.a.area_lead, comments="Check the justification."
        )
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.RETURNED and submitted.is_editable
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([tenants.a.lead.email, tenants.a.officer.email])
    assert "Check the justification." in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"

    answer_dimension(first_answer(submitted), tenants.a.officer, level=3)
    mail.outbox.clear()
    with committed():
        assessment_services.assessment_submit(assessment=submitted, actor=tenants.a.lead)
    assert [m.to for m in mail.outbox] == [[tenants.a.area_lead.email]]

    with committed():
        services.assessment_agree(assessment=submitted, actor=tenants.a.area_lead, comments="Good.")
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.AGREED and submitted.agreed_at
    assert AssessmentResult.objects.get(assessment=submitted).revision == (
        submitted.results_revision
    )
    statuses = list(
        HistoryEntry.objects.filter(assessment=submitted, kind=HistoryKind.STATUS)
        .order_by("at", "id")
        .values_list("after", flat=True)
    )
    assert statuses == ["Started", "Submitted", "Returned", "Submitted", "Agreed"]
    assert ReviewComment.objects.filter(assessment=submitted).count() == 2


def test_agreeing_twice_is_refused(tenants, submitted):
    services.assessment_agree(assessment=submitted, actor=tenants.a.area_lead)
    tasks = OutboxTask.objects.count()
    with pytest.raises(services.ReviewError, match="already been agreed"):
        services.assessment_agree(assessment=submitted, actor=tenants.national_admin)
    assert OutboxTask.objects.count() == tasks
    assert ReviewComment.objects.count() == 1


def test_the_review_shows_what_changed_since_the_previous_submission(tenants, submitted):
    from reviews.selectors import assessment_review

    services.assessment_return(assessment=submitted, actor=tenants.a.area_lead, comments="Look")
    changed = first_answer(submitted)
    answer_dimension(changed, tenants.a.officer, level=3)
    assessment_services.assessment_submit(assessment=submitted, actor=tenants.a.lead)
    review = assessment_review(assessment=submitted)
    assert review.previous_submission_at is not None
    rows = {row.answer.dimension_id: row for row in review.dimensions}
    kinds = {e.kind for e in rows[changed.dimension_id].changed_since_last_submission}
    assert HistoryKind.LEVEL in kinds
    others = [r for d, r in rows.items() if d != changed.dimension_id]
    assert all(not r.changed_since_last_submission for r in others)
