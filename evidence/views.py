"""Evidence pages. Like the assessment pages they act for `request.acting_for.authority`
(AccessRule.AUTHORITY), check `can_view_authority` and load the assessment, answer and item
through tenant-taking selectors, so another authority's evidence is a 404. Changes need
`can_edit_assessment` and an editable assessment; the services check the state again.

Reviewers (area leads for their area's authorities, national admins) download through
`review_download` (AccessRule.AREA)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from accounts import permissions
from assessments import selectors as assessment_selectors
from assessments.models import Assessment, DimensionAnswer
from core.access import AccessRule, access
from core.forms import add_service_errors

from . import selectors, services
from .forms import EvidenceEditForm, EvidenceFileForm, EvidenceLinkForm, EvidenceTextForm
from .models import EvidenceItem, EvidenceKind
from .storage import evidence_storage
from .uploads import EvidenceSizeLimitHandler
from .validation import human_size, max_upload_bytes


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    authority = request.acting_for.authority
    if not permissions.can_view_authority(request.user, authority):
        raise Http404
    return assessment_selectors.assessment_get(authority=authority, pk=pk)


def _answer(request: HttpRequest, pk: int, key: str) -> tuple[Assessment, DimensionAnswer]:
    authority = request.acting_for.authority
    if not permissions.can_view_authority(request.user, authority):
        raise Http404
    answer = assessment_selectors.dimension_answer_get(
        authority=authority, assessment_pk=pk, dimension_key=key
    )
    return answer.assessment, answer


def _editable_answer(request: HttpRequest, pk: int, key: str) -> tuple[Assessment, DimensionAnswer]:
    """The answer, for a change: 404 for someone who may only read, or once submitted."""
    assessment, answer = _answer(request, pk, key)
    if not (
        assessment.is_editable
        and permissions.can_edit_assessment(request.user, assessment.authority)
    ):
        raise Http404
    return assessment, answer


def _dimension_url(assessment: Assessment, answer: DimensionAnswer) -> str:
    url = reverse(
        "assessments:dimension", kwargs={"pk": assessment.pk, "key": answer.dimension.key}
    )
    return f"{url}#evidence"


def _apply_error(form: Any, error: Exception) -> None:
    if isinstance(error, ValidationError):
        add_service_errors(form, error, default_field="file" if "file" in form.fields else None)
    else:
        form.add_error(None, str(error))


def _render_form(
    request: HttpRequest,
    *,
    assessment: Assessment,
    answer: DimensionAnswer,
    form: Any,
    heading: str,
    template: str = "evidence/form.html",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "assessment": assessment,
            "answer": answer,
            "dimension": answer.dimension,
            "form": form,
            "heading": heading,
            "back_url": _dimension_url(assessment, answer),
            "max_bytes": max_upload_bytes(),
            **extra,
        },
        status=status,
    )


# --- Adding -----------------------------------------------------------------------------------


@csrf_exempt
@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def add_file(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The size-limit handler must be in place before anything reads the body, so the CSRF check
    runs after it (the documented pattern for custom upload handlers)."""
    limit = EvidenceSizeLimitHandler(request)
    if request.method == "POST":
        request.upload_handlers.insert(0, limit)
    return _add_file(request, pk, key, limit)


