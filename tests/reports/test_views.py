"""Report pages: who may request, see, download and retry; another tenant's report or assessment
(and a forged id) is a 404; the status page works without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import Report, ReportStatus

from .conftest import stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_report(assessment, tenants, committed):
    from reports import services

    with committed():
        report, _ = services.authority_report_request(assessment=assessment, actor=tenants.a.lead)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    return report


def test_an_authority_lead_requests_a_report_and_downloads_it(
    client, assessment, tenants, committed, reports_root
):
    client.force_login(tenants.a.lead)
    page = client.get(reverse("assessments:results", args=[assessment.pk]))
    assert reverse("reports:request_authority", args=[assessment.pk]) in page.content.decode()
    with committed():
        response = client.post(reverse("reports:request_authority", args=[assessment.pk]))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Download the report" in detail
    status = client.get(reverse("reports:status", args=[report.pk])).json()
    assert status["status"] == "ready" and status["download_url"]
    download = client.get(reverse("reports:download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert len(stored_files(reports_root)) == 1
    # Asking again for unchanged data gives the same report.
    with committed():
        client.post(reverse("reports:request_authority", args=[assessment.pk]))
    assert Report.objects.count() == 1


def test_a_viewer_sees_and_downloads_but_cannot_request(client, ready_report, tenants, assessment):
    client.force_login(tenants.a.viewer)
    assert client.get(reverse("reports:detail", args=[ready_report.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[ready_report.pk])).status_code == 200
    response = client.post(reverse("reports:request_authority", args=[assessment.pk]))
    assert response.status_code == 404
    page = client.get(reverse("assessments:results", args=[assessment.pk])).content.decode()
    assert reverse("reports:request_authority", args=[assessment.pk]) not in page


@pytest.mark.parametrize("role", ["authority_lead", "officer", "viewer", "area_lead"])
def test_another_authority_s_reports_and_assessments_are_404(
    client, ready_report, other_assessment, tenants, role
):
    client.force_login(tenants.b.member(role))
    for name in ("reports:detail", "reports:status", "reports:download"):
        assert client.get(reverse(name, args=[ready_report.pk])).status_code == 404, name
    assert client.post(reverse("reports:retry", args=[ready_report.pk])).status_code == 404
    # Authority A's assessment, asked for by B's people.
    assessment_a = ready_report.assessment
    url = reverse("reports:request_authority", args=[assessment_a.pk])
    assert client.post(url).status_code == 404
    assert Report.objects.count() == 1


def test_forged_ids_are_404(client, tenants, assessment):
    client.force_login(tenants.a.lead)
    assert client.get(reverse("reports:detail", args=[999999])).status_code == 404
    assert client.get(reverse("reports:download", args=[999999])).status_code == 404
    assert client.post(reverse("reports:request_authority", args=[999999])).status_code == 404
    assert client.post(reverse("reports:request_area"), {"round": "x"}).status_code == 404


def test_the_area_lead_sees_their_authorities_reports(client, ready_report, tenants):
    client.force_login(tenants.a.area_lead)
    assert client.get(reverse("reports:download", args=[ready_report.pk])).status_code == 200
    assert ready_report.title in client.get(reverse("reports:list")).content.decode()


def test_an_area_lead_requests_an_area_report_and_not_another_area_s(
    client, tenants, open_round, assessment, committed
):
    client.force_login(tenants.a.area_lead)
    dashboard = client.get(reverse("reviews:dashboard")).content.decode()
    assert reverse("reports:request_area") in dashboard
    with committed():
        response = client.post(
            reverse("reports:request_area"), {"round": open_round.pk, "area": tenants.b.area.pk}
        )
    report = Report.objects.get()
    assert report.area == tenants.a.area  # the area acted for, never the form's
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    client.force_login(tenants.b.area_lead)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    client.force_login(tenants.a.lead)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404


def test_a_failed_report_shows_the_reason_and_retries(
    client, assessment, tenants, committed, monkeypatch
):
    from reports import rendering

    def broken(data, now=None):
        raise RuntimeError("no fonts on this machine")

    monkeypatch.setattr(rendering, "authority_report_pdf", broken)
    client.force_login(tenants.a.lead)
    with committed():
        response = client.post(reverse("reports:request_authority", args=[assessment.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "The report could not be produced" in page and "no fonts on this machine" in page
    report = Report.objects.get()
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    monkeypatch.undo()
    with committed():
        client.post(reverse("reports:retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_the_status_page_offers_a_refresh_link_and_a_script_file(client, assessment, tenants):
    report = Report.objects.create(
        kind="authority",
        authority=assessment.authority,
        assessment=assessment,
        title="Waiting",
        fingerprint="x",
        template_version="x",
    )
    client.force_login(tenants.a.lead)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Refresh this page" in page
    assert 'src="/static/reports/report-status.js"' in page
    assert "<script>" not in page and " style=" not in page
    assert client.get(reverse("reports:status", args=[report.pk])).json()["status"] == "queued"


def test_a_national_admin_requests_any_area_s_report(client, tenants, open_round, committed):
    client.force_login(tenants.national_admin)
    with committed():
        response = client.post(
            reverse("reports:request_area"), {"round": open_round.pk, "area": tenants.b.area.pk}
        )
    report = Report.objects.get()
    assert report.area == tenants.b.area
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert client.post(reverse("reports:request_area"), {"round": open_round.pk}).status_code == 404
