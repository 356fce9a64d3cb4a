from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page. Touches no database, so error pages render even
    when the database is down."""
    return {
        "service_name": settings.PORTAL_SERVICE_NAME,
        "govuk_branding": settings.PORTAL_GOVUK_BRANDING,
        "phase": settings.PORTAL_PHASE,
        "feedback_email": settings.PORTAL_FEEDBACK_EMAIL,
    }
