"""National admins manage the model: list versions, import a file as a draft, clone a version into
a draft, edit a draft, compare two versions, publish, retire. Everyone else gets a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.access import AccessRule, access
from core.forms import add_service_errors
from frameworks import services
from frameworks.diff import framework_diff
from frameworks.export import framework_document_from_version, framework_version_export_yaml
from frameworks.forms import (
    CaseStudyForm,
    ChecklistItemForm,
    CloneForm,
    CompareForm,
    DimensionForm,
    FrameworkImportForm,
    LevelForm,
    StatementForm,
    StrandForm,
    VersionDetailsForm,
)
from frameworks.models import FrameworkVersion, Level
from frameworks.selectors import (
    FrameworkContents,
    framework_contents_get,
    framework_version_events,
    framework_version_get,
    framework_version_list,
)
from frameworks.services import next_version_number

GET_POST = ["GET", "POST"]


def _posted(request: HttpRequest, *, files: bool = False) -> tuple[Any, ...]:
    """A form's data: bound on POST even when nothing was filled in, unbound on GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def _version_or_404(pk: int) -> FrameworkVersion:
    try:
        return framework_version_get(pk=pk)
    except FrameworkVersion.DoesNotExist:
        raise Http404("No such version") from None


def _version_url(version: FrameworkVersion) -> str:
    return reverse("frameworks:manage_version", kwargs={"pk": version.pk})


