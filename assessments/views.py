"""The assessment journey. Every view acts for `request.acting_for.authority` (AccessRule.AUTHORITY)
and loads the assessment through the tenant-taking selector, so another authority's assessment is a
404. Edits need the edit predicate and an editable status; services check the state again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.models import Membership, MembershipRole
from core.access import AccessRule, access
from core.forms import add_service_errors

from . import selectors, services
from .forms import (
    AssignForm,
    ChecklistForm,
    DimensionLevelForm,
    DimensionRatingsForm,
    RoundForm,
    statement_field_name,
)
from .models import Assessment, DimensionAnswer, Round


def _authority(request: HttpRequest):
    return request.acting_for.authority


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    authority = _authority(request)
    if not permissions.can_view_authority(request.user, authority):
        raise Http404
    return selectors.assessment_get(authority=authority, pk=pk)


def _answer(request: HttpRequest, pk: int, key: str, *, people: bool = True) -> DimensionAnswer:
    """The acting authority's answer for a dimension of one of its assessments, with the
    assessment, or 404."""
    authority = _authority(request)
    if not permissions.can_view_authority(request.user, authority):
        raise Http404
    return selectors.dimension_answer_get(
        authority=authority, assessment_pk=pk, dimension_key=key, people=people
    )


def _can_edit(request: HttpRequest, assessment: Assessment) -> bool:
    return assessment.is_editable and permissions.can_edit_assessment(
        request.user, assessment.authority
    )


# --- Rounds and starting --------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def assessment_list(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    rows = selectors.rounds_with_assessments(authority=authority)
    return render(
        request,
        "assessments/list.html",
        {
            "authority": authority,
            "rows": rows,
            "can_start": permissions.can_start_assessment(request.user, authority),
        },
    )


@access(AccessRule.AUTHORITY)
@require_POST
def assessment_start(request: HttpRequest, round_id: int) -> HttpResponse:
    authority = _authority(request)
    if not permissions.can_start_assessment(request.user, authority):
        raise Http404
    chosen_round = get_object_or_404(Round, pk=round_id)
    try:
        assessment = services.assessment_start(
            authority=authority, round=chosen_round, actor=request.user
        )
    except services.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessments:list")
    messages.success(request, f"You have started your {chosen_round.name} assessment.")
    return redirect("assessments:task_list", pk=assessment.pk)


# --- Task list ------------------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    tasks = selectors.assessment_task_list(assessment=assessment)
    return render(
        request,
        "assessments/task_list.html",
        {
            "assessment": assessment,
            "tasks": tasks,
            "can_edit": _can_edit(request, assessment),
            "can_assign": assessment.is_editable
            and permissions.can_assign_dimensions(request.user, assessment.authority),
            "can_submit": assessment.is_editable
            and permissions.can_submit_assessment(request.user, assessment.authority),
        },
    )


# --- Checklist ------------------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    answers = selectors.checklist_answers(assessment=assessment)
    items = [answer.item for answer in answers]
    editable = _can_edit(request, assessment)
    initial = {}
    for answer in answers:
        initial[f"status_{answer.item_id}"] = answer.status
        initial[f"note_{answer.item_id}"] = answer.note
    form = ChecklistForm(
        request.POST if request.method == "POST" else None, items=items, initial=initial
    )
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                services.checklist_save(
                    assessment=assessment, actor=request.user, answers=form.answers()
                )
            except services.AssessmentError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your checklist answers have been saved.")
                return redirect("assessments:task_list", pk=assessment.pk)
    return render(
        request,
        "assessments/checklist.html",
        {"assessment": assessment, "form": form, "editable": editable, "answers": answers},
    )


# --- Dimension pages ------------------------------------------------------------------------------


def _next_url(assessment: Assessment, key: str) -> str:
    return reverse("assessments:dimension_level", kwargs={"pk": assessment.pk, "key": key})


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def dimension(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    # A save that succeeds only redirects: it has no use for the people on the page.
    answer = _answer(request, pk, key, people=request.method != "POST")
    assessment = answer.assessment
    statements = list(answer.dimension.statements_list)
    ratings = list(answer.ratings.all())
    saved = {r.statement_id: r.rating for r in ratings}
    editable = _can_edit(request, assessment)
    conflict = None
    initial = {statement_field_name(s): saved.get(s.pk, "") for s in statements}
    initial.update(revision=answer.revision, notes=answer.notes)
    if request.method == "POST":
        if not editable:
            raise Http404
        form = DimensionRatingsForm(request.POST, statements=statements, initial=initial)
        if form.is_valid():
            try:
                services.dimension_ratings_save(
                    answer=answer,
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"],
                    ratings=form.ratings(),
                    notes=form.cleaned_data["notes"],
                    loaded_statements=statements,
                    loaded_ratings=ratings,
                )
            except services.EditConflict as error:
                conflict = error
                data = request.POST.copy()
                data["revision"] = str(error.current_revision)
                form = DimensionRatingsForm(data, statements=statements, initial=initial)
                form.is_valid()
                form.add_error(None, str(error))
            except services.AssessmentError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if form.continuing:
                    return redirect(_next_url(assessment, key))
                messages.success(request, f"Your answers for {answer.dimension.name} are saved.")
                return redirect("assessments:task_list", pk=assessment.pk)
    else:
        form = DimensionRatingsForm(statements=statements, initial=initial)
    return render(
        request,
        "assessments/dimension.html",
        {
            "assessment": assessment,
            "answer": answer,
            "dimension": answer.dimension,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "grid": _grid(statements),
            "saved": saved,
            "suggestion": services.dimension_suggestion(answer),
        },
    )


def _grid(statements: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Statements grouped by level, for the four-column reference grid."""
    grouped: dict[int, tuple[Any, list[Any]]] = {}
    for statement in statements:
        grouped.setdefault(statement.level_id, (statement.level, []))[1].append(statement)
    return list(grouped.values())


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def dimension_level(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    answer = _answer(request, pk, key)
    assessment = answer.assessment
    statements = list(answer.dimension.statements_list)
    levels = [level for level, _ in _grid(statements)]
    suggestion = services.dimension_suggestion(answer)
    editable = _can_edit(request, assessment)
    if suggestion is None and editable:
        messages.error(request, "Rate every statement before you confirm the level.")
        return redirect("assessments:dimension", pk=assessment.pk, key=key)
    suggested = suggestion.suggested_level if suggestion else None
    initial = {
        "revision": answer.revision,
        "level": answer.confirmed_level or suggested,
        "justification": answer.justification,
    }
    conflict = None
    if request.method == "POST":
        if not editable:
            raise Http404
        form = DimensionLevelForm(request.POST, levels=levels, suggested=suggested, initial=initial)
        if form.is_valid():
            try:
                services.dimension_level_confirm(
                    answer=answer,
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"],
                    level=form.cleaned_data["level"],
                    justification=form.cleaned_data["justification"],
                )
            except services.EditConflict as error:
                conflict = error
                data = request.POST.copy()
                data["revision"] = str(error.current_revision)
                form = DimensionLevelForm(data, levels=levels, suggested=suggested)
                form.is_valid()
                form.add_error(None, str(error))
            except services.AssessmentError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{answer.dimension.name} is saved.")
                return redirect("assessments:task_list", pk=assessment.pk)
    else:
        form = DimensionLevelForm(levels=levels, suggested=suggested, initial=initial)
    return render(
        request,
        "assessments/dimension_level.html",
        {
            "assessment": assessment,
            "answer": answer,
            "dimension": answer.dimension,
            "form": form,
            "editable": editable,
            "conflict": conflict,
            "suggestion": suggestion,
            "levels": levels,
        },
    )


# --- Assigning ------------------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not (
        assessment.is_editable
        and permissions.can_assign_dimensions(request.user, assessment.authority)
    ):
        raise Http404
    tasks = selectors.assessment_task_list(assessment=assessment)
    people = [
        m.user
        for m in Membership.objects.filter(
            authority=assessment.authority,
            role__in=[MembershipRole.OFFICER, MembershipRole.AUTHORITY_LEAD],
            user__is_active=True,
        ).select_related("user")
    ]
    people_by_id = {str(p.pk): p for p in people}
    form = AssignForm(
        request.POST if request.method == "POST" else None, rows=tasks.dimensions, people=people
    )
    if request.method == "POST" and form.is_valid():
        try:
            for row in tasks.dimensions:
                chosen = form.cleaned_data[f"assignee_{row.answer.pk}"]
                services.dimension_assign(
                    answer=row.answer, actor=request.user, assignee=people_by_id.get(chosen)
                )
        except (ValidationError, services.AssessmentError) as error:
            form.add_error(None, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Dimensions have been assigned.")
            return redirect("assessments:task_list", pk=assessment.pk)
    return render(
        request, "assessments/assign.html", {"assessment": assessment, "form": form, "tasks": tasks}
    )


# --- Check and submit -----------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    can_submit = assessment.is_editable and permissions.can_submit_assessment(
        request.user, assessment.authority
    )
    errors: list[str] = []
    if request.method == "POST":
        if not can_submit:
            raise Http404
        try:
            services.assessment_submit(assessment=assessment, actor=request.user)
        except services.IncompleteAssessment as error:
            errors = error.missing
        except services.AssessmentError as error:
            errors = [str(error)]
        else:
            return redirect("assessments:submitted", pk=assessment.pk)
    tasks = selectors.assessment_task_list(assessment=assessment)
    missing = services.assessment_missing(assessment=assessment) if assessment.is_editable else []
    return render(
        request,
        "assessments/check_answers.html",
        {
            "assessment": assessment,
            "tasks": tasks,
            "checklist": selectors.checklist_answers(assessment=assessment),
            "missing": missing,
            "errors": errors,
            "can_submit": can_submit,
            "can_edit": _can_edit(request, assessment),
        },
    )


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if assessment.submitted_at is None:
        raise Http404
    return render(request, "assessments/submitted.html", {"assessment": assessment})


# --- History and results --------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def history(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    paginator = Paginator(selectors.assessment_history(assessment=assessment), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "assessments/history.html", {"assessment": assessment, "page": page})


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def results(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    stored = selectors.assessment_results(assessment=assessment)
    checklist_gaps = [
        a for a in selectors.checklist_answers(assessment=assessment) if a.status != "in_place"
    ]
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": assessment,
            "results": stored,
            "checklist_gaps": checklist_gaps,
            "statements": selectors.rated_statements(assessment=assessment) if stored else {},
        },
    )


# --- Rounds (national admins) ---------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def round_manage(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_round = services.round_open(
                actor=request.user,
                name=form.cleaned_data["name"],
                framework_version=form.cleaned_data["framework_version"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The {new_round.name} round is open.")
            return redirect("assessments:round_manage")
    return render(
        request,
        "assessments/rounds.html",
        {"form": form, "rounds": selectors.round_list()},
    )
