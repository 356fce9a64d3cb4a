"""The API reference page (/api/docs/): plain HTML in the portal's GOV.UK layout, made from the same
OpenAPI schema as /api/schema/. Works without JavaScript; Swagger UI stays available as an optional
interactive page (/api/docs/interactive/).

The schema is generated once per process: it depends only on the code, not on the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods
from drf_spectacular.generators import SchemaGenerator

from core.access import AccessRule, access

from .schema import ERROR_DESCRIPTIONS

OK = "Success."
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
LOCATION_LABELS = {"query": "Query", "path": "Path", "header": "Header", "cookie": "Cookie"}
SCHEME_LABELS = {"bearerAuth": "a bearer token", "cookieAuth": "a signed-in session"}


@lru_cache(maxsize=1)
def api_schema() -> dict[str, Any]:
    """The public OpenAPI schema, generated on first use and kept for the life of the process."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _inline(text: str) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(" ".join(text.split()))))


def text_to_html(text: str) -> SafeString:
    """Escape a schema description: `code` spans become <code>, blank lines new paragraphs and
    lines that start with '* ' or '- ' a bulleted list."""
    parts = []
    for block in re.split(r"\n\s*\n", text or ""):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("* ", "- ")) for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            parts.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            parts.append(f'<p class="govuk-body">{_inline(" ".join(lines))}</p>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped in _inline


def breakable(text: str) -> SafeString:
    """Escaped text with a line-break opportunity (<wbr>) after each / and before each capital
    inside a word, so a long path or schema name wraps on a narrow screen."""
    html = str(escape(text)).replace("/", "/<wbr>")
    return mark_safe(re.sub(r"(?<=[a-z])(?=[A-Z])", "<wbr>", html))  # noqa: S308 - escaped above


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe_type(schema: dict[str, Any]) -> str:
    """A short, readable type: 'integer, 1 to 100', 'string (pattern ^[a-z]+$)', 'Error'."""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {describe_type(schema.get('items', {}))}"
    words = [kind]
    if "format" in schema:
        words[0] = f"{kind} ({schema['format']})"
    if "enum" in schema:
        words.append("one of " + ", ".join(str(v) for v in schema["enum"]))
    if "minimum" in schema and "maximum" in schema:
        words.append(f"{schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        words.append(f"at least {schema['minimum']}")
    elif "maximum" in schema:
        words.append(f"at most {schema['maximum']}")
    if "enum" not in schema and "maxLength" in schema:
        words.append(f"{schema.get('minLength', 0)} to {schema['maxLength']} characters")
    elif "enum" not in schema and schema.get("minLength"):
        words.append(f"at least {schema['minLength']} characters")
    if "pattern" in schema:
        words.append(f"matching {schema['pattern']}")
    return ", ".join(words)


@dataclass
class Parameter:
    name: str
    location: str
    required: bool
    type: str
    description: SafeString


@dataclass
class Response:
    status: str
    description: SafeString
    body: SafeString


@dataclass
class Operation:
    method: str
    path: str
    path_html: SafeString
    anchor: str
    summary: str
    description: SafeString
    authentication: str
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)


def _authentication(security: list[dict[str, Any]] | None) -> str:
    if not security:
        return "None needed."
    schemes = [SCHEME_LABELS.get(name, name) for s in security for name in s]
    text = " or ".join(schemes)
    if {} in security:
        return f"Optional: {text}, or none."
    return f"{text[0].upper()}{text[1:]}."


def _body(response: dict[str, Any]) -> SafeString:
    content = response.get("content") or {}
    for media_type, body in content.items():
        kind = describe_type(body.get("schema", {}))
        return breakable(kind if media_type == "application/json" else f"{kind} ({media_type})")
    return breakable("None")


def operations(schema: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in schema.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [
                Parameter(
                    name=p["name"],
                    location=LOCATION_LABELS.get(p["in"], p["in"]),
                    required=bool(p.get("required")),
                    type=describe_type(p.get("schema", {})),
                    description=text_to_html(p.get("description", "")),
                )
                for p in [*shared, *op.get("parameters", [])]
            ]
            responses = [
                Response(
                    status=status,
                    description=text_to_html(
                        response.get("description") or (OK if status.startswith("2") else "")
                    ),
                    body=_body(response),
                )
                for status, response in sorted(op.get("responses", {}).items())
            ]
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    path_html=breakable(path),
                    anchor=slugify(f"{method} {path}".replace("/", " ")),
                    summary=op.get("summary", ""),
                    description=text_to_html(op.get("description", "")),
                    authentication=_authentication(op.get("security", schema.get("security"))),
                    parameters=params,
                    responses=responses,
                )
            )
    return found


@lru_cache(maxsize=1)
def reference_context() -> dict[str, Any]:
    """Everything the page shows, from the cached schema (also computed once per process)."""
    schema = api_schema()
    components = schema.get("components", {})
    bearer = components.get("securitySchemes", {}).get("bearerAuth", {})
    session = components.get("securitySchemes", {}).get("cookieAuth", {})
    error = components.get("schemas", {}).get("Error", {})
    error_fields = [
        {
            "name": name,
            "type": describe_type(prop),
            "required": name in error.get("required", []),
            "description": text_to_html(prop.get("description", "")),
        }
        for name, prop in error.get("properties", {}).items()
    ]
    return {
        "info": schema.get("info", {}),
        "description": text_to_html(schema.get("info", {}).get("description", "")),
        "bearer_description": text_to_html(bearer.get("description", "")),
        "session_cookie": session.get("name", ""),
        "error_fields": error_fields,
        "error_statuses": sorted(ERROR_DESCRIPTIONS.items()),
        "operations": operations(schema),
    }


@access(AccessRule.PUBLIC)
@require_http_methods(["GET", "HEAD"])
def reference(request: HttpRequest) -> HttpResponse:
    return render(request, "api/reference.html", reference_context())
