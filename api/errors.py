"""Every error the API gives is JSON: ``{"message": "...", "errors": {...}}``.

- Errors raised in API views (400, 401, 403, 404, 405, 429 ...) go through
  :func:`exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]).
- Errors Django answers itself under /api/ (a URL that matches no endpoint, an unexpected 500, the
  database being down) go through :func:`django_error_response`, which ``core.views`` error
  handlers call through the hook this app registers (``core.views.register_error_responder``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

API_PATH_PREFIX = "/api/"
# The token management pages live under /api/ too but are portal pages: GOV.UK error pages there.
HTML_PAGES_PREFIX = "/api/tokens/"

DJANGO_MESSAGES = {
    400: "The request could not be understood.",
    403: "You do not have permission to do this.",
    404: "Not found. Check the address: the API's endpoints are listed at /api/docs/.",
    500: "Sorry, something went wrong on our side. Try again later.",
    503: "Sorry, the service is unavailable. Try again later.",
}


class QueryParameterError(exceptions.APIException):
    """A 400 with its own message and per-parameter errors."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_query"

    def __init__(self, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(detail=message)
        self.message = message
        self.errors = errors


def error_body(message: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"message": message, "errors": errors or {}}


def _message_for(exc: exceptions.APIException, context: dict[str, Any]) -> str:
    if isinstance(exc, exceptions.NotAuthenticated):
        return (
            "Authentication needed: send a personal API token as 'Authorization: Bearer <token>' "
            "or use a signed-in session."
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        request = context.get("request")
        method = getattr(request, "method", "This method")
        return f"{method} is not allowed: the API is read-only, use GET."
    if isinstance(exc, exceptions.Throttled):
        wait = exc.wait
        if wait is None:
            return "Too many requests with this token. Try again later."
        seconds = max(1, int(wait + 0.999))
        unit = "second" if seconds == 1 else "seconds"
        return f"Too many requests with this token. Try again in {seconds} {unit}."
    if isinstance(exc, exceptions.NotFound):
        return "Not found."
    if isinstance(exc, exceptions.PermissionDenied):
        return "You do not have permission to do this."
    if isinstance(exc, exceptions.ValidationError):
        return "The request is not valid."
    detail = exc.detail
    return str(detail) if isinstance(detail, str) else "The request could not be completed."


def _errors_for(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc, QueryParameterError):
        return exc.errors
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if isinstance(detail, dict):
            return {key: [str(v) for v in value] for key, value in detail.items()}
        return {"non_field_errors": [str(v) for v in detail]}
    return {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (for its headers: WWW-Authenticate, Retry-After, Allow), with our body.
    Anything that is not an API error is left to Django (500, answered as JSON under /api/)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    message = exc.message if isinstance(exc, QueryParameterError) else _message_for(exc, context)
    response.data = error_body(message, _errors_for(exc))
    return response


def django_error_response(request: HttpRequest, status_code: int) -> JsonResponse | None:
    """The JSON answer for an error Django handles itself, for requests under /api/ (None for any
    other request: the GOV.UK error page). Touches no database."""
    path = request.path_info
    if not path.startswith(API_PATH_PREFIX) or path.startswith(HTML_PAGES_PREFIX):
        return None
    message = DJANGO_MESSAGES.get(status_code, "The request could not be completed.")
    response = JsonResponse(error_body(message), status=status_code)
    if status_code == 503:
        response["Retry-After"] = "60"
    return response
