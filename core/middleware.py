import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def service_unavailable_response(request: HttpRequest) -> HttpResponse:
    from .views import registered_error_response

    registered = registered_error_response(request, 503)
    if registered is not None:
        return registered
    html = render_to_string("errors/503.html", {"request": request})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    return response


class ServiceUnavailableMiddleware:
    """When the database cannot be reached, show the GOV.UK "sorry, the service is unavailable" page
    (503) instead of a 500. Requests are atomic per service call, so nothing is half-written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as exc:
            logger.error("Database unavailable: %s", exc)
            return service_unavailable_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, (OperationalError, InterfaceError)) or (
            isinstance(exception, DatabaseError) and "connect" in str(exception).lower()
        ):
            logger.error("Database unavailable: %s", exception)
            return service_unavailable_response(request)
        return None
