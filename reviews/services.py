"""Every review write: moderation, return and agreement. Each locks the assessment, checks its
status, writes its history rows and notifications in the same transaction, and asks the worker to
recompute the stored results through the outbox (`results_request`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from assessments.models import Assessment, AssessmentStatus, DimensionAnswer, HistoryKind
from assessments.scoring import LEVELS
from assessments.services import AssessmentError, history_entry_build, results_request
from notifications.models import NotificationKind
from notifications.services import assessment_event_notify

from .models import Moderation, ReviewComment, ReviewCommentKind

if TYPE_CHECKING:
    from accounts.models import User

TEXT_MAX = 5000


class ReviewError(AssessmentError):
    """A review action refused because of the assessment's state (shown to the user)."""


def _lock(assessment: Assessment, actor: User) -> Assessment:
    # Lock the row only (PostgreSQL refuses FOR UPDATE across the nullable join to the area).
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("authority__area", "round")
        .get(pk=assessment.pk, authority_id=assessment.authority_id)
    )
    if not permissions.can_review_authority(actor, locked.authority):
        raise ReviewError("You cannot review this authority's assessments.")
    return locked


def _refuse_unless_submitted(assessment: Assessment, doing: str) -> None:
    if assessment.status == AssessmentStatus.SUBMITTED:
        return
    if assessment.status == AssessmentStatus.AGREED:
        raise ReviewError(f"This assessment has already been agreed, so you cannot {doing}.")
    raise ReviewError(
        f"This assessment is {assessment.get_status_display().lower()}, not submitted, so you "
        f"cannot {doing}. The authority must submit it first."
    )


def _level_text(level: int | None, confirmed: int | None) -> str:
    if level is None:
        return f"Agreed with level {confirmed}" if confirmed else ""
    return f"Level {level}"


@transaction.atomic
def dimension_moderate(
    *, assessment: Assessment, answer: DimensionAnswer, actor: User, level: int | None, reason: str
) -> Moderation:
    """Agree with the dimension's self-assessed level (`level` None, or equal to it) or set a
    moderated level, which needs a reason. The self-assessed level is kept."""
    assessment = _lock(assessment, actor)
    _refuse_unless_submitted(assessment, "moderate it")
    answer = DimensionAnswer.objects.select_related("dimension").get(
        pk=answer.pk, assessment=assessment, authority_id=assessment.authority_id
    )
    reason = reason.strip()
    if level is not None and level not in LEVELS:
        raise ValidationError({"decision": "Choose a level from 1 to 4"})
    if level == answer.confirmed_level:
        level = None
    if level is not None and not reason:
        raise ValidationError(
            {"reason": f"Explain why you are moderating {answer.dimension.name} to level {level}"}
        )
    if len(reason) > TEXT_MAX:
        raise ValidationError({"reason": f"The reason must be {TEXT_MAX} characters or fewer"})
    now = timezone.now()
    moderation = Moderation.objects.filter(answer=answer).first()
    before = _level_text(moderation.level, answer.confirmed_level) if moderation else ""
    if moderation is None:
        moderation = Moderation(
            authority_id=assessment.authority_id,
            assessment=assessment,
            answer=answer,
            dimension=answer.dimension,
        )
    elif moderation.level == level and moderation.reason == reason:
        return moderation
    level_changed = moderation.pk is None or moderation.level != level
    moderation.level = level
    moderation.reason = reason
    moderation.moderated_by = actor
    moderation.moderated_at = now
    moderation.full_clean()
    moderation.save()
    after = _level_text(level, answer.confirmed_level)
    history_entry_build(
        assessment,
        actor=actor,
        kind=HistoryKind.MODERATION,
        subject=answer.dimension.name,
        before=before,
        after=f"{after}: {reason}" if reason else after,
        dimension_id=answer.dimension_id,
        at=now,
    ).save()
    if level_changed:
        assessment.results_revision += 1
        assessment.last_activity_at = now
        assessment.save(update_fields=["results_revision", "last_activity_at"])
        results_request(assessment=assessment)
    return moderation


def _status_change(assessment: Assessment, *, actor: User, status: AssessmentStatus, now) -> None:
    before = assessment.get_status_display()
    assessment.status = status
    assessment.last_activity_at = now
    history_entry_build(
        assessment,
        actor=actor,
        kind=HistoryKind.STATUS,
        subject="Assessment",
        before=before,
        after=assessment.get_status_display(),
        at=now,
    ).save()


@transaction.atomic
def assessment_return(*, assessment: Assessment, actor: User, comments: str) -> Assessment:
    """Return a submitted assessment to the authority with comments (required), so it can change
    its answers and submit again. Moderations are kept for the next review."""
    assessment = _lock(assessment, actor)
    _refuse_unless_submitted(assessment, "return it")
    comments = comments.strip()
    if not comments:
        raise ValidationError({"comments": "Enter comments to tell the authority what to change"})
    if len(comments) > TEXT_MAX:
        raise ValidationError({"comments": f"Comments must be {TEXT_MAX} characters or fewer"})
    now = timezone.now()
    _status_change(assessment, actor=actor, status=AssessmentStatus.RETURNED, now=now)
    assessment.full_clean()
    assessment.save(update_fields=["status", "last_activity_at"])
    ReviewComment.objects.create(
        authority_id=assessment.authority_id,
        assessment=assessment,
        kind=ReviewCommentKind.RETURNED,
        text=comments,
        submission_number=assessment.submission_count,
        author=actor,
        at=now,
    )
    assessment_event_notify(
        assessment=assessment, kind=NotificationKind.RETURNED, actor=actor, comments=comments
    )
    return assessment


@transaction.atomic
def assessment_agree(*, assessment: Assessment, actor: User, comments: str = "") -> Assessment:
    """Agree a submitted assessment. The worker recomputes and stores its results (with any
    moderated levels) for the agreed revision."""
    assessment = _lock(assessment, actor)
    _refuse_unless_submitted(assessment, "agree it")
    comments = comments.strip()
    if len(comments) > TEXT_MAX:
        raise ValidationError({"comments": f"Comments must be {TEXT_MAX} characters or fewer"})
    now = timezone.now()
    _status_change(assessment, actor=actor, status=AssessmentStatus.AGREED, now=now)
    assessment.agreed_at = now
    assessment.results_revision += 1
    assessment.full_clean()
    assessment.save(update_fields=["status", "last_activity_at", "agreed_at", "results_revision"])
    ReviewComment.objects.create(
        authority_id=assessment.authority_id,
        assessment=assessment,
        kind=ReviewCommentKind.AGREED,
        text=comments,
        submission_number=assessment.submission_count,
        author=actor,
        at=now,
    )
    results_request(assessment=assessment)
    assessment_event_notify(
        assessment=assessment, kind=NotificationKind.AGREED, actor=actor, comments=comments
    )
    return assessment