def _refuse_unless_draft(request: HttpRequest, version: FrameworkVersion) -> HttpResponse | None:
    """Edit pages of a published or retired version send the admin back with the reason."""
    if version.is_draft:
        return None
    messages.error(
        request,
        f"Version {version.version} is {version.status}, so it cannot be changed. Clone it into "
        "a new draft to make changes.",
    )
    return redirect(_version_url(version))


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "frameworks/manage/version_list.html", {"versions": framework_version_list()}
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(pk)
    contents = framework_contents_get(version)
    compare_with = version.cloned_from
    return render(
        request,
        "frameworks/manage/version_detail.html",
        {
            "version": version,
            "contents": contents,
            "events": framework_version_events(version=version)[:50],
            "compare_with": compare_with,
        },
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def version_import(request: HttpRequest) -> HttpResponse:
    form = FrameworkImportForm(*_posted(request, files=True))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.framework_version_import_draft(
                document=form.document, actor=request.user
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request, f"Imported {version.title} {version.version} as a draft version."
            )
            return redirect(_version_url(version))
    return render(request, "frameworks/manage/import.html", {"form": form})


def _free_version_number(version: FrameworkVersion) -> str:
    taken = set(
        FrameworkVersion.objects.filter(slug=version.slug).values_list("version", flat=True)
    )
    candidate = next_version_number(version.version)
    while candidate in taken:
        candidate = next_version_number(candidate)
    return candidate


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def version_clone(request: HttpRequest, pk: int) -> HttpResponse:
    source = _version_or_404(pk)
    form = CloneForm(*_posted(request), initial={"version": _free_version_number(source)})
    if request.method == "POST" and form.is_valid():
        try:
            clone = services.framework_version_clone(
                source=source, version=form.cleaned_data["version"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Version {clone.version} is a new draft, copied from version {source.version}. "
                "Edit it, compare it, then publish it.",
            )
            return redirect(_version_url(clone))
    return render(request, "frameworks/manage/clone.html", {"form": form, "version": source})


def _confirm(
    request: HttpRequest,
    pk: int,
    *,
    template: str,
    allowed: Callable[[FrameworkVersion], bool],
    action: Callable[..., Any],
    done: str,
    after: Callable[[FrameworkVersion], str] | None = None,
) -> HttpResponse:
    version = _version_or_404(pk)
    if not allowed(version):
        messages.error(
            request, f"Version {version.version} is {version.status}: you cannot do that."
        )
        return redirect(_version_url(version))
    problems: list[str] = []
    if request.method == "POST":
        try:
            action(framework_version=version, actor=request.user)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, done.format(version=version))
            return redirect(after(version) if after else _version_url(version))
    return render(request, template, {"version": version, "problems": problems})


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        template="frameworks/manage/publish.html",
        allowed=lambda v: v.is_draft,
        action=services.framework_version_publish,
        done="Published version {version.version}. It can no longer be changed.",
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def version_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        template="frameworks/manage/retire.html",
        allowed=lambda v: v.is_published,
        action=services.framework_version_retire,
        done="Retired version {version.version}.",
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def version_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirm(
        request,
        pk,
        template="frameworks/manage/delete.html",
        allowed=lambda v: v.is_draft,
        action=services.framework_version_delete_draft,
        done="Deleted the draft version {version.version}.",
        after=lambda v: reverse("frameworks:manage_list"),
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version_or_404(pk)
    response = HttpResponse(
        framework_version_export_yaml(version), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{version.slug}-{version.version}.yaml"'
    )
    return response


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def version_compare(request: HttpRequest) -> HttpResponse:
    versions = framework_version_list()
    form = CompareForm(request.GET or None, versions=versions)
    diff = None
    if request.GET and form.is_valid():
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        diff = framework_diff(
            framework_document_from_version(old), framework_document_from_version(new)
        )
    elif not request.GET and len(versions) > 1:
        form = CompareForm(
            initial={"old": versions[1].pk, "new": versions[0].pk}, versions=versions
        )
    return render(
        request,
        "frameworks/manage/compare.html",
        {"form": form, "diff": diff, "versions": versions},
    )


# --- Editing a draft ----------------------------------------------------------------------------


def _edit(
    request: HttpRequest,
    pk: int,
    *,
    find: Callable[[FrameworkContents], Any],
    form_class: type,
    initial: Callable[[Any], dict[str, Any]],
    save: Callable[[Any, dict[str, Any]], Any],
    title: Callable[[Any], str],
    form_kwargs: Callable[[FrameworkContents, Any], dict[str, Any]] | None = None,
    back: Callable[[FrameworkVersion, Any], str] | None = None,
) -> HttpResponse:
    version = _version_or_404(pk)
    refused = _refuse_unless_draft(request, version)
    if refused:
        return refused
    contents = framework_contents_get(version)
    try:
        element = find(contents)
    except (KeyError, StopIteration):
        raise Http404("No such element") from None
    extra = form_kwargs(contents, element) if form_kwargs else {}
    form = form_class(*_posted(request), initial=initial(element), **extra)
    back_url = back(version, element) if back else _version_url(version)
    if request.method == "POST" and form.is_valid():
        try:
            save(element, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect(back_url)
    return render(
        request,
        "frameworks/manage/edit.html",
        {
            "version": version,
            "form": form,
            "title": title(element),
            "back_url": back_url,
            "element": element,
        },
    )


def _dimension_url(version: FrameworkVersion, dimension: Any) -> str:
    return reverse("frameworks:manage_dimension", kwargs={"pk": version.pk, "key": dimension.key})


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_details(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: contents.version,
        form_class=VersionDetailsForm,
        initial=lambda v: {
            "title": v.title,
            "introduction": v.introduction.replace("\n", "\n\n"),
            "strand_rule": v.strand_rule,
            "consistency_threshold": v.consistency_threshold,
            "checklist_introduction": v.checklist_introduction.replace("\n", "\n\n"),
            "case_studies_footer": v.case_studies_footer,
            "note": v.note.replace("\n", "\n\n"),
        },
        save=lambda v, data: services.framework_version_update_details(
            framework_version=v, actor=request.user, **data
        ),
        title=lambda v: f"Change the details of version {v.version}",
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_strand(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: contents.strand(key),
        form_class=StrandForm,
        initial=lambda s: {"name": s.name, "measures": s.measures},
        save=lambda s, data: services.strand_update(strand=s, actor=request.user, **data),
        title=lambda s: f"Change the strand {s.name}",
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def dimension_detail(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    version = _version_or_404(pk)
    contents = framework_contents_get(version)
    try:
        dimension = contents.dimension(key)
    except KeyError:
        raise Http404("No such dimension") from None
    return render(
        request,
        "frameworks/manage/dimension.html",
        {"version": version, "contents": contents, "dimension": dimension},
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_dimension(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: contents.dimension(key),
        form_class=DimensionForm,
        initial=lambda d: {"name": d.name},
        save=lambda d, data: services.dimension_update(dimension=d, actor=request.user, **data),
        title=lambda d: f"Change the name of the dimension {d.name}",
        back=_dimension_url,
    )


def _levels(contents: FrameworkContents, _: Any) -> dict[str, Any]:
    return {"levels": Level.objects.filter(framework_version=contents.version).order_by("order")}


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_statement(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: contents.statement(key),
        form_class=StatementForm,
        initial=lambda s: {"level": s.level_id, "text": s.text, "note": s.note},
        save=lambda s, data: services.statement_update(statement=s, actor=request.user, **data),
        title=lambda s: f"Change a statement of {s.dimension.name}",
        form_kwargs=_levels,
        back=lambda version, s: _dimension_url(version, s.dimension),
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def add_statement(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    level_key = request.GET.get("level", "")
    return _edit(
        request,
        pk,
        find=lambda contents: contents.dimension(key),
        form_class=StatementForm,
        initial=lambda d: {
            "level": next((c.level.pk for c in d.cells if c.level.key == level_key), None)
        },
        save=lambda d, data: services.statement_create(
            dimension=d,
            actor=request.user,
            level=data["level"],
            text=data["text"],
            note=data["note"],
        ),
        title=lambda d: f"Add a statement to {d.name}",
        form_kwargs=lambda contents, d: {**_levels(contents, d), "editing": False},
        back=_dimension_url,
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def delete_statement(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    version = _version_or_404(pk)
    refused = _refuse_unless_draft(request, version)
    if refused:
        return refused
    contents = framework_contents_get(version)
    try:
        statement = contents.statement(key)
    except KeyError:
        raise Http404("No such statement") from None
    back_url = _dimension_url(version, statement.dimension)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.statement_delete(statement=statement, actor=request.user)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "The statement was deleted.")
            return redirect(back_url)
    return render(
        request,
        "frameworks/manage/delete_statement.html",
        {"version": version, "statement": statement, "back_url": back_url, "problems": problems},
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_level(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: next(level for level in contents.levels if level.key == key),
        form_class=LevelForm,
        initial=lambda level: {"name": level.name, "whole_family_view": level.whole_family_view},
        save=lambda level, data: services.level_update(level=level, actor=request.user, **data),
        title=lambda level: f"Change level {level.number}: {level.name}",
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_checklist_item(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: next(i for i in contents.checklist_items if i.key == key),
        form_class=ChecklistItemForm,
        initial=lambda item: {"text": item.text},
        save=lambda item, data: services.checklist_item_update(
            item=item, actor=request.user, **data
        ),
        title=lambda item: "Change a pre-model checklist item",
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(GET_POST)
def edit_case_study(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    return _edit(
        request,
        pk,
        find=lambda contents: next(c for c in contents.case_studies if c.key == key),
        form_class=CaseStudyForm,
        initial=lambda c: {"name": c.name, "points": c.points, "note": c.note},
        save=lambda c, data: services.case_study_update(case_study=c, actor=request.user, **data),
        title=lambda c: f"Change the case study {c.name}",
    )
