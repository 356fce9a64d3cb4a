"""Report pages: request a report, follow its status, download it, retry it.

Who sees what follows the request's "acting for": an authority's members see their authority's
reports; an area lead acting for an area sees that area's reports and its authorities' reports;
national admins see all. Views are declared SIGNED_IN because both authority members and area
leads use them; every one loads its objects through the tenant-taking selectors in
`reports.selectors`, so anything outside the request's tenant is a 404. Requests need
`can_request_report` (authority reports) or `can_review_area` (area reports) as well.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts import permissions
from accounts.models import Area
from assessments.models import Round
from core.access import AccessRule, access

from . import selectors, services
from .models import Report, ReportKind

REFRESH_SECONDS = 3


def _can_retry(request: HttpRequest, report: Report) -> bool:
    if report.kind == ReportKind.AUTHORITY:
        return permissions.can_request_report(request.user, report.authority)
    return permissions.can_review_area(request.user, report.area)


def _status(report: Report) -> dict:
    return {
        "id": report.pk,
        "status": report.status,
        "status_label": report.get_status_display(),
        "ready": report.is_ready,
        "failed": report.is_failed,
        "error": report.error if report.is_failed else "",
        "download_url": reverse("reports:download", args=[report.pk]) if report.is_ready else "",
    }


@access(AccessRule.SIGNED_IN)
@require_POST
def request_authority_report(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.report_assessment_get(
        user=request.user, acting_for=request.acting_for, pk=pk
    )
    if not permissions.can_request_report(request.user, assessment.authority):
        raise Http404
    report, created = services.authority_report_request(assessment=assessment, actor=request.user)
    if not created and report.is_ready:
        messages.info(request, "Nothing has changed since this report was made, so here it is.")
    return redirect("reports:detail", pk=report.pk)


@access(AccessRule.AREA)
@require_POST
def request_area_report(request: HttpRequest) -> HttpResponse:
    acting_for = request.acting_for
    area = acting_for.area
    if area is None and acting_for.is_national:
        try:
            area = Area.objects.filter(pk=int(request.POST.get("area", ""))).first()
        except ValueError:
            area = None
    if area is None or not permissions.can_review_area(request.user, area):
        raise Http404
    try:
        round_ = Round.objects.select_related("framework_version").get(
            pk=int(request.POST.get("round", ""))
        )
    except (Round.DoesNotExist, ValueError):
        raise Http404 from None
    report, _created = services.area_report_request(area=area, round=round_, actor=request.user)
    return redirect("reports:detail", pk=report.pk)


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET"])
def report_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.report_list(user=request.user, acting_for=request.acting_for)
    return render(request, "reports/list.html", {"reports": reports})


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, acting_for=request.acting_for, pk=pk)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "can_retry": report.is_failed and _can_retry(request, report),
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET"])
def status(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, acting_for=request.acting_for, pk=pk)
    response = JsonResponse(_status(report))
    response["Cache-Control"] = "private, no-store"
    return response


@access(AccessRule.SIGNED_IN)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, acting_for=request.acting_for, pk=pk)
    if not _can_retry(request, report):
        raise Http404
    if services.report_retry(report=report, actor=request.user):
        messages.info(request, "The report has been queued again.")
    return redirect("reports:detail", pk=report.pk)


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET"])
def download(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, acting_for=request.acting_for, pk=pk)
    if not report.is_ready or not report.stored_name:
        raise Http404
    try:
        handle = services.report_storage().open(report.stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=report.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
