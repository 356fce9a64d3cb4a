"""Reads for action plans: the gaps to the next level, and the plan (this assessment's actions
plus open actions carried from the authority's earlier rounds). Constant queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from assessments.models import AssessmentStatus, DimensionResult, StatementRating
from assessments.scoring import MAX_LEVEL, Rating

from .models import OPEN_STATUSES, Action

if TYPE_CHECKING:
    from accounts.models import Authority, User
    from assessments.models import Assessment
    from frameworks.models import Dimension, Statement

PLAN_STATUSES = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.AGREED})


@dataclass
class Gap:
    dimension: Dimension
    level: int
    next_level: int
    statement: Statement
    rating: str
    actions: int


def action_gaps(*, assessment: Assessment) -> list[Gap]:
    """The statements of each dimension's next level up (from the stored results' level) that
    are not yet fully met, with how many actions already address each."""
    from frameworks.models import Statement

    results = list(
        DimensionResult.objects.filter(
            authority_id=assessment.authority_id, result__assessment=assessment
        ).select_related("dimension")
    )
    targets = {r.dimension_id: r.level + 1 for r in results if r.level < MAX_LEVEL}
    if not targets:
        return []
    condition = Q(pk__in=[])
    for dimension_id, level in targets.items():
        condition |= Q(dimension_id=dimension_id, level__order=level)
    statements = list(
        Statement.objects.filter(condition)
        .select_related("level")
        .order_by("dimension__strand__order", "dimension__order", "order")
    )
    ratings = dict(
        StatementRating.objects.filter(
            authority_id=assessment.authority_id,
            answer__assessment=assessment,
            statement__in=statements,
        ).values_list("statement_id", "rating")
    )
    counts: dict[int, int] = {}
    for statement_id in Action.objects.filter(
        authority_id=assessment.authority_id, assessment=assessment, statement__in=statements
    ).values_list("statement_id", flat=True):
        counts[statement_id] = counts.get(statement_id, 0) + 1
    by_dimension = {r.dimension_id: r for r in results}
    return [
        Gap(
            dimension=by_dimension[s.dimension_id].dimension,
            level=by_dimension[s.dimension_id].level,
            next_level=s.level.order,
            statement=s,
            rating=ratings.get(s.pk, ""),
            actions=counts.get(s.pk, 0),
        )
        for s in statements
        if ratings.get(s.pk) != Rating.FULLY
    ]


def plan_actions(*, assessment: Assessment) -> QuerySet[Action]:
    """This assessment's actions."""
    return Action.objects.filter(
        authority_id=assessment.authority_id, assessment=assessment
    ).select_related("owner", "dimension", "assessment__round")


def carried_actions(*, assessment: Assessment) -> QuerySet[Action]:
    """Open actions from the authority's assessments in earlier rounds: they carry into this one
    for their status to be reviewed."""
    return (
        Action.objects.filter(
            authority_id=assessment.authority_id,
            status__in=OPEN_STATUSES,
            assessment__round__opens_on__lt=assessment.round.opens_on,
        )
        .select_related("owner", "dimension", "assessment__round")
        .order_by("due_on", "id")
    )


def action_get(*, authority: Authority | None, pk: object) -> Action:
    if authority is None:
        raise Http404
    try:
        return Action.objects.select_related("assessment__round", "owner", "dimension").get(
            authority=authority, pk=int(pk)
        )
    except (Action.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def possible_owners(*, authority: Authority) -> QuerySet[User]:
    from accounts.models import User

    return User.objects.filter(memberships__authority=authority, is_active=True).order_by(
        "full_name", "email"
    )


def overdue(actions: list[Action], today: datetime.date) -> list[Action]:
    return [a for a in actions if a.is_overdue_on(today)]