@csrf_protect
def _add_file(
    request: HttpRequest, pk: int, key: str, limit: EvidenceSizeLimitHandler
) -> HttpResponse:
    assessment, answer = _editable_answer(request, pk, key)
    heading = "Upload a file"
    if request.method != "POST":
        return _render_form(
            request,
            assessment=assessment,
            answer=answer,
            form=EvidenceFileForm(),
            heading=heading,
            template="evidence/add_file.html",
        )
    try:
        data, files = request.POST, request.FILES
    except RequestDataTooBig:
        data, files = {}, {}
        limit.too_large = True
    form = EvidenceFileForm(data, files)
    valid = form.is_valid()
    if limit.too_large:
        form.errors.pop("file", None)
        form.add_error(
            "file", f"The selected file must be smaller than {human_size(max_upload_bytes())}"
        )
        valid = False
    if valid:
        try:
            services.evidence_file_add(
                answer=answer,
                actor=request.user,
                uploaded=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                no_personal_data_confirmed=form.cleaned_data["no_personal_data_confirmed"],
            )
        except (ValidationError, services.EvidenceError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"Your file “{form.cleaned_data['title']}” has been added.")
            return redirect(_dimension_url(assessment, answer))
    return _render_form(
        request,
        assessment=assessment,
        answer=answer,
        form=form,
        heading=heading,
        template="evidence/add_file.html",
        status=400 if limit.too_large else 200,
    )


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def add_link(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    assessment, answer = _editable_answer(request, pk, key)
    form = EvidenceLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_link_add(answer=answer, actor=request.user, **form.cleaned_data)
        except (ValidationError, services.EvidenceError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"Your link “{form.cleaned_data['title']}” has been added.")
            return redirect(_dimension_url(assessment, answer))
    return _render_form(
        request, assessment=assessment, answer=answer, form=form, heading="Add a link"
    )


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def add_text(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    assessment, answer = _editable_answer(request, pk, key)
    form = EvidenceTextForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_text_add(answer=answer, actor=request.user, **form.cleaned_data)
        except (ValidationError, services.EvidenceError) as error:
            _apply_error(form, error)
        else:
            messages.success(
                request, f"Your statement “{form.cleaned_data['title']}” has been added."
            )
            return redirect(_dimension_url(assessment, answer))
    return _render_form(
        request,
        assessment=assessment,
        answer=answer,
        form=form,
        heading="Add a written statement",
    )


# --- Editing and removing ---------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, key: str, item_id: int) -> HttpResponse:
    assessment, answer = _editable_answer(request, pk, key)
    item = selectors.evidence_get(assessment=assessment, answer=answer, pk=item_id)
    initial = {"title": item.title, "description": item.description}
    if item.kind == EvidenceKind.LINK:
        initial["url"] = item.url
    if item.kind == EvidenceKind.TEXT:
        initial["text"] = item.text
    form = EvidenceEditForm(
        request.POST if request.method == "POST" else None, item=item, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(item=item, actor=request.user, **form.cleaned_data)
        except (ValidationError, services.EvidenceError) as error:
            _apply_error(form, error)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” has been saved.")
            return redirect(_dimension_url(assessment, answer))
    return _render_form(
        request,
        assessment=assessment,
        answer=answer,
        form=form,
        heading=f"Change {item.get_kind_display().lower()} evidence",
        item=item,
    )


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, pk: int, key: str, item_id: int) -> HttpResponse:
    assessment, answer = _editable_answer(request, pk, key)
    item = selectors.evidence_get(assessment=assessment, answer=answer, pk=item_id)
    error = None
    if request.method == "POST":
        try:
            services.evidence_remove(item=item, actor=request.user)
        except services.EvidenceError as refused:
            error = str(refused)
        else:
            messages.success(request, f"“{item.title}” has been removed.")
            return redirect(_dimension_url(assessment, answer))
    return render(
        request,
        "evidence/remove.html",
        {
            "assessment": assessment,
            "answer": answer,
            "dimension": answer.dimension,
            "item": item,
            "error": error,
            "back_url": _dimension_url(assessment, answer),
        },
    )


# --- Downloads --------------------------------------------------------------------------------


def _file_response(item: EvidenceItem) -> HttpResponse:
    if not item.has_file:
        raise Http404
    try:
        handle = evidence_storage().open(item.stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET"])
def download(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    item = selectors.evidence_get(assessment=assessment, pk=item_id)
    return _file_response(item)


@access(AccessRule.AREA)
@require_http_methods(["GET"])
def review_download(request: HttpRequest, item_id: int) -> HttpResponse:
    acting = request.acting_for
    national = permissions.is_national_admin(request.user) and acting.is_national
    item = selectors.evidence_get_for_review(pk=item_id, area=acting.area, national=national)
    if not permissions.can_review_authority(request.user, item.authority):
        raise Http404
    return _file_response(item)
