"""Every view declares who may reach it. LoginRequiredMiddleware makes "signed in" the default (fail
closed); these decorators record the rule on the view so a test can walk the URL resolver and fail
for any view that declares none (tests/core/test_access_rules.py).

Rules beyond "public" and "signed in" are enforced by the view's predicate and its tenant-scoped
selector too (checked twice); the decorator is the first check, cheap and uniform.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest


class AccessRule(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any signed-in user; the view scopes what they see
    AUTHORITY = "authority"  # acts for an authority the user is a member of
    AREA = "area"  # an area lead acting for one of their areas (or a national admin)
    NATIONAL_ADMIN = "national_admin"  # national admins only


RuleCheck = Callable[[HttpRequest], bool]
# Filled by apps that own the rule (accounts registers AUTHORITY, AREA and NATIONAL_ADMIN) so core
# does not import them. A rule with no registered check lets the view decide.
RULE_CHECKS: dict[AccessRule, RuleCheck] = {}


def register_rule_check(rule: AccessRule, check: RuleCheck) -> None:
    RULE_CHECKS[rule] = check


def access(rule: AccessRule) -> Callable[[Any], Any]:
    """Declare (and for registered rules, enforce) who may reach a view. Works on function views and
    on class-based views. A failed check is a 404: another tenant's page looks like a missing
    one."""

    def decorate(view: Any) -> Any:
        if isinstance(view, type):
            view.access_rule = rule
            original_dispatch = view.dispatch

            @wraps(original_dispatch)
            def dispatch(self: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                _enforce(rule, request)
                return original_dispatch(self, request, *args, **kwargs)

            if rule is AccessRule.PUBLIC:
                dispatch = login_not_required(dispatch)
            view.dispatch = dispatch
            return view

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            _enforce(rule, request)
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule  # type: ignore[attr-defined]
        if rule is AccessRule.PUBLIC:
            wrapped = login_not_required(wrapped)
        return wrapped

    return decorate


def _enforce(rule: AccessRule, request: HttpRequest) -> None:
    check = RULE_CHECKS.get(rule)
    if check is not None and not check(request):
        raise Http404


def access_rule_of(callback: Any) -> AccessRule | None:
    """The rule a resolved URL callback declares, for function and class-based views."""
    rule = getattr(callback, "access_rule", None)
    if rule is None and hasattr(callback, "view_class"):
        rule = getattr(callback.view_class, "access_rule", None)
    if rule is None and hasattr(callback, "cls"):  # Django REST framework views
        rule = getattr(callback.cls, "access_rule", None)
    return rule
