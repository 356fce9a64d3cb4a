"""Every write to action plans. The owner must be a member of the same authority and a new or
changed due date may not be in the past."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership

from .models import Action, ActionStatus

if TYPE_CHECKING:
    from accounts.models import User
    from assessments.models import Assessment
    from frameworks.models import Statement

TEXT_MAX = 5000


def _check(
    *, authority_id: int, owner: User | None, due_on: datetime.date | None, today: datetime.date
) -> None:
    errors: dict[str, str] = {}
    if (
        owner is None
        or not Membership.objects.filter(
            authority_id=authority_id, user=owner, user__is_active=True
        ).exists()
    ):
        errors["owner"] = "Choose an owner from your authority"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < today:
        errors["due_on"] = "The due date must be today or in the future"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_create(
    *,
    assessment: Assessment,
    actor: User,
    statement: Statement | None,
    statement_text: str,
    description: str,
    owner: User | None,
    due_on: datetime.date | None,
    status: str = ActionStatus.NOT_STARTED,
    today: datetime.date | None = None,
) -> Action:
    from actions.selectors import PLAN_STATUSES

    today = today or timezone.localdate()
    if assessment.status not in PLAN_STATUSES:
        raise ValidationError(
            "You can draft an action plan once the assessment has been submitted."
        )
    if statement is not None and statement.framework_version_id != assessment.framework_version_id:
        raise ValidationError("That statement is not part of this assessment's model.")
    _check(authority_id=assessment.authority_id, owner=owner, due_on=due_on, today=today)
    action = Action(
        authority_id=assessment.authority_id,
        assessment=assessment,
        statement=statement,
        dimension_id=statement.dimension_id if statement else None,
        statement_text=statement_text.strip(),
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        status=status,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    actor: User,
    description: str,
    owner: User | None,
    due_on: datetime.date | None,
    status: str,
    statement_text: str | None = None,
    today: datetime.date | None = None,
) -> Action:
    """Change an action. An unchanged due date may stay in the past (an overdue action can still
    have its status updated); a changed one may not."""
    today = today or timezone.localdate()
    action = Action.objects.select_for_update().get(pk=action.pk, authority_id=action.authority_id)
    _check(
        authority_id=action.authority_id,
        owner=owner,
        due_on=due_on,
        today=min(today, action.due_on) if due_on == action.due_on else today,
    )
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Choose a status"})
    action.description = description.strip()
    if statement_text is not None:
        action.statement_text = statement_text.strip()
    action.owner = owner
    action.due_on = due_on
    action.status = status
    action.updated_at = timezone.now()
    action.full_clean()
    action.save()
    return action
