"""The portal's URLs plus views that fail, so the error pages that only a failure shows (400, 403,
500, 503) are checked like every other page. Used only by the accessibility and HTML tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import include, path

from core.access import AccessRule, access

PREFIX = "error-pages/"


@access(AccessRule.PUBLIC)
def bad_request(request):
    raise SuspiciousOperation("a malformed request")


@access(AccessRule.PUBLIC)
def permission_denied(request):
    raise PermissionDenied


@access(AccessRule.PUBLIC)
def server_error(request):
    raise RuntimeError("a failing view")


@access(AccessRule.PUBLIC)
def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path(f"{PREFIX}400/", bad_request),
    path(f"{PREFIX}403/", permission_denied),
    path(f"{PREFIX}500/", server_error),
    path(f"{PREFIX}503/", database_down),
    path("", include("maturity_portal.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

ERROR_PAGES = [f"/{PREFIX}{status}/" for status in (400, 403, 500, 503)]
