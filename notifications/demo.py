"""Demo notifications: the area leads hear of each demo assessment waiting for their review in the
current round, and the authorities of returned and agreed ones, as the services would have told
them (rows only; no email is sent). Idempotent; run by seed_demo after the demo assessments."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

from .models import Notification, NotificationKind

KINDS = {
    "submitted": NotificationKind.SUBMITTED,
    "returned": NotificationKind.RETURNED,
    "agreed": NotificationKind.AGREED,
}


@transaction.atomic
def seed_notifications() -> int:
    """Create the missing demo notifications. Returns how many were made."""
    from django.urls import reverse

    from assessments.models import Assessment, AssessmentStatus, Round

    from .services import _area_leads, _authority_editors

    current = Round.objects.order_by("-opens_on").first()
    if current is None:
        return 0
    made = 0
    for assessment in Assessment.objects.filter(
        round=current,
        authority__is_demo=True,
        status__in=[AssessmentStatus.SUBMITTED, AssessmentStatus.RETURNED, AssessmentStatus.AGREED],
    ).select_related("authority__area", "round"):
        kind = KINDS[assessment.status]
        if Notification.objects.filter(assessment=assessment, kind=kind).exists():
            continue
        name = f"{assessment.authority.name}'s {assessment.round.name} assessment"
        if kind == NotificationKind.SUBMITTED:
            recipients = _area_leads(assessment.authority)
            subject, link = (
                f"{name} has been submitted for review",
                reverse("reviews:review", args=[assessment.pk]),
            )
        else:
            recipients = _authority_editors(assessment.authority)
            verb = "returned to you" if kind == NotificationKind.RETURNED else "agreed"
            subject = f"{name} has been {verb}"
            link = reverse("assessments:task_list", args=[assessment.pk])
        at = assessment.agreed_at or assessment.submitted_at or assessment.last_activity_at
        for recipient in recipients:
            Notification.objects.create(
                recipient=recipient,
                authority=assessment.authority,
                area=assessment.authority.area,
                kind=kind,
                assessment=assessment,
                subject=subject,
                message=subject + ".",
                link=link,
                created_at=at,
                emailed_at=at,  # demo rows: never emailed
            )
            made += 1
    return made


def seed(data, stdout: TextIO) -> None:
    made = seed_notifications()
    stdout.write(f"Demo notifications: {made} added.\n")
