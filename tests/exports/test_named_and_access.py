"""Area leads and national admins: named authorities; who may reach which export; bad and forged
choices; formula injection; a constant number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AreaAssignment, Authority
from assessments.models import DimensionResult
from benchmarking.synthetic import pool_bulk_create
from reviews.models import Moderation
from tests.factories.accounts import AuthorityFactory

from .conftest import make_round, read_csv, read_xlsx, xlsx_rows

pytestmark = pytest.mark.django_db

PAGES = ["exports:authority", "exports:area", "exports:national"]
DOWNLOADS = ["exports:authority_download", "exports:area_download", "exports:national_download"]


def get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


# --- Area leads and national admins ---------------------------------------------------------------


def test_an_area_lead_gets_their_area_s_authorities_by_name(
    client, tenants, submitted, other_submitted
):
    extra = AuthorityFactory(name="Authority A2", area=tenants.a.area)
    rows = read_csv(
        get(client, tenants.a.area_lead, "exports:area_download", round="all", format="csv")
    )
    assert {r["Authority"] for r in rows} == {"Authority A", "Authority A2"}
    assert {r["Area"] for r in rows} == {"Area A"}
    a2 = [r for r in rows if r["Authority"] == extra.name]
    assert [(r["Status"], r["Row"]) for r in a2] == [("Not started", "")]
    a_rows = [r for r in rows if r["Authority"] == "Authority A"]
    assert len(a_rows) == 14 and a_rows[0]["Status"] == "Submitted"
    assert not any(": " in heading for heading in rows[0])  # no peer columns: named data only


def test_an_area_lead_of_two_areas_exports_only_the_area_acted_for(
    client, tenants, submitted, other_submitted
):
    lead = tenants.a.area_lead
    AreaAssignment.objects.create(user=lead, area=tenants.b.area)
    client.force_login(lead)
    session = client.session
    session["portal_acting_for"] = f"area:{tenants.b.area.pk}"
    session.save()
    response = client.get(
        reverse("exports:area_download"), {"round": submitted.round_id, "format": "xlsx"}
    )
    rows = xlsx_rows(read_xlsx(response))
    assert {r["Authority"] for r in rows} == {"Authority B"}
    assert "area-b" in response["Content-Disposition"]


def test_a_national_admin_gets_every_authority(client, tenants, submitted, other_submitted):
    response = get(
        client, tenants.national_admin, "exports:national_download", round="all", format="xlsx"
    )
    workbook = read_xlsx(response)
    rows = xlsx_rows(workbook)
    assert {r["Authority"] for r in rows} == {"Authority A", "Authority B"}
    assert "maturity-results-all-authorities-every-round-" in response["Content-Disposition"]
    assert workbook["Results"].freeze_panes == "A2"
    # Acting nationally, the area export is the national one.
    response = get(client, tenants.national_admin, "exports:area", round=submitted.round_id)
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:national") + f"?round={submitted.round_id}"


# --- Who may reach what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "authority_lead", "viewer"])
def test_authority_users_cannot_reach_the_named_exports(client, tenants, submitted, role):
    user = tenants.a.member(role)
    for name in ["exports:area", "exports:area_download", *PAGES[2:], *DOWNLOADS[2:]]:
        response = get(client, user, name, round=submitted.round_id, format="csv")
        assert response.status_code == 404, (role, name)


def test_an_area_lead_cannot_reach_the_national_or_an_authority_export(client, tenants, submitted):
    for name in ["exports:national", "exports:national_download", *PAGES[:1], *DOWNLOADS[:1]]:
        response = get(client, tenants.a.area_lead, name, round=submitted.round_id, format="csv")
        assert response.status_code == 404, name


def test_another_authority_s_user_sees_nothing_of_it(client, tenants, submitted):
    # B has no assessment: B's export of the same round is a status row, without A's data.
    response = get(client, tenants.b.lead, "exports:authority_download", round="all", format="csv")
    rows = read_csv(response)
    assert [(r["Authority"], r["Status"]) for r in rows] == [("Authority B", "Not started")]
    assert b"Authority A" not in response.content


def test_signed_out_requests_go_to_sign_in(client):
    login = reverse("accounts:login")
    for name in PAGES + DOWNLOADS:
        response = client.get(reverse(name), {"round": "1", "format": "csv"})
        assert response.status_code == 302
        assert response["Location"].startswith(f"{login}?next=")


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, ["Choose a round", "Choose a file format"]),
        ({"round": "999999", "format": "csv"}, ["Choose a round from the list"]),
        ({"round": "1 OR 1=1", "format": "csv"}, ["Choose a round from the list"]),
        ({"round": "all", "format": "pdf"}, ["Choose CSV or Excel workbook"]),
    ],
)
@pytest.mark.parametrize(
    ("who", "name"),
    [
        ("viewer", "exports:authority_download"),
        ("area_lead", "exports:area_download"),
        ("national", "exports:national_download"),
    ],
)
def test_bad_choices_show_an_error_summary(client, tenants, submitted, params, errors, who, name):
    user = tenants.national_admin if who == "national" else tenants.a.member(who)
    response = get(client, user, name, **params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "govuk-error-summary" in html and "There is a problem" in html
    for error in errors:
        assert error in html
    assert "- Error -" in html.split("</title>")[0]


def test_export_pages_explain_and_preselect_the_round(client, tenants, submitted, version):
    make_round(version, "2025 to 2026", days_ago=400)
    html = get(client, tenants.a.viewer, "exports:authority", round=submitted.round_id)
    html = html.content.decode()
    assert "Download your results" in html and "Authority A" in html
    assert re.search(rf'value="{submitted.round_id}"\s+checked', html)
    assert not re.search(r'value="csv"\s+checked', html)  # the format is the user's choice
    assert "Too few authorities to show without identifying them." in html
    assert "Moderated level" in html  # the column descriptions
    html = get(client, tenants.a.area_lead, "exports:area").content.decode()
    assert "Area A" in html and "Every round" in html


def test_pages_link_to_the_exports(client, tenants, submitted):
    client.force_login(tenants.a.viewer)
    html = client.get(reverse("assessments:results", args=[submitted.pk])).content.decode()
    assert f"{reverse('exports:authority')}?round={submitted.round_id}" in html
    client.force_login(tenants.a.area_lead)
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert f"{reverse('exports:area')}?round={submitted.round_id}" in html
    client.force_login(tenants.national_admin)
    html = client.get(reverse("accounts:national_index")).content.decode()
    assert reverse("exports:national") in html
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert f"{reverse('exports:national')}?round={submitted.round_id}" in html


def test_with_no_rounds_there_is_nothing_to_choose(client, tenants):
    html = get(client, tenants.a.viewer, "exports:authority").content.decode()
    assert "There are no assessment rounds yet" in html and 'name="round"' not in html
    response = get(client, tenants.a.viewer, "exports:authority_download", round="all")
    assert "Choose a round from the list" in response.content.decode()


# --- Formula injection ----------------------------------------------------------------------------

INJECTIONS = ['=HYPERLINK("http://x")', "+1+2", "-3+4", "@SUM(A1)", "\tTabbed", "\rReturn"]


def test_text_a_spreadsheet_would_run_is_neutralised(client, tenants, submitted, committed):
    from reviews.services import dimension_moderate

    Authority.objects.filter(pk=tenants.a.authority.pk).update(name="=cmd|' /C calc'!A0")
    answers = list(submitted.dimension_answers.select_related("dimension"))
    with committed():
        for answer, reason in zip(answers, INJECTIONS, strict=False):
            level = answer.confirmed_level - 1 if answer.confirmed_level > 1 else 2
            dimension_moderate(
                assessment=submitted,
                answer=answer,
                actor=tenants.a.area_lead,
                level=level,
                reason="placeholder",
            )
            # The service strips whitespace; stored text may still start with a tab (imports).
            Moderation.objects.filter(answer=answer).update(reason=reason)
    # A stored self-assessed level above the moderated one: a negative gap.
    DimensionResult.objects.filter(
        result__assessment=submitted, dimension=answers[0].dimension
    ).update(confirmed_level=4)
    response = get(client, tenants.a.area_lead, "exports:area_download", round="all", format="csv")
    rows = read_csv(response)
    assert {r["Authority"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    reasons = sorted(r["Moderation reason"] for r in rows if r["Moderation reason"])
    assert reasons == sorted("'" + text for text in INJECTIONS)
    gaps = [r["Gap"] for r in rows if r["Gap"]]
    assert any(g.startswith("-") for g in gaps)  # numbers are written as numbers
    workbook = read_xlsx(
        get(client, tenants.a.area_lead, "exports:area_download", round="all", format="xlsx")
    )
    sheet = workbook["Results"]
    values = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not [c for c in values if c.data_type == "f"]  # no formula cells at all
    texts = {c.value for c in values if isinstance(c.value, str)}
    assert "'=cmd|' /C calc'!A0" in texts
    for text in INJECTIONS:
        assert "'" + text.replace("\r", "\n") in texts  # XML reads a carriage return as \n
    assert any(isinstance(c.value, int) and c.value < 0 for c in values)


def test_the_writers_neutralise_every_trigger_and_drop_illegal_characters():
    from exports import tables

    table = tables.Table(
        title="Results",
        columns=[tables.Column("=Heading", "x"), tables.Column("Text", "y")],
        rows=[[text, "ok\x00\x07fine"] for text in INJECTIONS] + [[None, 3]],
    )
    csv_text = tables.to_csv(table).decode("utf-8-sig")
    assert csv_text.startswith("'=Heading,Text")
    workbook = read_xlsx(type("R", (), {"content": tables.to_xlsx(table)}))
    rows = list(workbook["Results"].iter_rows(values_only=True))
    assert rows[0] == ("'=Heading", "Text")
    assert [r[0] for r in rows[1:-1]] == ["'" + t.replace("\r", "\n") for t in INJECTIONS]
    assert rows[1][1] == "okfine"
    assert rows[-1] == (None, 3)


# --- Queries --------------------------------------------------------------------------------------


def _count(client, name, **params) -> int:
    client.get(reverse(name), params)  # the session's first request primes its caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_queries_do_not_grow_with_the_number_of_authorities(
    client, tenants, version, submitted, fmt
):
    past = make_round(version, "2025 to 2026", days_ago=400)
    pool_bulk_create(round=past, authorities=[tenants.a.authority, tenants.b.authority], seed=1)
    counts = {}
    for size in (2, 12):
        more = [
            AuthorityFactory(name=f"Extra {size}-{i}", area=tenants.a.area) for i in range(size)
        ]
        pool_bulk_create(round=past, authorities=more, seed=size)
        params = {"round": "all", "format": fmt}
        client.force_login(tenants.national_admin)
        national = _count(client, "exports:national_download", **params)
        client.force_login(tenants.a.area_lead)
        area = _count(client, "exports:area_download", **params)
        client.force_login(tenants.a.viewer)
        authority = _count(client, "exports:authority_download", **params)
        counts[size] = (national, area, authority)
    assert counts[2] == counts[12], counts
    national, area, authority = counts[12]
    assert national <= 12 and area <= 12 and authority <= 30, counts
