import logging
from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def is_database_unavailable(exception: BaseException | None) -> bool:
    return isinstance(exception, DATABASE_UNAVAILABLE) or (
        isinstance(exception, DatabaseError) and "connect" in str(exception).lower()
    )


def render_without_database(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """Render an error page from the service's settings only: no context processors, so nothing
    reads the session, the user or the messages (each of which would need the database)."""
    from .context_processors import service

    return HttpResponse(render_to_string(template, service(request)), status=status)


def service_unavailable_response(request: HttpRequest) -> HttpResponse:
    from .views import registered_error_response

    registered = registered_error_response(request, 503)
    if registered is not None:
        return registered
    response = render_without_database(request, "errors/503.html", status=503)
    response["Retry-After"] = "60"
    return response


class ServiceUnavailableMiddleware:
    """When the database cannot be reached, show the GOV.UK "sorry, the service is unavailable" page
    (503) instead of a 500. Requests are atomic per service call, so nothing is half-written.
    This catches errors raised by views; core.views.server_error does the same for errors raised
    by the middleware before the view (e.g. loading the session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_UNAVAILABLE as exc:
            logger.error("Database unavailable: %s", exc)
            return service_unavailable_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_unavailable(exception):
            logger.error("Database unavailable: %s", exception)
            return service_unavailable_response(request)
        return None


class NoStoreForSignedInMiddleware:
    """Responses to a signed-in user carry their authority's data: no browser or proxy may keep
    them (Cache-Control: no-store), so the back button after signing out, or a shared computer,
    shows nothing. A view that sets its own Cache-Control (downloads) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        try:
            # The session too: an API view without session authentication replaces request.user.
            signed_in = request.user.is_authenticated or bool(
                getattr(request, "session", {}).get(SESSION_KEY)
            )
        except DatabaseError:  # the database is down: the 503 page says so, nothing to keep
            return response
        if signed_in:
            add_never_cache_headers(response)
        return response
