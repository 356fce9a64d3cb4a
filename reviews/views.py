"""Area leads' pages: the area dashboard and the review of a submitted assessment. Every view is
AccessRule.AREA and loads the assessment through `review_assessment_get`, which filters by the
areas the request acts for, so another area's assessment is a 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assessments.models import AssessmentStatus
from assessments.selectors import round_list
from core.access import AccessRule, access
from core.forms import add_service_errors

from . import selectors, services
from .forms import AgreeForm, ModerationForm, ReturnForm

PAGE_SIZE = 25
COLUMNS = [
    ("authority", "Authority", False),
    ("status", "Status", False),
    ("self", "Self-assessed level", True),
    ("moderated", "Moderated level", True),
    ("evidence", "Dimensions without evidence", True),
    ("flagged", "Dimensions with answers pulling in different directions", True),
    ("activity", "Last activity", False),
    ("days", "Days since submission", True),
]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@access(AccessRule.AREA)
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    areas = selectors.reviewable_areas(user=request.user, acting_for=request.acting_for)
    if not areas:
        raise Http404
    rounds = list(round_list())
    chosen_round = next((r for r in rounds if r.pk == _int(request.GET.get("round"))), None)
    chosen_round = chosen_round or (rounds[0] if rounds else None)
    area_id = _int(request.GET.get("area"))
    national = request.acting_for.is_national
    if national:  # every authority, including any not yet in an area, unless one area is chosen
        shown_areas = [a for a in areas if a.pk == area_id] if area_id else None
    else:
        shown_areas = areas
    status = request.GET.get("status", "")
    if status not in dict(selectors.STATUS_FILTERS):
        status = ""
    level = _int(request.GET.get("level"))
    if level not in (1, 2, 3, 4):
        level = None
    sort = request.GET.get("sort", "authority")
    if sort not in selectors.SORT_KEYS:
        sort = "authority"
    descending = request.GET.get("dir") == "desc"
    board = None
    page = None
    if chosen_round is not None:
        board = selectors.area_dashboard(
            areas=shown_areas,
            round=chosen_round,
            status=status,
            level=level,
            sort=sort,
            descending=descending,
        )
        page = Paginator(board.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        "round": chosen_round.pk if chosen_round else "",
        "area": area_id if national and area_id else "",
        "status": status,
        "level": level or "",
    }
    base = {k: v for k, v in filters.items() if v}
    columns = []
    for key, label, numeric in COLUMNS:
        if key == "evidence" and not (board and board.evidence_available):
            continue
        next_dir = "asc" if sort == key and descending else ("desc" if sort == key else "asc")
        columns.append(
            {
                "key": key,
                "label": label,
                "numeric": numeric,
                "url": "?" + urlencode({**base, "sort": key, "dir": next_dir}),
                "aria_sort": ("descending" if descending else "ascending")
                if sort == key
                else "none",
            }
        )
    return render(
        request,
        "reviews/dashboard.html",
        {
            "areas": areas,
            "national": national,
            "area_id": area_id,
            "rounds": rounds,
            "chosen_round": chosen_round,
            "board": board,
            "page": page,
            "columns": columns,
            "status": status,
            "level": level,
            "status_filters": [
                (value, label, board.counts.get(value, 0) if board else 0)
                for value, label in selectors.STATUS_FILTERS
            ],
            "query": urlencode({**base, "sort": sort, "dir": "desc" if descending else "asc"}),
        },
    )


def _assessment(request: HttpRequest, pk: int):
    return selectors.review_assessment_get(user=request.user, acting_for=request.acting_for, pk=pk)


@access(AccessRule.AREA)
@require_http_methods(["GET"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if assessment.submitted_at is None:
        raise Http404  # nothing to review before the first submission
    data = selectors.assessment_review(assessment=assessment)
    return render(
        request,
        "reviews/review.html",
        {
            "assessment": assessment,
            "review": data,
            "can_act": assessment.status == AssessmentStatus.SUBMITTED,
            "evidence_available": selectors.evidence_available(),
        },
    )


@access(AccessRule.AREA)
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    data = selectors.assessment_review(assessment=assessment)
    row = next((d for d in data.dimensions if d.answer.dimension.key == key), None)
    if row is None:
        raise Http404
    initial = {}
    if row.moderation is not None:
        initial = {
            "decision": str(row.moderation.level) if row.moderation.level else "agree",
            "reason": row.moderation.reason,
        }
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        confirmed_level=row.answer.confirmed_level,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dimension_moderate(
                assessment=assessment,
                answer=row.answer,
                actor=request.user,
                level=form.level,
                reason=form.cleaned_data["reason"],
            )
        except services.ReviewError as error:
            messages.error(request, str(error))
            return redirect("reviews:review", pk=assessment.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your decision on {row.answer.dimension.name} is saved.")
            return redirect(reverse("reviews:review", args=[assessment.pk]) + f"#dimension-{key}")
    elif request.method == "GET" and assessment.status != AssessmentStatus.SUBMITTED:
        messages.error(
            request,
            f"This assessment is {assessment.get_status_display().lower()}, so it cannot be "
            "moderated now.",
        )
        return redirect("reviews:review", pk=assessment.pk)
    return render(
        request,
        "reviews/moderate.html",
        {"assessment": assessment, "row": row, "form": form},
    )


def _decision(request: HttpRequest, pk: int, *, form_class, service, template: str, done: str):
    assessment = _assessment(request, pk)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(
                assessment=assessment,
                actor=request.user,
                comments=form.cleaned_data["comments"],
            )
        except services.ReviewError as error:
            messages.error(request, str(error))
            return redirect("reviews:review", pk=assessment.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done.format(name=assessment.authority.name))
            return redirect("reviews:review", pk=assessment.pk)
    elif request.method == "GET" and assessment.status != AssessmentStatus.SUBMITTED:
        messages.error(
            request,
            f"This assessment is {assessment.get_status_display().lower()}, so it cannot be "
            "returned or agreed now.",
        )
        return redirect("reviews:review", pk=assessment.pk)
    return render(request, template, {"assessment": assessment, "form": form})


@access(AccessRule.AREA)
@require_http_methods(["GET", "POST"])
def return_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        form_class=ReturnForm,
        service=services.assessment_return,
        template="reviews/return.html",
        done="You have returned the assessment to {name}. They have been told by email.",
    )


@access(AccessRule.AREA)
@require_http_methods(["GET", "POST"])
def agree(request: HttpRequest, pk: int) -> HttpResponse:
    return _decision(
        request,
        pk,
        form_class=AgreeForm,
        service=services.assessment_agree,
        template="reviews/agree.html",
        done="You have agreed the assessment from {name}. They have been told by email.",
    )
