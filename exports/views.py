"""Export pages and downloads. Each export has a page (what it holds, a choice of round and format)
and a download view (a GET form, so a download is a plain link that works without JavaScript). Bad
or forged choices show the page again with a GOV.UK error summary; the data always comes from the
tenant the request acts for: an authority's own results, the area acted for, or (national admins)
every authority."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts import permissions
from assessments.models import Round
from benchmarking.services import min_group_size
from core.access import AccessRule, access

from . import builders, selectors, tables
from .forms import ExportForm

Build = Callable[[list[Round], bool], builders.Export]


def file_name(subject: str, rounds: list[Round], every_round: bool, extension: str) -> str:
    """e.g. maturity-results-barsetshire-2026-to-2027-2026-12-01.csv"""
    which = "every-round" if every_round else slugify(rounds[0].name) or "round"
    who = slugify(subject)[:60] or "results"
    return f"maturity-results-{who}-{which}-{timezone.localdate().isoformat()}.{extension}"


def _download(export: builders.Export, fmt: str, rounds: list[Round], every: bool) -> HttpResponse:
    if fmt == "xlsx":
        body, content_type = tables.to_xlsx(export.table), tables.XLSX_CONTENT_TYPE
    else:
        body, content_type = tables.to_csv(export.table), tables.CSV_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, file_name(export.subject, rounds, every, fmt)
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _export(
    request: HttpRequest,
    *,
    download: bool,
    build: Build,
    page: dict[str, Any],
    download_url: str,
) -> HttpResponse:
    rounds = list(selectors.rounds_for_export())
    if download:
        form = ExportForm(request.GET, rounds=rounds)
        if form.is_valid():
            chosen, every = form.chosen()
            return _download(build(chosen, every), form.cleaned_data["format"], chosen, every)
    else:
        asked = request.GET.get("round", "")
        known = {str(r.pk) for r in rounds}
        initial_round = asked if asked in known else (str(rounds[0].pk) if rounds else "")
        form = ExportForm(initial={"round": initial_round}, rounds=rounds)
    return render(
        request,
        "exports/export.html",
        {
            **page,
            "form": form,
            "rounds": rounds,
            "download_url": download_url,
            "columns": builders.RESULT_COLUMNS,
            "peer_fields": builders.PEER_FIELDS,
            "suppressed_text": builders.SUPPRESSED_TEXT,
            "min_group_size": min_group_size(),
        },
    )


# --- An authority's own results -------------------------------------------------------------------


def _authority(request: HttpRequest) -> Any:
    authority = request.acting_for.authority
    if authority is None or not permissions.can_view_authority(request.user, authority):
        raise Http404
    return authority


def _authority_export(request: HttpRequest, *, download: bool) -> HttpResponse:
    authority = _authority(request)
    return _export(
        request,
        download=download,
        build=lambda rounds, every: builders.authority_export(
            authority=authority, rounds=rounds, every_round=every
        ),
        page={"kind": "authority", "caption": authority.name, "title": "Download your results"},
        download_url=reverse("exports:authority_download"),
    )


@access(AccessRule.AUTHORITY)
@require_GET
def authority_page(request: HttpRequest) -> HttpResponse:
    return _authority_export(request, download=False)


@access(AccessRule.AUTHORITY)
@require_GET
def authority_download(request: HttpRequest) -> HttpResponse:
    return _authority_export(request, download=True)


# --- An area's authorities ------------------------------------------------------------------------


def _area_export(request: HttpRequest, *, download: bool) -> HttpResponse:
    acting = request.acting_for
    area = acting.area
    if area is None or not permissions.can_review_area(request.user, area):
        if acting.is_national and permissions.is_national_admin(request.user):
            name = "exports:national_download" if download else "exports:national"
            query = request.GET.urlencode()
            return HttpResponseRedirect(reverse(name) + (f"?{query}" if query else ""))
        raise Http404
    return _export(
        request,
        download=download,
        build=lambda rounds, every: builders.named_authorities_export(
            authorities=selectors.authorities_in_area(area),
            rounds=rounds,
            every_round=every,
            subject=area.name,
        ),
        page={"kind": "area", "caption": area.name, "title": "Download your area's results"},
        download_url=reverse("exports:area_download"),
    )


@access(AccessRule.AREA)
@require_GET
def area_page(request: HttpRequest) -> HttpResponse:
    return _area_export(request, download=False)


@access(AccessRule.AREA)
@require_GET
def area_download(request: HttpRequest) -> HttpResponse:
    return _area_export(request, download=True)


# --- Every authority (national admins) ------------------------------------------------------------


def _national_export(request: HttpRequest, *, download: bool) -> HttpResponse:
    if not permissions.is_national_admin(request.user):  # checked by the rule too
        raise Http404
    return _export(
        request,
        download=download,
        build=lambda rounds, every: builders.named_authorities_export(
            authorities=selectors.all_authorities(),
            rounds=rounds,
            every_round=every,
            subject="All authorities",
        ),
        page={
            "kind": "national",
            "caption": "National admin",
            "title": "Download every authority's results",
        },
        download_url=reverse("exports:national_download"),
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def national_page(request: HttpRequest) -> HttpResponse:
    return _national_export(request, download=False)


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def national_download(request: HttpRequest) -> HttpResponse:
    return _national_export(request, download=True)
