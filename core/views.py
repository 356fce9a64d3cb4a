import logging
import sys
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .access import AccessRule, access
from .health import broker_status, database_status
from .middleware import (
    is_database_unavailable,
    render_without_database,
    service_unavailable_response,
)

logger = logging.getLogger(__name__)


@access(AccessRule.PUBLIC)
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@access(AccessRule.PUBLIC)
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@access(AccessRule.PUBLIC)
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


@access(AccessRule.PUBLIC)
@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cookies.html")


@access(AccessRule.PUBLIC)
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = database_status()
    broker = broker_status()
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


# --- Error pages (GOV.UK patterns). They must render with no database and leak nothing. ----------

# An app that answers errors in another format under its own URLs (the API answers JSON) registers a
# responder: (request, status) -> a response, or None for requests that are not its own.
ErrorResponder = Callable[[HttpRequest, int], HttpResponse | None]
ERROR_RESPONDERS: list[ErrorResponder] = []


def register_error_responder(responder: ErrorResponder) -> None:
    if responder not in ERROR_RESPONDERS:
        ERROR_RESPONDERS.append(responder)


def registered_error_response(request: HttpRequest, status: int) -> HttpResponse | None:
    for responder in ERROR_RESPONDERS:
        response = responder(request, status)
        if response is not None:
            return response
    return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return registered_error_response(request, 400) or render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return registered_error_response(request, 403) or render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return registered_error_response(request, 404) or render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so sys.exc_info() names it. A database that
    # does not answer (e.g. while the session is read, before any view) is a 503, not a 500.
    if is_database_unavailable(sys.exc_info()[1]):
        logger.error("Database unavailable: %s", sys.exc_info()[1])
        return service_unavailable_response(request)
    return registered_error_response(request, 500) or render_without_database(
        request, "errors/500.html", status=500
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
