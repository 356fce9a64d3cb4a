"""Schemathesis over every operation of the OpenAPI schema, through WSGI: with a personal API
token for a demo-like user (an authority lead whose authority has agreed results and benchmarks),
and anonymously. No 500s; every status code, content type and body as the schema says."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import acting_key, build_world, make_token

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
HYPOTHESIS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _load_schema():
    from maturity_portal.wsgi import application

    # Loaded when the module is collected (schemathesis' lazy fixture loader does not run on this
    # pytest): the schema view is public and reads no database.
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_the_test_s_connection():
    """Schemathesis calls the WSGI application directly, which (unlike Django's test client)
    closes the database connection at the start and end of each request: on PostgreSQL that would
    close the test's transaction. Keep it open, as the test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # Many requests with one token: keep the throttle out of the way (test_tokens.py checks it).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "100000/minute"},
    }


@pytest.fixture
def demo_token(db):
    world = build_world()
    return make_token(world.a.lead, key=acting_key(world, "authority_lead"), name="Schemathesis")


@schema.parametrize()
@HYPOTHESIS
def test_with_a_token(case, demo_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {demo_token}"}, checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_anonymously(case, db):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.parametrize("role", ["authority_lead", "viewer", "area_lead", "national_admin"])
def test_real_objects_conform_to_the_schema(db, role):
    """The generated ids above are mostly unknown (404): read real ones too, for each role."""
    from .conftest import user_for

    world = build_world()
    token = make_token(user_for(world, role), key=acting_key(world, role))
    headers = {"Authorization": f"Bearer {token}"}
    requests = [
        ("/api/assessments/{id}/", {"id": world.a_past.pk}, 200),
        ("/api/assessments/{id}/", {"id": world.a_open.pk}, 200),
        ("/api/rounds/{id}/", {"id": world.past_round.pk}, 200),
        ("/api/benchmarks/{round_id}/", {"round_id": world.past_round.pk}, 200),
        ("/api/benchmarks/{round_id}/", {"round_id": world.open_round.pk}, 404),
        ("/api/frameworks/{slug}/{version}/", {"slug": "dmm-early-help", "version": "1.0"}, 200),
        (
            "/api/assessments/{id}/",
            {"id": world.b_past.pk},
            200 if role == "national_admin" else 404,
        ),
    ]
    for path, parameters, expected in requests:
        case = schema[path]["GET"].Case(path_parameters=parameters)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == expected, (path, parameters, response.text[:200])
    for path in ("/api/assessments/", "/api/benchmarks/", "/api/rounds/", "/api/me/", "/api/"):
        case = schema[path]["GET"].Case()
        assert case.call_and_validate(headers=headers, checks=CHECKS).status_code == 200
