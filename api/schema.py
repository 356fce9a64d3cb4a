"""OpenAPI generation (drf-spectacular): our authentication schemes, the JSON error body on every
operation, and each view's query parameters taken from the same serializer that validates them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ERROR_DESCRIPTIONS = {
    "400": "A query parameter is unknown, repeated or not valid (the message names it).",
    "401": "No credentials, or a malformed, unknown, revoked or expired token.",
    "404": "Not found, or not yours to see (another authority's data answers the same).",
    "429": "Too many requests with this token (see the Retry-After header).",
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token made under Your account > API tokens "
            "(`Authorization: Bearer mpat_...`).",
        }


class PortalSessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PortalSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


class PortalAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        query_serializer = getattr(self.view, "query_serializer_class", None)
        if query_serializer is not None and query_serializer().fields:
            parameters.append(query_serializer)
        return parameters

    def _get_pagination_parameters(self) -> list[Any]:
        # Page parameters come from the view's query serializer (with their bounds), not twice.
        return []

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        from .serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_DESCRIPTIONS.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
