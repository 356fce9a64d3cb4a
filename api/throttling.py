from typing import Any

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Limits each API token to REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api_token"]. Counts live
    in Django's default cache (per process unless CACHES points at a shared cache). Session
    requests are not counted: they come from a person in a browser."""

    scope = "api_token"

    def get_rate(self) -> str | None:
        # Read at request time so that a changed setting (tests) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
