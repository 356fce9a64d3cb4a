import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Region
from assessments.models import AssessmentResult, DimensionResult, StrandResult
from benchmarking import selectors
from benchmarking.models import BenchmarkSnapshot, ComparatorGroup, PeerGroupKind, Scope
from benchmarking.services import benchmarks_recompute
from benchmarking.synthetic import pool_bulk_create
from core.models import OutboxTask
from tests.factories.accounts import AuthorityFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SUPPRESSED = "Too few authorities to show without identifying them"


@pytest.fixture
def computed(peers, past_round):
    benchmarks_recompute(round_id=past_round.pk)
    return past_round


def page(client, user, name, **params):
    client.force_login(user)
    response = client.get(reverse(f"benchmarking:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def other_names(peers, mine):
    return [p.name for p in peers if p.pk != mine.pk]


# --- The authority's page ------------------------------------------------------------------------


def test_the_authority_page_shows_positions_in_plain_words(client, tenants, computed):
    html = page(client, tenants.a.officer, "authority")
    assert "Benchmarks: 2025 to 2026" in html
    assert re.search(r"In the (top|bottom|second|third) quarter[^<]* of all 11 authorities", html)
    assert " of 8 authorities in London" in html
    assert " of 8 unitary authorities" in html
    assert "<svg" in html and 'role="img"' in html
    assert "style=" not in html.split("<main", 1)[1]
    assert "Figures for all authorities" in html  # the data table beside each chart


def test_a_small_comparator_group_shows_no_figures(client, tenants, peers, past_round):
    group = ComparatorGroup.objects.create(name="Tiny neighbours")
    group.members.set(peers[:3])
    benchmarks_recompute(round_id=past_round.pk)
    html = page(client, tenants.a.officer, "authority")
    assert "the comparator group Tiny neighbours: too few authorities" in html.replace(
        "The comparator", "the comparator"
    )
    assert SUPPRESSED in html
    assert "of 3 " not in html


def test_raising_the_minimum_hides_figures_already_stored(client, tenants, computed, settings):
    settings.BENCHMARK_MIN_GROUP_SIZE = 12
    html = page(client, tenants.a.officer, "authority")
    assert SUPPRESSED in html
    assert "Median" not in html and "quarter of" not in html
    assert (
        selectors.published_distribution(
            round_id=computed.pk, group_kind=PeerGroupKind.ALL, group_value="", scope=Scope.OVERALL
        )
        is None
    )


def test_no_snapshots_yet(client, tenants, past_round):
    html = page(client, tenants.a.officer, "authority")
    assert "There are no benchmarks yet" in html


def test_an_invalid_round_is_a_clear_error(client, tenants, computed):
    html = page(client, tenants.a.officer, "authority", round="999999")
    assert "govuk-error-summary" in html and "Choose a round from the list" in html


def test_the_page_names_no_other_authority(client, tenants, peers, computed):
    for name in ("authority", "trends"):
        for params in ({}, {"group": "region"}, {"group": "kind"}, {"round": computed.pk}):
            html = page(client, tenants.a.viewer, name, **params)
            for other in other_names(peers, tenants.a.authority):
                assert other not in html
            assert not re.search(r"\b(ranked|rank|\d+(st|nd|rd|th) of)\b", html, re.IGNORECASE)


def _swap_results(first, second, round_obj):
    """Exchange two authorities' stored levels and scores: the multiset of peers' results stays
    the same, only who holds which changes."""
    a = AssessmentResult.objects.get(authority=first, assessment__round=round_obj)
    b = AssessmentResult.objects.get(authority=second, assessment__round=round_obj)
    for model, key in ((DimensionResult, "dimension_id"), (StrandResult, "strand_id")):
        rows_a = {getattr(r, key): r for r in model.objects.filter(result=a)}
        rows_b = {getattr(r, key): r for r in model.objects.filter(result=b)}
        for element, row_a in rows_a.items():
            row_b = rows_b[element]
            model.objects.filter(pk=row_a.pk).update(level=row_b.level, score=row_b.score)
            model.objects.filter(pk=row_b.pk).update(level=row_a.level, score=row_a.score)
    AssessmentResult.objects.filter(pk=a.pk).update(
        overall_level=b.overall_level, overall_score=b.overall_score
    )
    AssessmentResult.objects.filter(pk=b.pk).update(
        overall_level=a.overall_level, overall_score=a.overall_score
    )


def _strip(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_which_peer_has_which_level_changes_nothing_an_authority_sees(
    client, tenants, peers, computed
):
    """Swap the results of two peers in the same region and kind: A's pages are identical, so
    nothing on them depends on who holds which result."""
    before = [_strip(page(client, tenants.a.officer, n)) for n in ("authority", "trends")]
    london = [p for p in peers if p.region == Region.LONDON and p.pk != tenants.a.authority.pk]
    first, second = london[0], london[-1]
    _swap_results(first, second, computed)
    benchmarks_recompute(round_id=computed.pk)
    after = [_strip(page(client, tenants.a.officer, n)) for n in ("authority", "trends")]
    assert before == after


def test_authority_pages_run_a_constant_number_of_queries(client, tenants, peers, past_round):
    client.force_login(tenants.a.officer)
    benchmarks_recompute(round_id=past_round.pk)
    client.get(reverse("benchmarking:authority"))  # the session's first request stores acting-for
    counts = []
    for extra in range(2):
        if extra:
            more = [AuthorityFactory(name=f"More {i}") for i in range(7)]
            pool_bulk_create(round=past_round, authorities=more, seed=3)
            for i in range(3):
                group = ComparatorGroup.objects.create(name=f"Group {i}")
                group.members.set([tenants.a.authority, *more])
            benchmarks_recompute(round_id=past_round.pk)
        row = []
        for name in ("authority", "trends"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(f"benchmarking:{name}")).status_code == 200
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 25


def test_trends_show_levels_beside_the_peer_median(client, tenants, computed, version):
    from tests.benchmarking.conftest import make_round

    later = make_round(version, name="2026 to 2027", days_ago=30)
    pool_bulk_create(
        round=later,
        authorities=[tenants.a.authority, *AuthorityFactory.create_batch(5)],
        seed=11,
    )
    benchmarks_recompute(round_id=later.pk)
    html = page(client, tenants.a.officer, "trends")
    assert "2025 to 2026" in html and "2026 to 2027" in html
    assert html.count("Median ") >= 2
    html = page(client, tenants.a.officer, "trends", group="nonsense")
    assert "Choose a peer group from the list" in html


# --- Areas and national admins -------------------------------------------------------------------


def test_area_lead_sees_their_authorities_by_name_only(client, tenants, computed):
    html = page(client, tenants.a.area_lead, "area")
    assert tenants.a.authority.name in html
    assert tenants.b.authority.name not in html
    assert "portal-heat--" in html
    assert "All authorities" in html


def test_national_admin_sees_every_area_and_can_filter(client, tenants, computed):
    html = page(client, tenants.national_admin, "area")
    assert tenants.a.authority.name in html and tenants.b.authority.name in html
    html = page(client, tenants.national_admin, "area", area=tenants.b.area.pk)
    assert tenants.b.authority.name in html and tenants.a.authority.name not in html
    html = page(client, tenants.national_admin, "area", area="nonsense")
    assert "Choose an area from the list" in html


@pytest.mark.parametrize("role", ["lead", "officer", "viewer"])
def test_authority_users_cannot_open_the_area_comparison(client, tenants, computed, role):
    client.force_login(getattr(tenants.a, role))
    assert client.get(reverse("benchmarking:area")).status_code == 404


def test_area_page_query_count_is_constant(client, tenants, peers, past_round):
    client.force_login(tenants.national_admin)
    benchmarks_recompute(round_id=past_round.pk)
    client.get(reverse("benchmarking:area"))  # the session's first request stores acting-for
    counts = []
    for extra in range(2):
        if extra:
            pool_bulk_create(
                round=past_round,
                authorities=[AuthorityFactory(area=tenants.a.area) for _ in range(6)],
                seed=5,
            )
            benchmarks_recompute(round_id=past_round.pk)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("benchmarking:area"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- Comparator groups --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["lead", "officer", "area_lead"])
def test_comparator_pages_are_404_for_everyone_but_national_admins(client, tenants, computed, role):
    group = ComparatorGroup.objects.create(name="Neighbours")
    client.force_login(getattr(tenants.a, role))
    for url in (
        reverse("benchmarking:comparator_groups"),
        reverse("benchmarking:comparator_group_add"),
        reverse("benchmarking:comparator_group_edit", args=[group.pk]),
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(reverse("benchmarking:comparator_group_add"), {"name": "X"}).status_code == 404
    )
    assert ComparatorGroup.objects.count() == 1


def test_national_admin_creates_and_edits_a_comparator_group(
    client, tenants, peers, computed, django_capture_on_commit_callbacks
):
    client.force_login(tenants.national_admin)
    url = reverse("benchmarking:comparator_group_add")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"name": "  Statistical   neighbours ", "members": [p.pk for p in peers[:6]]}
        )
    assert response.status_code == 302
    group = ComparatorGroup.objects.get()
    assert group.name == "Statistical neighbours" and group.members.count() == 6
    # Saved, the recompute ran (eagerly in tests) and stored the group's snapshots.
    assert OutboxTask.objects.filter(task_name="benchmarking.tasks.recompute_benchmarks").exists()
    assert (
        BenchmarkSnapshot.objects.filter(
            group_kind=PeerGroupKind.COMPARATOR, group_value=str(group.pk), scope=Scope.OVERALL
        )
        .get()
        .n
        == 6
    )
    edit = reverse("benchmarking:comparator_group_edit", args=[group.pk])
    assert "Statistical neighbours" in client.get(edit).content.decode()
    client.post(edit, {"name": "Statistical neighbours", "members": [peers[0].pk]})
    assert group.members.count() == 1
    html = client.get(reverse("benchmarking:comparator_groups")).content.decode()
    assert "Statistical neighbours" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Enter the comparator group&#x27;s name"),
        ({"name": "x" * 121}, "120 characters or fewer"),
        ({"name": "Ok", "members": ["999999"]}, "Choose authorities from the list"),
    ],
)
def test_comparator_form_errors(client, tenants, data, message):
    client.force_login(tenants.national_admin)
    response = client.post(reverse("benchmarking:comparator_group_add"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and message in html
    assert not ComparatorGroup.objects.exists()


def test_duplicate_comparator_name_is_refused(client, tenants):
    ComparatorGroup.objects.create(name="Neighbours")
    client.force_login(tenants.national_admin)
    html = client.post(
        reverse("benchmarking:comparator_group_add"), {"name": "Neighbours"}
    ).content.decode()
    assert "Another comparator group already has this name" in html


def test_settings_refuse_a_minimum_group_size_below_three():
    env = {**os.environ, "BENCHMARK_MIN_GROUP_SIZE": "2"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "maturity_portal.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "BENCHMARK_MIN_GROUP_SIZE" in result.stderr


def test_an_area_lead_cannot_pick_another_area(client, tenants, computed):
    html = page(client, tenants.a.area_lead, "area", area=tenants.b.area.pk)
    assert tenants.a.authority.name in html
    assert tenants.b.authority.name not in html


@pytest.mark.parametrize("name", ["authority", "trends"])
def test_authority_pages_are_404_without_an_authority(client, tenants, computed, name):
    for user in (tenants.a.area_lead, tenants.national_admin):
        client.force_login(user)
        assert client.get(reverse(f"benchmarking:{name}")).status_code == 404
