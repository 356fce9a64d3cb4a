"""Benchmarks through the API: figures only through benchmarking.selectors, so groups below the
minimum size show a suppressed marker and no figures; an authority sees its own position only and
never another authority's name."""

import json

import pytest
from django.urls import reverse

from benchmarking.selectors import SUPPRESSED_TEXT

from .conftest import acting_key, bearer, make_token

pytestmark = pytest.mark.django_db


def benchmark(client, headers, round_obj):
    response = client.get(
        reverse("api:benchmark_detail", kwargs={"round_id": round_obj.pk}), **headers
    )
    assert response.status_code == 200, response.content
    return response.json()


def figures_by_group(element):
    return {f["group"]: f for f in element["figures"]}


def test_rounds_with_benchmarks_are_listed(client, world, token_for):
    response = client.get(reverse("api:benchmark_list"), **token_for("viewer"))
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [world.past_round.pk]
    assert rows[0]["url"].endswith(f"/api/benchmarks/{world.past_round.pk}/")


def test_an_authority_sees_its_own_position_and_the_groups_figures(client, world, token_for):
    body = benchmark(client, token_for("viewer"), world.past_round)
    assert body["scope"] == "authority"
    assert body["own_status"] == "Agreed"
    assert [g["key"] for g in body["groups"]] == ["all", "region-london", "kind-unitary"]
    overall = body["elements"][0]
    assert overall["scope"] == "overall"
    assert overall["own"]["level"] == world.a_past.result.overall_level
    everyone = figures_by_group(overall)["all"]
    assert everyone["suppressed"] is False
    assert everyone["n"] == 11
    assert sum(everyone["level_counts"]) == 11
    assert everyone["position"].endswith("of all 11 authorities")
    assert len(body["elements"]) == 1 + 5 + 8


def test_a_small_group_shows_a_suppressed_marker_and_no_figures(client, world, token_for):
    from benchmarking.models import ComparatorGroup
    from benchmarking.services import benchmarks_recompute

    group = ComparatorGroup.objects.create(name="Neighbours")
    group.members.set(world.peers[:3])  # A, B and one more: too few
    benchmarks_recompute(round_id=world.past_round.pk)
    body = benchmark(client, token_for("viewer"), world.past_round)
    key = f"comparator-{group.pk}"
    assert key in [g["key"] for g in body["groups"]]
    for element in body["elements"]:
        small = figures_by_group(element)[key]
        assert small == {
            "group": key,
            "suppressed": True,
            "message": SUPPRESSED_TEXT,
            "n": None,
            "level_counts": None,
            "lower_quartile": None,
            "median": None,
            "upper_quartile": None,
            "position": None,
        }


def test_raising_the_minimum_hides_figures_already_stored(client, world, token_for, settings):
    settings.BENCHMARK_MIN_GROUP_SIZE = 9  # London and unitary have 8; all authorities 11
    body = benchmark(client, token_for("viewer"), world.past_round)
    overall = figures_by_group(body["elements"][0])
    assert overall["all"]["suppressed"] is False
    assert overall["region-london"]["suppressed"] is True
    assert overall["region-london"]["n"] is None


def test_no_other_authority_is_named(client, world, token_for):
    text = json.dumps(benchmark(client, token_for("officer"), world.past_round))
    for peer in world.peers:
        if peer.pk != world.a.authority.pk:
            assert peer.name not in text


def test_another_authority_sees_its_own_levels_not_a_s(client, world, token_for):
    body = benchmark(client, token_for("viewer", "b"), world.past_round)
    assert body["elements"][0]["own"]["level"] == world.b_past.result.overall_level
    text = json.dumps(body)
    assert world.a.authority.name not in text


def test_area_leads_see_area_and_national_figures(client, world, token_for):
    body = benchmark(client, token_for("area_lead"), world.past_round)
    assert body["scope"] == "area"
    assert body["own_status"] is None
    area_key = f"area-{world.a.area.pk}"
    assert [g["key"] for g in body["groups"]] == ["all", area_key]
    overall = figures_by_group(body["elements"][0])
    assert overall["all"]["n"] == 11
    assert overall[area_key]["suppressed"] is True  # one authority in the area
    assert all(e["own"] is None for e in body["elements"])


def test_national_admins_see_national_figures(client, world, token_for):
    body = benchmark(client, token_for("national_admin"), world.past_round)
    assert body["scope"] == "national"
    assert [g["key"] for g in body["groups"]] == ["all"]


def test_a_round_without_benchmarks_or_a_caller_without_a_role_is_404(client, world, token_for):
    url = reverse("api:benchmark_detail", kwargs={"round_id": world.open_round.pk})
    assert client.get(url, **token_for("viewer")).status_code == 404
    from tests.factories.accounts import UserFactory

    nobody = make_token(UserFactory(email="nobody@example.org"))
    url = reverse("api:benchmark_detail", kwargs={"round_id": world.past_round.pk})
    response = client.get(url, **bearer(nobody))
    assert response.status_code == 404
    stale = make_token(world.a.viewer, key=acting_key(world, "viewer", "b"))
    assert client.get(url, **bearer(stale)).status_code == 404
