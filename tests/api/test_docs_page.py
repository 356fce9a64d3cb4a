"""The API reference page (/api/docs/): made from the OpenAPI schema, public, plain HTML under the
strict CSP; Swagger UI still answers at /api/docs/interactive/."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import resolve, reverse

from api import docs
from core.access import AccessRule, access_rule_of
from tests.factories.accounts import two_tenants

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []
        self.texts: list[str] = []
        self._in: int | None = None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))
            self.texts.append("")
            self._in = int(tag[1])

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self._in = None

    def handle_data(self, data):
        if self._in is not None:
            self.texts[-1] += data


def headings(html: str) -> Headings:
    parser = Headings()
    parser.feed(html)
    parser.texts = [" ".join(t.split()) for t in parser.texts]
    return parser


def schema_operations(client) -> list[tuple[str, str, dict]]:
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    spec = response.json()
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_the_reference_lists_every_operation_in_the_schema_with_a_heading(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    found = headings(html)
    operations = schema_operations(client)
    assert len(operations) >= 10
    for method, path, op in operations:
        assert f"{method} {path}" in found.texts, (method, path)
        for parameter in op.get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in html, (path, parameter["name"])
        for status in op["responses"]:
            assert f'<th scope="row" class="govuk-table__header">{status}</th>' in html


def test_the_reference_has_its_headings_in_order(client):
    found = headings(client.get(reverse("api:docs")).content.decode())
    assert found.levels.count(1) == 1 and found.levels[0] == 1
    for before, after in zip(found.levels, found.levels[1:], strict=False):
        assert after <= before + 1, found.texts  # never skips a level
    for title in ("Authentication", "Errors", "Operations"):
        assert title in found.texts


def test_the_reference_describes_authentication_errors_and_parameters(client):
    html = client.get(reverse("api:docs")).content.decode()
    assert "Bearer token" in html and "Authorization: Bearer mpat_..." in html
    assert "signed-in session" in html
    assert "<code>message</code>" in html and "<code>errors</code>" in html
    assert "A query parameter is unknown" in html  # the 400 description
    assert "integer, 1 to 100" in html  # page_size with its bounds
    assert "Parameters of GET /api/assessments/" in html.replace("<wbr>", "")


def test_the_reference_needs_no_sign_in_and_declares_the_public_rule(client):
    match = resolve(reverse("api:docs"))
    assert access_rule_of(match.func) is AccessRule.PUBLIC
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()  # the anonymous header


def test_another_authority_s_user_sees_the_same_public_page(client):
    # The page shows no tenant's data: every signed-in user (of either authority) gets it too.
    tenants = two_tenants()
    anonymous = client.get(reverse("api:docs"))
    for user in (tenants.a.lead, tenants.b.lead):
        client.force_login(user)
        response = client.get(reverse("api:docs"))
        assert response.status_code == 200
        assert (
            headings(response.content.decode()).texts[:4]
            == (headings(anonymous.content.decode()).texts[:4])
        )
        client.logout()


def test_the_reference_has_no_inline_script_or_style_and_links_to_swagger(client):
    response = client.get(reverse("api:docs"))
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # every script is a file
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert f'href="{reverse("api:docs_interactive")}"' in html
    assert "Try the API in Swagger UI (third-party, not fully accessible)".lower() in html.lower()


def test_the_reference_escapes_descriptions():
    html = docs.text_to_html("Use `<b>` & <i>.\n\n* `a` - A\n* `b` - B")
    assert str(html) == (
        '<p class="govuk-body">Use <code>&lt;b&gt;</code> &amp; &lt;i&gt;.</p>'
        '<ul class="govuk-list govuk-list--bullet"><li><code>a</code> - A</li>'
        "<li><code>b</code> - B</li></ul>"
    )


def test_the_schema_is_generated_once_per_process(client):
    docs.api_schema.cache_clear()
    docs.reference_context.cache_clear()
    client.get(reverse("api:docs"))
    first = docs.api_schema.cache_info()
    client.get(reverse("api:docs"))
    assert docs.api_schema.cache_info().misses == first.misses == 1
    assert docs.reference_context.cache_info().hits >= 1


def test_swagger_ui_still_answers_at_its_new_address(client):
    response = client.get(reverse("api:docs_interactive"))
    assert response.status_code == 200
    assert reverse("api:docs_interactive") == "/api/docs/interactive/"
    assert "swagger-ui" in response.content.decode()


def test_every_operation_describes_itself(client):
    # A view without a docstring would show its base class's (about authentication) instead.
    for method, path, op in schema_operations(client):
        assert op.get("description"), (method, path)
        assert "LoginRequiredMiddleware" not in op["description"], (method, path)
