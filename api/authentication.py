"""How API requests are authenticated, and which authority or area they act for.

- ``BearerTokenAuthentication``: ``Authorization: Bearer <token>`` with a personal API token. A
  malformed, unknown, revoked or expired token is refused (401), never ignored. The request then
  acts for the token's "acting for" key, re-derived from the user's current memberships exactly as
  a page re-derives the session's key (``accounts.tenancy``; docs/adr/0091).
- ``PortalSessionAuthentication``: the signed-in browser session, as on pages, but only once
  two-factor authentication is done where the account has or needs it (pages send such sessions to
  the verify page; the API answers 401 instead of redirecting). "Acting for" comes from the
  session, through ``accounts.middleware.ActingForMiddleware``.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import SimpleLazyObject
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
    get_authorization_header,
)
from rest_framework.exceptions import AuthenticationFailed

from accounts import tenancy
from accounts.backends import has_confirmed_authenticator
from accounts.permissions import two_factor_required

from . import selectors, services
from .models import ApiToken

KEYWORD = b"bearer"


def token_acting_for(key: str, options: Any) -> tenancy.ActingFor:
    """What a token's request acts for: its key if that is still one of the user's options (the
    same check as the session's key); a token made with no key takes the user's only option. A
    key that no longer matches acts for nothing: the token never moves to another tenant."""
    if key:
        return next((o for o in options if o.key == key), tenancy.NOTHING)
    if len(options) == 1:
        return options[0]
    return tenancy.NOTHING


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(
                "The Authorization header must be 'Bearer ' followed by one API token."
            )
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The API token is not valid.") from None
        token = selectors.api_token_find(token=presented)
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("The API token is not valid.")
        if token.is_revoked:
            raise AuthenticationFailed("This API token has been revoked.")
        if token.is_expired:
            raise AuthenticationFailed("This API token has expired.")
        services.api_token_mark_used(token=token)
        self._act_for(request, token)
        return token.user, token

    @staticmethod
    def _act_for(request: Any, token: ApiToken) -> None:
        django_request = request._request
        user = token.user
        options = SimpleLazyObject(lambda: tenancy.options_for(user))
        django_request.acting_for_options = options
        django_request.acting_for = SimpleLazyObject(
            lambda: token_acting_for(token.acting_for_key, options)
        )

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class PortalSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        is_verified = getattr(user, "is_verified", None)
        if is_verified is None or is_verified():
            return result
        has_device = has_confirmed_authenticator(user)
        if two_factor_required(user) or has_device:
            return None  # two-factor sign-in not finished: anonymous for the API
        return result
