"""List and detail endpoints run a constant number of queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.synthetic import pool_bulk_create
from tests.factories.accounts import AuthorityFactory

pytestmark = pytest.mark.django_db


def count(client, url, headers, **params):
    client.get(url, params, **headers)  # warm: the first request may read things once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def grow(world, n):
    authorities = [AuthorityFactory(name=f"More {i}", area=world.a.area) for i in range(n)]
    pool_bulk_create(round=world.open_round, authorities=authorities, seed=3)


@pytest.mark.parametrize("role", ["national_admin", "area_lead", "viewer"])
def test_assessment_list_queries_are_constant(client, world, token_for, role):
    headers = token_for(role)
    url = reverse("api:assessment_list")
    before = count(client, url, headers, page_size=100)
    grow(world, 20)
    after = count(client, url, headers, page_size=100)
    assert after == before
    assert before <= 8


def test_assessment_detail_queries_are_constant(client, world, token_for):
    headers = token_for("national_admin")
    url = reverse("api:assessment_detail", kwargs={"pk": world.a_past.pk})
    before = count(client, url, headers)
    grow(world, 10)
    assert count(client, url, headers) == before
    assert before <= 10


@pytest.mark.parametrize(
    "name", ["api:round_list", "api:benchmark_list", "api:framework_list", "api:me"]
)
def test_other_lists_are_small_and_constant(client, world, token_for, name):
    headers = token_for("viewer")
    before = count(client, reverse(name), headers)
    grow(world, 10)
    assert count(client, reverse(name), headers) == before
    assert before <= 6


def test_benchmark_and_framework_details_are_constant(client, world, token_for):
    headers = token_for("viewer")
    benchmark = reverse("api:benchmark_detail", kwargs={"round_id": world.past_round.pk})
    framework = reverse("api:framework_detail", kwargs={"slug": "dmm-early-help", "version": "1.0"})
    before = (count(client, benchmark, headers), count(client, framework, {}))
    grow(world, 10)
    assert (count(client, benchmark, headers), count(client, framework, {})) == before
    assert before[1] <= 7
