"""Per-request tenancy and two-factor enforcement. Both run after Django's LoginRequiredMiddleware,
so anonymous requests for private pages have already been sent to sign in."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from core.access import AccessRule, access_rule_of

from . import tenancy
from .backends import has_confirmed_authenticator
from .permissions import two_factor_required

TWO_FACTOR_EXEMPT = "two_factor_exempt"


def two_factor_exempt(view: Any) -> Any:
    """Mark a view as reachable before two-factor set-up or verification (the set-up and verify
    pages themselves, sign out)."""
    setattr(view, TWO_FACTOR_EXEMPT, True)
    return view


def _is_two_factor_exempt(callback: Any) -> bool:
    if getattr(callback, TWO_FACTOR_EXEMPT, False):
        return True
    view_class = getattr(callback, "view_class", None)
    return bool(view_class is not None and getattr(view_class, TWO_FACTOR_EXEMPT, False))


def _redirect_with_next(name: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


class ActingForMiddleware:
    """Sets ``request.acting_for`` and ``request.acting_for_options`` (lazily, re-derived from the
    database on every request; see ``accounts.tenancy`` for the contract). Sends a user with
    several options who has not chosen one to the "acting for" page before an authority or area
    page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        options = SimpleLazyObject(lambda: tenancy.options_for(request.user))
        request.acting_for_options = options  # type: ignore[attr-defined]
        request.acting_for = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: tenancy.resolve(request, options)
        )
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        rule = access_rule_of(view_func)
        if rule in (AccessRule.AUTHORITY, AccessRule.AREA):
            acting_for = request.acting_for  # type: ignore[attr-defined]
            if not acting_for and len(request.acting_for_options) > 1:  # type: ignore[attr-defined]
                return _redirect_with_next("accounts:acting_for", request)
        return None


class TwoFactorMiddleware:
    """Before anything else that needs sign-in: a session whose user has an authenticator but has
    not used it goes to the verify page; a user who must use two-factor authentication (area leads
    and national admins when PORTAL_REQUIRE_2FA is on) and has not set it up goes to the set-up
    page. Public pages and the exempt views stay reachable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if access_rule_of(view_func) is AccessRule.PUBLIC or _is_two_factor_exempt(view_func):
            return None
        if user.is_verified():  # type: ignore[union-attr]
            return None
        if has_confirmed_authenticator(user):
            return _redirect_with_next("accounts:two_factor_verify", request)
        options = getattr(request, "acting_for_options", None)
        if options is not None:
            # Reads the user's memberships and areas once and fills the role caches that
            # two_factor_required and the view's own checks use, instead of querying them twice.
            len(options)
        if two_factor_required(user):
            return _redirect_with_next("accounts:two_factor_setup", request)
        return None


class SessionRefreshMiddleware:
    """Idle expiry without a database write on every request: a signed-in session is saved (which
    moves its expiry on by SESSION_COOKIE_AGE) at most once per SESSION_REFRESH_SECONDS. A session
    therefore ends between SESSION_COOKIE_AGE and SESSION_COOKIE_AGE + SESSION_REFRESH_SECONDS
    after the last request."""

    KEY = "_portal_refreshed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)
