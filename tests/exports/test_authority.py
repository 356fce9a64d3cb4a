"""An authority user's export: their own results in every round, with peer figures honouring
small-number suppression; CSV and XLSX parsed back."""

import re

import pytest
from django.urls import reverse

from assessments.models import DimensionResult, StrandResult
from benchmarking.models import ComparatorGroup
from benchmarking.services import benchmarks_recompute
from benchmarking.synthetic import pool_bulk_create
from tests.factories.accounts import AuthorityFactory

from .conftest import make_round, read_csv, read_xlsx, xlsx_rows

pytestmark = pytest.mark.django_db
SUPPRESSED = "Too few authorities to show without identifying them."


def download(client, user, name="exports:authority_download", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def test_csv_holds_the_authority_s_stored_results(client, tenants, submitted, other_submitted):
    response = download(client, tenants.a.viewer, round=submitted.round_id, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert re.search(
        r"maturity-results-authority-a-2026-to-2027-\d{4}-\d{2}-\d{2}\.csv", disposition
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read UTF-8
    rows = read_csv(response)
    assert [r["Row"] for r in rows[:2]] == ["Overall", "Strand"]
    assert sum(r["Row"] == "Strand" for r in rows) == 5
    assert sum(r["Row"] == "Dimension" for r in rows) == 8
    assert {r["Authority"] for r in rows} == {"Authority A"}
    assert {r["Status"] for r in rows} == {"Submitted"}
    stored = {
        d.dimension.key: d
        for d in DimensionResult.objects.filter(result__assessment=submitted).select_related(
            "dimension"
        )
    }
    for row in rows:
        if row["Row"] == "Dimension":
            d = stored[row["Key"]]
            assert row["Self-assessed level"] == str(d.confirmed_level)
            assert row["Suggested level"] == str(d.suggested_level)
            assert row["Level"] == str(d.level)
            assert row["Moderated level"] == "" and row["Gap"] == ""
            assert row["Answers pull in different directions"] in ("Yes", "No")
    overall = rows[0]
    assert overall["Level"] == str(submitted.result.overall_level)
    assert overall["Self-assessed level"] == overall["Level"]
    assert overall["Submitted on"] == submitted.submitted_at.date().isoformat()
    assert overall["Scoring rule"] == "dmm-scoring/1"
    # The other authority is nowhere.
    assert b"Authority B" not in response.content


def test_xlsx_has_a_styled_header_and_a_notes_sheet(client, tenants, submitted):
    response = download(client, tenants.a.officer, round=submitted.round_id, format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    workbook = read_xlsx(response)
    assert workbook.sheetnames == ["Results", "Notes"]
    sheet = workbook["Results"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["A"].width == 32
    rows = xlsx_rows(workbook)
    assert len(rows) == 14
    assert rows[0]["Row"] == "Overall" and rows[0]["Level"] == submitted.result.overall_level
    assert rows[0]["Started on"].date() == submitted.started_at.date()  # a date, not text
    notes = [row[0] for row in workbook["Notes"].iter_rows(values_only=True)]
    assert notes[0].startswith("Data Maturity Model results: Authority A")
    assert "Column" in notes and "Moderated level" in notes
    assert any(SUPPRESSED in (n or "") for n in notes)


def test_csv_and_xlsx_hold_the_same_values(client, tenants, submitted):
    as_csv = read_csv(download(client, tenants.a.officer, round=submitted.round_id, format="csv"))
    as_xlsx = xlsx_rows(read_xlsx(download(client, tenants.a.officer, round="all", format="xlsx")))
    assert len(as_csv) == len(as_xlsx)
    for c, x in zip(as_csv, as_xlsx, strict=True):
        for heading in ("Row", "Key", "Level", "Self-assessed level", "Status", "Authority"):
            assert c[heading] == ("" if x[heading] is None else str(x[heading]))
        assert float(c["Score"]) == pytest.approx(float(x["Score"]))


def test_moderated_levels_sit_beside_the_self_assessed_ones(client, tenants, submitted, committed):
    from reviews.services import dimension_moderate

    answer = submitted.dimension_answers.select_related("dimension").first()
    confirmed = answer.confirmed_level
    moderated = confirmed - 1 if confirmed > 1 else confirmed + 1
    with committed():
        dimension_moderate(
            assessment=submitted,
            answer=answer,
            actor=tenants.a.area_lead,
            level=moderated,
            reason="Evidence shows otherwise",
        )
    rows = read_csv(download(client, tenants.a.lead, round=submitted.round_id, format="csv"))
    row = next(r for r in rows if r["Key"] == answer.dimension.key)
    assert row["Self-assessed level"] == str(confirmed)
    assert row["Moderated level"] == str(moderated)
    assert row["Level"] == str(moderated)
    assert row["Gap"] == str(moderated - confirmed)  # may be negative: a number, not neutralised
    assert row["Moderation reason"] == "Evidence shows otherwise"
    strand = next(r for r in rows if r["Row"] == "Strand" and r["Strand"] == row["Strand"])
    stored = StrandResult.objects.get(result__assessment=submitted, strand__key=strand["Key"]).level
    assert strand["Moderated level"] == str(stored)
    assert rows[0]["Moderated level"] == str(
        submitted.result.__class__.objects.get(assessment=submitted).overall_level
    )


def test_an_unsubmitted_assessment_and_a_round_without_one_give_a_status_row(
    client, tenants, assessment, version
):
    earlier = make_round(version, "2025 to 2026", days_ago=400)
    rows = read_csv(download(client, tenants.a.officer, round="all", format="csv"))
    assert [(r["Round"], r["Status"], r["Row"], r["Level"]) for r in rows] == [
        ("2026 to 2027", "In progress", "", ""),
        ("2025 to 2026", "Not started", "", ""),
    ]
    assert earlier.pk


# --- Peer figures and suppression -----------------------------------------------------------------


@pytest.fixture
def peers(tenants, version):
    """A past round in which A (London, unitary), B and 6 London peers (11 in all with 3 counties
    in the South East) have agreed results: all = 11, London = 8, unitary = 8."""
    from accounts.models import AuthorityKind, Region

    past = make_round(version, "2025 to 2026", days_ago=400)
    london = [AuthorityFactory(name=f"Peer London {i}") for i in range(6)]
    south_east = [
        AuthorityFactory(
            name=f"Peer South East {i}", region=Region.SOUTH_EAST, kind=AuthorityKind.COUNTY
        )
        for i in range(3)
    ]
    everyone = [tenants.a.authority, tenants.b.authority, *london, *south_east]
    pool_bulk_create(round=past, authorities=everyone, seed=7)
    small = ComparatorGroup.objects.create(name="Tiny neighbours")
    small.members.set(everyone[:3])
    benchmarks_recompute(round_id=past.pk)
    return past, everyone


def test_peer_figures_beside_each_level_and_small_groups_suppressed(client, tenants, peers):
    past, everyone = peers
    response = download(client, tenants.a.officer, round=past.pk, format="csv")
    rows = read_csv(response)
    overall = rows[0]
    assert overall["All authorities: number of authorities"] == "11"
    assert overall["Authorities in London: number of authorities"] == "8"
    assert overall["Unitary authorities: number of authorities"] == "8"
    counts = [int(overall[f"All authorities: at level {lv}"]) for lv in (1, 2, 3, 4)]
    assert sum(counts) == 11
    assert float(overall["All authorities: lower quartile score"]) <= float(
        overall["All authorities: median score"]
    )
    assert re.match(
        r"In the .* quarter of all 11 authorities", overall["All authorities: your position"]
    )
    # The comparator group of 3: no figures, only the words.
    prefix = "The comparator group Tiny neighbours: "
    for row in rows:
        assert row[prefix + "your position"] == SUPPRESSED
        for field in (
            "number of authorities",
            "at level 1",
            "median score",
            "upper quartile score",
        ):
            assert row[prefix + field] == ""
    # Never another authority's name.
    text = response.content.decode("utf-8-sig")
    for other in everyone[1:]:
        assert other.name not in text


def test_raising_the_minimum_suppresses_every_group_in_both_formats(
    client, tenants, peers, settings
):
    past, _ = peers
    settings.BENCHMARK_MIN_GROUP_SIZE = 12
    rows = read_csv(download(client, tenants.a.officer, round=past.pk, format="csv"))
    peer_headings = [h for h in rows[0] if ": " in h]
    assert len(peer_headings) == 4 * 9
    for row in rows:
        for heading in peer_headings:
            expected = SUPPRESSED if heading.endswith("your position") else ""
            assert row[heading] == expected, heading
    workbook = read_xlsx(download(client, tenants.a.officer, round=past.pk, format="xlsx"))
    for row in xlsx_rows(workbook):
        for heading in peer_headings:
            expected = SUPPRESSED if heading.endswith("your position") else None
            assert row[heading] == expected, heading
    notes = "\n".join(r[0] or "" for r in workbook["Notes"].iter_rows(values_only=True))
    assert "fewer than 12 authorities" in notes
