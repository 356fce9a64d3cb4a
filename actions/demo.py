"""Demo action plans: each demo authority's agreed assessment in the last past round gets a short
plan drafted from its gaps (one action done, one in progress and overdue, one not started), so the
current round shows open actions carried over for review. Idempotent; run by seed_demo after the
demo assessments (``PORTAL_DEMO_SEEDERS``)."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from .models import Action, ActionStatus

PLAN = (
    (ActionStatus.DONE, -120, "Agree who owns this with the partnership board and record it."),
    (ActionStatus.IN_PROGRESS, -14, "Draft the process with the early help data lead and test it."),
    (ActionStatus.NOT_STARTED, 90, "Review progress at the next quarterly performance meeting."),
)


@transaction.atomic
def seed_action_plans(*, today: datetime.date | None = None) -> int:
    """Create the missing demo plans. Returns how many actions were made."""
    from accounts.models import Membership, MembershipRole
    from assessments.models import Assessment, AssessmentStatus, Round

    from .selectors import action_gaps

    today = today or timezone.localdate()
    past = Round.objects.filter(closes_on__lt=today).order_by("-opens_on").first()
    if past is None:
        return 0
    made = 0
    assessments = Assessment.objects.filter(
        round=past, status=AssessmentStatus.AGREED, authority__is_demo=True
    ).select_related("authority", "round")
    for assessment in assessments:
        if Action.objects.filter(assessment=assessment).exists():
            continue
        owner = (
            Membership.objects.filter(
                authority=assessment.authority,
                role__in=[MembershipRole.OFFICER, MembershipRole.AUTHORITY_LEAD],
            )
            .order_by("role", "user__email")
            .select_related("user")
            .first()
        )
        gaps = action_gaps(assessment=assessment)
        if owner is None or not gaps:
            continue
        for (status, days, description), gap in zip(PLAN, gaps, strict=False):
            action = Action(
                authority_id=assessment.authority_id,
                assessment=assessment,
                dimension=gap.dimension,
                statement=gap.statement,
                statement_text=gap.statement.text,
                description=description,
                owner=owner.user,
                due_on=today + datetime.timedelta(days=days),
                status=status,
                created_by=owner.user,
            )
            action.full_clean()
            action.save()
            made += 1
    return made


def seed(data, stdout: TextIO) -> None:
    made = seed_action_plans()
    stdout.write(f"Demo action plans: {made} actions added.\n")
