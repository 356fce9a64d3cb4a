"""Action plans. Every view acts for `request.acting_for.authority` and loads the assessment or
action through tenant-taking selectors, so another authority's is a 404. Only the authority's lead
changes the plan; anyone who can see the authority can read and download it."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import permissions
from assessments.selectors import assessment_get
from core.access import AccessRule, access
from core.forms import add_service_errors
from frameworks.models import Statement

from . import selectors, services
from .forms import ActionForm


def _assessment(request: HttpRequest, pk: int):
    authority = request.acting_for.authority
    if not permissions.can_view_authority(request.user, authority):
        raise Http404
    return assessment_get(authority=authority, pk=pk)


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    today = timezone.localdate()
    actions = list(selectors.plan_actions(assessment=assessment))
    carried = list(selectors.carried_actions(assessment=assessment))
    ready = assessment.status in selectors.PLAN_STATUSES
    return render(
        request,
        "actions/plan.html",
        {
            "assessment": assessment,
            "ready": ready,
            "gaps": selectors.action_gaps(assessment=assessment) if ready else [],
            "actions": actions,
            "carried": carried,
            "today": today,
            "overdue": len(selectors.overdue(actions + carried, today)),
            "can_manage": permissions.can_manage_action_plan(request.user, assessment.authority),
        },
    )


def _owners(assessment):
    return selectors.possible_owners(authority=assessment.authority)


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not permissions.can_manage_action_plan(request.user, assessment.authority):
        raise Http404
    if assessment.status not in selectors.PLAN_STATUSES:
        messages.error(request, "You can draft an action plan once the assessment is submitted.")
        return redirect("actions:plan", pk=assessment.pk)
    statement = None
    statement_id = request.POST.get("statement") or request.GET.get("statement")
    if statement_id:
        try:
            statement = Statement.objects.select_related("dimension", "level").get(
                pk=int(statement_id), framework_version_id=assessment.framework_version_id
            )
        except (Statement.DoesNotExist, ValueError):
            raise Http404 from None
    initial = {"statement_text": statement.text if statement else ""}
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        owners=_owners(assessment),
        button="Add the action",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_create(
                assessment=assessment,
                actor=request.user,
                statement=statement,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The action has been added to your plan.")
            return redirect("actions:plan", pk=assessment.pk)
    return render(
        request,
        "actions/action_form.html",
        {"assessment": assessment, "form": form, "statement": statement, "title": "Add an action"},
    )


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not permissions.can_manage_action_plan(request.user, assessment.authority):
        raise Http404
    action = selectors.action_get(authority=assessment.authority, pk=action_id)
    initial = {
        "statement_text": action.statement_text,
        "description": action.description,
        "owner": action.owner_id,
        "due_on": action.due_on,
        "status": action.status,
    }
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        owners=_owners(assessment),
        button="Save the action",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(action=action, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The action has been saved.")
            return redirect("actions:plan", pk=assessment.pk)
    return render(
        request,
        "actions/action_form.html",
        {"assessment": assessment, "form": form, "action": action, "title": "Change the action"},
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP: prefix with a quote)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def plan_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    today = timezone.localdate()
    rows = list(selectors.plan_actions(assessment=assessment)) + list(
        selectors.carried_actions(assessment=assessment)
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"action-plan-{assessment.round.name}".replace(" ", "-").lower()
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["Round", "Dimension", "Statement", "Action", "Owner", "Due date", "Status", "Overdue"]
    )
    for action in rows:
        writer.writerow(
            [
                csv_safe(cell)
                for cell in (
                    action.assessment.round.name,
                    action.dimension.name if action.dimension else "",
                    action.statement_text,
                    action.description,
                    action.owner.full_name or action.owner.email,
                    action.due_on.isoformat(),
                    action.get_status_display(),
                    "Yes" if action.is_overdue_on(today) else "No",
                )
            ]
        )
    return response
