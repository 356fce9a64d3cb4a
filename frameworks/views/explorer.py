"""The public model explorer: anyone can read the published versions of the model, no sign-in."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.access import AccessRule, access
from frameworks.models import FrameworkVersion
from frameworks.selectors import (
    FrameworkContents,
    framework_contents_get,
    framework_version_default_published,
    framework_version_get_published,
    framework_version_latest_published,
    framework_version_list_published,
)


def _published_or_404(slug: str, version: str) -> FrameworkVersion:
    try:
        return framework_version_get_published(slug, version)
    except FrameworkVersion.DoesNotExist:
        raise Http404("No such published version") from None


def _context(version: FrameworkVersion, **extra: Any) -> dict[str, Any]:
    contents = framework_contents_get(version)
    versions = framework_version_list_published(version.slug)
    latest = versions[0] if versions else version
    return {
        "version": version,
        "contents": contents,
        "published_versions": versions,
        "latest": latest,
        "is_latest": latest.pk == version.pk,
        **extra,
    }


def _render_overview(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    return render(request, "frameworks/explorer/overview.html", _context(version))


@access(AccessRule.PUBLIC)
@require_GET
def explorer(request: HttpRequest) -> HttpResponse:
    """The start page: the latest published version of the model."""
    version = framework_version_default_published()
    if version is None:
        return render(request, "frameworks/explorer/none_published.html")
    return _render_overview(request, version)


@access(AccessRule.PUBLIC)
@require_GET
def latest(request: HttpRequest, slug: str) -> HttpResponse:
    version = framework_version_latest_published(slug)
    if version is None:
        raise Http404("No published version")
    return redirect("frameworks:version", slug=slug, version=version.version)


@access(AccessRule.PUBLIC)
@require_GET
def version_overview(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    return _render_overview(request, _published_or_404(slug, version))


@access(AccessRule.PUBLIC)
@require_GET
def choose_version(request: HttpRequest, slug: str) -> HttpResponse:
    """The version picker's GET form lands here and goes on to the chosen version (or the latest
    when the choice is missing or unknown)."""
    chosen = request.GET.get("version", "")
    versions = {v.version: v for v in framework_version_list_published(slug)}
    if not versions:
        raise Http404("No published version")
    target = versions.get(chosen) or next(iter(versions.values()))
    return redirect("frameworks:version", slug=slug, version=target.version)


def _dimension_neighbours(contents: FrameworkContents, key: str) -> tuple[Any, Any]:
    dimensions = contents.dimensions
    keys = [d.key for d in dimensions]
    index = keys.index(key)
    previous = dimensions[index - 1] if index > 0 else None
    following = dimensions[index + 1] if index + 1 < len(dimensions) else None
    return previous, following


@access(AccessRule.PUBLIC)
@require_GET
def dimension(request: HttpRequest, slug: str, version: str, key: str) -> HttpResponse:
    context = _context(_published_or_404(slug, version))
    contents: FrameworkContents = context["contents"]
    try:
        found = contents.dimension(key)
    except KeyError:
        raise Http404("No such dimension") from None
    previous, following = _dimension_neighbours(contents, key)
    context.update(
        {
            "dimension": found,
            "strand": found.strand,
            "strand_number": contents.strands.index(found.strand) + 1,
            "previous_dimension": previous,
            "next_dimension": following,
        }
    )
    return render(request, "frameworks/explorer/dimension.html", context)


@access(AccessRule.PUBLIC)
@require_GET
def whole_model(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    return render(
        request, "frameworks/explorer/whole_model.html", _context(_published_or_404(slug, version))
    )


@access(AccessRule.PUBLIC)
@require_GET
def levels(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    return render(
        request, "frameworks/explorer/levels.html", _context(_published_or_404(slug, version))
    )


@access(AccessRule.PUBLIC)
@require_GET
def checklist(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    return render(
        request, "frameworks/explorer/checklist.html", _context(_published_or_404(slug, version))
    )


@access(AccessRule.PUBLIC)
@require_GET
def case_studies(request: HttpRequest, slug: str, version: str) -> HttpResponse:
    return render(
        request,
        "frameworks/explorer/case_studies.html",
        _context(_published_or_404(slug, version)),
    )
