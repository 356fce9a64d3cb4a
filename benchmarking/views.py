"""Benchmark pages. Authority users see their own levels beside anonymised peer figures; area
leads see their area's authorities by name; national admins see every area and manage comparator
groups. Figures come only through ``benchmarking.selectors`` (small groups suppressed there)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from assessments.models import Round
from core.access import AccessRule, access

from . import selectors, services
from .forms import ComparatorGroupForm, HeatmapFilterForm, RoundChoiceForm, TrendGroupForm
from .models import ComparatorGroup, PeerGroupKind


def _authority(request: HttpRequest) -> Any:
    authority = request.acting_for.authority
    if authority is None or not permissions.can_view_authority(request.user, authority):
        raise Http404
    return authority


def _chosen(form: Any, rounds: Any, authority: Any = None) -> Round | None:
    """The round asked for; otherwise (also when the choice was invalid: the page shows the error)
    the newest with benchmarks, for an authority the newest in which it has its own results."""
    if form.is_bound and form.is_valid() and form.cleaned_data["round"]:
        return form.cleaned_data["round"]
    if authority is not None:
        own = selectors.rounds_with_own_results(rounds=rounds, authority=authority).first()
        if own is not None:
            return own
    return rounds.first()


@access(AccessRule.AUTHORITY)
@require_GET
def authority_benchmarks(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    rounds = selectors.benchmark_rounds()
    form = RoundChoiceForm(request.GET or None, rounds=rounds)
    round_obj = _chosen(form, rounds, authority)
    if not form.is_bound and round_obj is not None:
        form = RoundChoiceForm(initial={"round": round_obj.pk}, rounds=rounds)
    benchmark = (
        selectors.authority_benchmark(authority=authority, round=round_obj) if round_obj else None
    )
    return render(
        request,
        "benchmarking/authority.html",
        {
            "authority": authority,
            "form": form,
            "benchmark": benchmark,
            "suppressed_text": selectors.SUPPRESSED_TEXT,
            "min_group_size": services.min_group_size(),
        },
    )


@access(AccessRule.AUTHORITY)
@require_GET
def authority_trends(request: HttpRequest) -> HttpResponse:
    authority = _authority(request)
    form = TrendGroupForm(request.GET or None)
    kind = form.cleaned_data["group"] if form.is_bound and form.is_valid() else PeerGroupKind.ALL
    groups = {g.kind: g for g in selectors.peer_groups_for(authority=authority)}
    group = groups[kind]
    rows = selectors.authority_trends(authority=authority, group=group)
    return render(
        request,
        "benchmarking/trends.html",
        {
            "authority": authority,
            "form": form,
            "group": group,
            "rows": rows,
            "rounds": [p.round for p in rows[0].points] if rows else [],
            "suppressed_text": selectors.SUPPRESSED_TEXT,
        },
    )


@access(AccessRule.AREA)
@require_GET
def area_comparison(request: HttpRequest) -> HttpResponse:
    acting = request.acting_for
    national = bool(acting.is_national and permissions.is_national_admin(request.user))
    if not national and (
        acting.area is None or not permissions.can_review_area(request.user, acting.area)
    ):
        raise Http404
    rounds = Round.objects.order_by("-opens_on", "-pk")
    form = HeatmapFilterForm(request.GET or None, rounds=rounds, national=national)
    valid = form.is_bound and form.is_valid()
    round_obj = _chosen(form, rounds)
    area = acting.area if not national else (form.cleaned_data.get("area") if valid else None)
    heatmap = selectors.area_heatmap(round=round_obj, area=area) if round_obj else None
    return render(
        request,
        "benchmarking/area.html",
        {
            "form": form,
            "heatmap": heatmap,
            "area": area,
            "national": national,
            "suppressed_text": selectors.SUPPRESSED_TEXT,
        },
    )


# --- Comparator groups (national admins) ---------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
@require_GET
def comparator_groups(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "benchmarking/comparator_groups.html",
        {"groups": selectors.comparator_group_list()},
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def comparator_group_add(request: HttpRequest) -> HttpResponse:
    return _comparator_group_form(request, None)


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def comparator_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _comparator_group_form(request, get_object_or_404(ComparatorGroup, pk=pk))


def _comparator_group_form(request: HttpRequest, group: ComparatorGroup | None) -> HttpResponse:
    form = ComparatorGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = services.comparator_group_save(
            group=group,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            members=list(form.cleaned_data["members"]),
        )
        messages.success(
            request, f"{saved.name} has been saved. Its benchmarks will be recalculated shortly."
        )
        return redirect("benchmarking:comparator_groups")
    return render(
        request, "benchmarking/comparator_group_form.html", {"form": form, "group": group}
    )
