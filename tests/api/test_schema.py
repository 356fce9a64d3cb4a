"""The OpenAPI schema and the documentation page (served locally, under the strict CSP)."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def schema(client):
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_public_and_lists_every_endpoint(client):
    spec = schema(client)
    assert set(spec["paths"]) == {
        "/api/",
        "/api/me/",
        "/api/frameworks/",
        "/api/frameworks/{slug}/{version}/",
        "/api/rounds/",
        "/api/rounds/{id}/",
        "/api/assessments/",
        "/api/assessments/{id}/",
        "/api/benchmarks/",
        "/api/benchmarks/{round_id}/",
    }
    assert all(set(ops) == {"get"} for ops in spec["paths"].values())
    yaml.safe_load(client.get(reverse("api:schema")).content)  # YAML by default
    as_json = client.get(reverse("api:schema"), {"format": "json"})
    assert as_json.json()["paths"] == spec["paths"]


def test_security_schemes_and_requirements(client):
    spec = schema(client)
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["cookieAuth"]["in"] == "cookie"
    frameworks = spec["paths"]["/api/frameworks/"]["get"]["security"]
    assert {} in frameworks  # public
    assessments = spec["paths"]["/api/assessments/"]["get"]["security"]
    assert {} not in assessments
    assert {"bearerAuth": []} in assessments


def test_every_operation_documents_the_json_errors(client):
    spec = schema(client)
    for path, operations in spec["paths"].items():
        responses = operations["get"]["responses"]
        for code in ("200", "400", "401", "404", "429"):
            assert code in responses, (path, code)
        error = responses["401"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["schemas"]["Error"]["required"] == ["errors", "message"]


def test_query_parameters_are_documented_with_their_bounds(client):
    spec = schema(client)
    params = {p["name"]: p for p in spec["paths"]["/api/assessments/"]["get"]["parameters"]}
    assert set(params) == {"authority", "page", "page_size", "round", "status"}
    assert params["page_size"]["schema"]["maximum"] == 100


def test_the_docs_page_uses_local_files_and_no_inline_script_or_style(client):
    response = client.get(reverse("api:docs_interactive"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources  # no CDN
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    init = client.get(script_url.replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()
