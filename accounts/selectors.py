"""Reads shared by pages and commands. Tenant-scoped selectors take the tenant as an argument and
filter by it, so another tenant's row is a plain 404 ("the same answer for what you cannot see and
what does not exist"). Nothing here widens access when a tenant is missing: no tenant, no rows."""

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import permissions
from .models import (
    Area,
    AreaAssignment,
    Authority,
    Invitation,
    Membership,
    MembershipRole,
    SecurityEvent,
    User,
)
from .services import invitation_token_hash

# --- Within one authority (the tenant is an argument) -------------------------------------------


def memberships_for_authority(*, authority: Authority | None) -> QuerySet[Membership]:
    if authority is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(authority=authority)
        .select_related("user", "authority")
        .order_by("user__full_name", "user__email")
    )


def membership_get(*, authority: Authority | None, pk: Any) -> Membership:
    """One membership of this authority; 404 for another authority's (or a bad id)."""
    if authority is None:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(memberships_for_authority(authority=authority), pk=pk)


def invitations_pending_for_authority(*, authority: Authority | None) -> QuerySet[Invitation]:
    if authority is None:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            authority=authority,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by", "authority")
        .order_by("email")
    )


def invitation_pending_get(*, authority: Authority | None, pk: Any) -> Invitation:
    if authority is None:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(invitations_pending_for_authority(authority=authority), pk=pk)


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation this link token belongs to, in any state, or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(token_hash=invitation_token_hash(token))
        .select_related("authority", "area", "invited_by")
        .first()
    )


def authority_lead_count(*, authority: Authority) -> int:
    return Membership.objects.filter(
        authority=authority, role=MembershipRole.AUTHORITY_LEAD, user__is_active=True
    ).count()


# --- Across authorities, by what the user may see -----------------------------------------------


def authorities_visible_to(*, user: Any) -> QuerySet[Authority]:
    """Fail closed: members see their authorities, area leads their areas' authorities, national
    admins all; anyone else none."""
    if permissions.is_national_admin(user):
        return Authority.objects.all()
    ids = list(permissions.authority_roles(user))
    areas = list(permissions.area_ids(user))
    if not ids and not areas:
        return Authority.objects.none()
    return Authority.objects.filter(Q(pk__in=ids) | Q(area_id__in=areas, active=True))


def authority_get(*, user: Any, pk: Any) -> Authority:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(authorities_visible_to(user=user).select_related("area"), pk=pk)


def authorities_in_area(*, area: Area | None) -> QuerySet[Authority]:
    if area is None:
        return Authority.objects.none()
    leads = Membership.objects.filter(
        role=MembershipRole.AUTHORITY_LEAD, user__is_active=True
    ).select_related("user")
    return (
        Authority.objects.filter(area=area, active=True)
        .prefetch_related(Prefetch("memberships", queryset=leads, to_attr="lead_memberships"))
        .order_by("name")
    )


# --- National admin lists -----------------------------------------------------------------------


def authority_search(
    *, search: str = "", kind: str = "", region: str = "", area: str = ""
) -> QuerySet[Authority]:
    qs = Authority.objects.select_related("area").annotate(member_count=Count("memberships"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(ons_code__icontains=search))
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region=region)
    if area == "none":
        qs = qs.filter(area__isnull=True)
    elif area:
        qs = qs.filter(area_id=area)
    return qs.order_by("name")


def authority_for_admin(*, pk: int) -> Authority:
    return get_object_or_404(Authority.objects.select_related("area"), pk=pk)


def area_list() -> QuerySet[Area]:
    return Area.objects.annotate(
        authority_count=Count("authorities", distinct=True),
        lead_count=Count("assignments", distinct=True),
    ).order_by("name")


def area_for_admin(*, pk: int) -> Area:
    return get_object_or_404(Area, pk=pk)


def area_assignments_for_area(*, area: Area) -> QuerySet[AreaAssignment]:
    return AreaAssignment.objects.filter(area=area).select_related("user").order_by("user__email")


def area_assignment_get(*, area: Area, pk: int) -> AreaAssignment:
    return get_object_or_404(area_assignments_for_area(area=area), pk=pk)


def area_assignment_get_for_user(*, user: User, pk: int) -> AreaAssignment:
    return get_object_or_404(
        AreaAssignment.objects.filter(user=user).select_related("area", "user"), pk=pk
    )


def user_search(*, search: str = "", role: str = "") -> QuerySet[User]:
    qs = User.objects.annotate(membership_count=Count("memberships", distinct=True))
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    if role == "national_admin":
        qs = qs.filter(is_national_admin=True)
    elif role == "area_lead":
        qs = qs.filter(area_assignments__isnull=False)
    elif role in MembershipRole.values:
        qs = qs.filter(memberships__role=role)
    elif role == "inactive":
        qs = qs.filter(is_active=False)
    return qs.distinct().order_by("email")


def user_for_admin(*, pk: int) -> User:
    return get_object_or_404(
        User.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("authority").order_by("authority__name"),
            ),
            Prefetch(
                "area_assignments",
                queryset=AreaAssignment.objects.select_related("area").order_by("area__name"),
            ),
        ),
        pk=pk,
    )


def security_event_search(
    *, kind: str = "", search: str = "", authority: str = ""
) -> QuerySet[SecurityEvent]:
    qs = SecurityEvent.objects.select_related("authority", "area")
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(
            Q(actor_email__icontains=search)
            | Q(subject_email__icontains=search)
            | Q(ip_address__startswith=search)
            | Q(detail__icontains=search)
        )
    if authority:
        qs = qs.filter(
            Q(authority__name__icontains=authority) | Q(authority__ons_code__iexact=authority)
        )
    return qs.order_by("-occurred_at", "-id")
