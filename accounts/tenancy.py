"""The authority or area a request acts for ("acting for").

The contract later features rely on
-----------------------------------
`accounts.middleware.ActingForMiddleware` sets ``request.acting_for`` on every request, after
authentication. It is an :class:`ActingFor`:

- ``acting_for.authority``: the :class:`~accounts.models.Authority` the user acts for, or None;
- ``acting_for.area``: the :class:`~accounts.models.Area` an area lead acts for, or None;
- ``acting_for.role``: a :class:`~accounts.models.Role` value (officer, authority_lead, viewer,
  area_lead, national_admin), or None when nothing is chosen;
- ``acting_for.is_national``: a national admin acting for the whole service.

At most one of ``authority`` and ``area`` is set. The value is re-derived on every request from the
user's *current* memberships and area assignments: the session holds only a key such as
``"authority:12"``, and a key that no longer matches one of the user's options (forged, stale
after a membership was removed, an authority switched off) is dropped from the session and
ignored. With
exactly one option it is chosen automatically.

Every tenant-scoped query in assessments, benchmarks and reports takes its tenant from here, e.g.
``assessment_get(authority=request.acting_for.authority, pk=pk)``, never from a URL or a form
field alone. Views declared ``AccessRule.AUTHORITY`` only run when ``acting_for.authority`` is set;
``AccessRule.AREA`` when ``acting_for.area`` is set or the user is a national admin. A user who has
several options and has not chosen is sent to the "acting for" page first.

``request.acting_for_options`` lists every option the user has (for the switcher).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .models import Area, AreaAssignment, Authority, Membership, Role
from .permissions import is_national_admin, prime_role_caches

if TYPE_CHECKING:
    from django.http import HttpRequest

SESSION_KEY = "portal_acting_for"
NATIONAL_KEY = "national"


@dataclass(frozen=True)
class ActingFor:
    """What a request acts for. An empty one (no role) acts for nothing."""

    key: str = ""
    role: str | None = None
    authority: Authority | None = None
    area: Area | None = None

    @property
    def is_chosen(self) -> bool:
        return bool(self.key)

    @property
    def is_national(self) -> bool:
        return self.role == Role.NATIONAL_ADMIN

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""

    @property
    def name(self) -> str:
        """What the header shows: the authority's or area's name, or the national team."""
        if self.authority is not None:
            return self.authority.name
        if self.area is not None:
            return self.area.name
        if self.is_national:
            return "All authorities (national admin)"
        return ""

    def __bool__(self) -> bool:
        return self.is_chosen


NOTHING = ActingFor()


def authority_key(authority: Authority) -> str:
    return f"authority:{authority.pk}"


def area_key(area: Area) -> str:
    return f"area:{area.pk}"


def options_for(user: Any) -> list[ActingFor]:
    """Everything this user may act for, read fresh from the database: their memberships in active
    authorities, their areas, and the whole service if they are a national admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    options: list[ActingFor] = []
    if is_national_admin(user):
        options.append(ActingFor(key=NATIONAL_KEY, role=Role.NATIONAL_ADMIN))
    assignments: Any = []
    if getattr(user, "has_area_assignments", True):  # read with the user (accounts.backends)
        assignments = AreaAssignment.objects.filter(user=user).select_related("area")
    options.extend(
        ActingFor(key=area_key(a.area), role=Role.AREA_LEAD, area=a.area)
        for a in sorted(assignments, key=lambda a: a.area.name)
    )
    memberships = Membership.objects.filter(user=user, authority__active=True).select_related(
        "authority", "authority__area"
    )
    options.extend(
        ActingFor(key=authority_key(m.authority), role=m.role, authority=m.authority)
        for m in sorted(memberships, key=lambda m: m.authority.name)
    )
    # The permission predicates read the same rows: give them these instead of querying again.
    prime_role_caches(
        user,
        authority_roles={m.authority_id: m.role for m in memberships},
        area_ids=frozenset(a.area_id for a in assignments),
    )
    return options


def resolve(request: "HttpRequest", options: Sequence[ActingFor]) -> ActingFor:
    """The option the session names, if it is still one of the user's; the only option if there is
    exactly one; else nothing. A stale or forged session value is removed."""
    stored = request.session.get(SESSION_KEY)
    if stored:
        for option in options:
            if option.key == stored:
                return option
        del request.session[SESSION_KEY]
    if len(options) == 1:
        request.session[SESSION_KEY] = options[0].key
        return options[0]
    return NOTHING


def choose(request: "HttpRequest", key: str, options: Sequence[ActingFor]) -> ActingFor | None:
    """Switch to the option with this key, if it is one of the user's; None (and no change) if
    not."""
    for option in options:
        if option.key == key:
            request.session[SESSION_KEY] = option.key
            request.acting_for = option  # type: ignore[attr-defined]
            return option
    return None
