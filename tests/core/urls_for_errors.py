"""A URLconf with views that fail, to test the error pages."""

from django.db import OperationalError
from django.urls import include, path

from core.access import AccessRule, access


@access(AccessRule.PUBLIC)
def explode(request):
    raise RuntimeError("secret-internal-detail 0xDEADBEEF")


@access(AccessRule.PUBLIC)
def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("explode/", explode),
    path("database-down/", database_down),
    path("", include("maturity_portal.urls")),
]

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
