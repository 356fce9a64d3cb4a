"""Reads of evidence, shared by the dimension page, the task list, downloads and (later) reviews
and reports. Every selector takes the tenant, so another authority's item is a 404."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.http import Http404

from .models import EvidenceItem

if TYPE_CHECKING:
    from accounts.models import Area, Authority
    from assessments.models import Assessment, DimensionAnswer


def _items() -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.select_related("added_by", "updated_by")


def evidence_for_answer(*, answer: DimensionAnswer) -> list[EvidenceItem]:
    """The current (not removed) items of one dimension's answer, oldest first."""
    return list(
        _items().filter(authority_id=answer.authority_id, answer=answer, removed_at__isnull=True)
    )


def evidence_for_assessment(*, assessment: Assessment) -> dict[int, list[EvidenceItem]]:
    """The current items of an assessment by dimension id (one query), for reviews and reports."""
    grouped: dict[int, list[EvidenceItem]] = defaultdict(list)
    for item in (
        _items()
        .select_related("answer")
        .filter(
            authority_id=assessment.authority_id, assessment=assessment, removed_at__isnull=True
        )
    ):
        grouped[item.answer.dimension_id].append(item)
    return dict(grouped)


def evidence_counts(*, assessment: Assessment) -> dict[int, int]:
    """How many current items each dimension answer has, {answer id: count}: one aggregate
    query."""
    return dict(
        EvidenceItem.objects.filter(
            authority_id=assessment.authority_id, assessment=assessment, removed_at__isnull=True
        )
        .values("answer_id")
        .annotate(n=Count("id"))
        .values_list("answer_id", "n")
    )


def evidence_get(*, assessment: Assessment, pk: Any, answer: DimensionAnswer | None = None):
    """One current item of this assessment (and answer, when given), or 404."""
    try:
        filters: dict[str, Any] = {
            "authority_id": assessment.authority_id,
            "assessment_id": assessment.pk,
            "pk": int(pk),
            "removed_at__isnull": True,
        }
    except (TypeError, ValueError):
        raise Http404 from None
    if answer is not None:
        filters["answer_id"] = answer.pk
    item = _items().select_related("answer__dimension").filter(**filters).first()
    if item is None:
        raise Http404
    return item


def evidence_get_for_review(*, pk: Any, area: Area | None, national: bool) -> EvidenceItem:
    """An item for a reviewer: any authority's for a national admin, only authorities in the area
    for an area lead; 404 otherwise."""
    try:
        queryset = (
            _items()
            .select_related("authority", "assessment")
            .filter(pk=int(pk), removed_at__isnull=True)
        )
    except (TypeError, ValueError):
        raise Http404 from None
    if not national:
        if area is None:
            raise Http404
        queryset = queryset.filter(authority__area=area)
    item = queryset.first()
    if item is None:
        raise Http404
    return item


def authority_of(item: EvidenceItem) -> Authority:
    return item.authority
