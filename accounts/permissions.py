"""Permission predicates, one per action. Views and templates call the same predicate, and the
view's selector filters by the tenant as well (checked twice).

Every predicate fails closed: an anonymous or switched-off user, an inactive authority, or a missing
membership gives False. Predicates read the user's memberships and area assignments once per user
object (cached on it); services that change them call `forget_cached_roles(user)`.

The tenant passed in is the one the request acts for (`request.acting_for`, see
`accounts.tenancy`); a predicate never widens it.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings

from .models import MembershipRole, Role

if TYPE_CHECKING:
    from .models import Area, Authority

_ROLES_CACHE = "_portal_authority_roles"
_AREAS_CACHE = "_portal_area_ids"

#: What each role may give when inviting or changing roles (national admins may give any role).
GRANTABLE_BY_AUTHORITY_LEAD: tuple[str, ...] = (
    MembershipRole.OFFICER,
    MembershipRole.VIEWER,
    MembershipRole.AUTHORITY_LEAD,
)


def _active_user(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_national_admin(user: Any) -> bool:
    return bool(_active_user(user) and user.is_national_admin)


def authority_roles(user: Any) -> dict[int, str]:
    """{authority id: role} for the user's memberships in active authorities, cached on the
    user."""
    if not _active_user(user):
        return {}
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        from .models import Membership

        cached = dict(
            Membership.objects.filter(user=user, authority__active=True).values_list(
                "authority_id", "role"
            )
        )
        setattr(user, _ROLES_CACHE, cached)
    return cached


def area_ids(user: Any) -> frozenset[int]:
    """The ids of the areas the user leads (cached on the user)."""
    if not _active_user(user):
        return frozenset()
    cached = getattr(user, _AREAS_CACHE, None)
    if cached is None:
        from .models import AreaAssignment

        cached = frozenset(
            AreaAssignment.objects.filter(user=user).values_list("area_id", flat=True)
        )
        setattr(user, _AREAS_CACHE, cached)
    return cached


def prime_role_caches(
    user: Any, *, authority_roles: dict[int, str], area_ids: frozenset[int]
) -> None:
    """Fill the per-user caches from rows already read (memberships in active authorities and
    area assignments), so the predicates need no queries of their own on this request."""
    setattr(user, _ROLES_CACHE, dict(authority_roles))
    setattr(user, _AREAS_CACHE, frozenset(area_ids))


def forget_cached_roles(*users: Any) -> None:
    """Drop the cached roles of these user objects (after a change to their memberships)."""
    for user in users:
        for name in (_ROLES_CACHE, _AREAS_CACHE):
            if hasattr(user, name):
                delattr(user, name)


def role_in(user: Any, authority: "Authority | None") -> str | None:
    """The user's membership role in this authority, or None."""
    if authority is None or not authority.active:
        return None
    return authority_roles(user).get(authority.pk)


def is_area_lead(user: Any) -> bool:
    return bool(area_ids(user))


def leads_area(user: Any, area: "Area | None") -> bool:
    return area is not None and area.pk in area_ids(user)


# --- Authority-level actions ------------------------------------------------------------------


def can_view_authority(user: Any, authority: "Authority | None") -> bool:
    """Read the authority's assessments, results, benchmark position and reports."""
    if authority is None:
        return False
    if is_national_admin(user):
        return True
    if role_in(user, authority) is not None:
        return True
    return authority.area_id is not None and authority.area_id in area_ids(user)


def can_edit_assessment(user: Any, authority: "Authority | None") -> bool:
    """Rate statements, confirm levels, add evidence and comment on a draft assessment."""
    return role_in(user, authority) in (MembershipRole.OFFICER, MembershipRole.AUTHORITY_LEAD)


def can_start_assessment(user: Any, authority: "Authority | None") -> bool:
    return role_in(user, authority) == MembershipRole.AUTHORITY_LEAD


def can_assign_dimensions(user: Any, authority: "Authority | None") -> bool:
    return role_in(user, authority) == MembershipRole.AUTHORITY_LEAD


def can_submit_assessment(user: Any, authority: "Authority | None") -> bool:
    return role_in(user, authority) == MembershipRole.AUTHORITY_LEAD


def can_request_report(user: Any, authority: "Authority | None") -> bool:
    return role_in(user, authority) == MembershipRole.AUTHORITY_LEAD or can_review_authority(
        user, authority
    )


def can_manage_action_plan(user: Any, authority: "Authority | None") -> bool:
    return role_in(user, authority) == MembershipRole.AUTHORITY_LEAD


def can_manage_people(user: Any, authority: "Authority | None") -> bool:
    """Invite people to the authority, change their roles and remove them."""
    if authority is None:
        return False
    return is_national_admin(user) or role_in(user, authority) == MembershipRole.AUTHORITY_LEAD


def grantable_roles(user: Any, authority: "Authority | None" = None) -> tuple[str, ...]:
    """The roles this user may give (by invitation or role change) in this authority. National
    admins may give every role; an authority lead the three membership roles in their own
    authority; anyone else none."""
    if is_national_admin(user):
        return tuple(Role.values)
    if authority is not None and role_in(user, authority) == MembershipRole.AUTHORITY_LEAD:
        return GRANTABLE_BY_AUTHORITY_LEAD
    return ()


def can_grant_role(
    user: Any,
    role: str,
    *,
    authority: "Authority | None" = None,
    area: "Area | None" = None,
) -> bool:
    if role in MembershipRole.values:
        return authority is not None and role in grantable_roles(user, authority)
    if role == Role.AREA_LEAD:
        return area is not None and is_national_admin(user)
    if role == Role.NATIONAL_ADMIN:
        return is_national_admin(user)
    return False


# --- Area-level actions -----------------------------------------------------------------------


def can_review_area(user: Any, area: "Area | None") -> bool:
    """Read every assessment in the area, review and moderate, compare its authorities by name,
    request area reports."""
    return area is not None and (is_national_admin(user) or leads_area(user, area))


def can_review_authority(user: Any, authority: "Authority | None") -> bool:
    """Review and moderate this authority's submitted assessments (its area's lead, or a national
    admin)."""
    if authority is None:
        return False
    if is_national_admin(user):
        return True
    return authority.area_id is not None and authority.area_id in area_ids(user)


# --- National actions -------------------------------------------------------------------------


def can_manage_tenants(user: Any) -> bool:
    """Manage authorities, areas, area assignments and users."""
    return is_national_admin(user)


def can_view_security_events(user: Any) -> bool:
    return is_national_admin(user)


# --- Two-factor authentication ----------------------------------------------------------------


def two_factor_required(user: Any) -> bool:
    """Area leads and national admins must use two-factor authentication when the setting is on."""
    if not settings.PORTAL_REQUIRE_2FA or not _active_user(user):
        return False
    return is_national_admin(user) or is_area_lead(user)
