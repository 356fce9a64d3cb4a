"""Every write in accounts. Each service is atomic, validates before it saves, re-checks the actor's
permission (the view checked it too), records its security event in the same transaction, and sends
email only after commit.

Business-rule failures raise `django.core.exceptions.ValidationError` with a message written for the
person using the page; a permission failure raises `PermissionDenied`.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions
from .models import (
    Area,
    AreaAssignment,
    Authority,
    Invitation,
    Membership,
    MembershipRole,
    Role,
    SecurityEvent,
    SecurityEventKind,
    User,
)

RECOVERY_CODE_COUNT = 10


# --- Security events ----------------------------------------------------------------------------


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    actor: User | None = None,
    actor_email: str = "",
    subject: User | None = None,
    authority: Authority | None = None,
    area: Area | None = None,
    detail: str = "",
) -> SecurityEvent:
    request_user = getattr(request, "user", None)
    if actor is None and request_user is not None and request_user.is_authenticated:
        actor = request_user
    event = SecurityEvent(
        kind=kind,
        actor=actor,
        actor_email=(actor.email if actor is not None else actor_email)[:254],
        subject=subject,
        subject_email=subject.email if subject is not None else "",
        authority=authority,
        area=area,
        ip_address=client_ip(request),
        detail=detail[:500],
    )
    event.full_clean()
    event.save()
    return event


# --- Authorities and areas ----------------------------------------------------------------------

AUTHORITY_FIELDS = ("name", "ons_code", "kind", "region", "area", "active")


@transaction.atomic
def authority_create(
    *, actor: User, request: HttpRequest | None = None, **fields: Any
) -> Authority:
    if not permissions.can_manage_tenants(actor):
        raise PermissionDenied
    authority = Authority(**{k: v for k, v in fields.items() if k in AUTHORITY_FIELDS})
    authority.full_clean()
    authority.save()
    security_event_record(
        kind=SecurityEventKind.AUTHORITY_CHANGED,
        request=request,
        actor=actor,
        authority=authority,
        detail=f"Added {authority.name} ({authority.ons_code})",
    )
    return authority


@transaction.atomic
def authority_update(
    *, authority: Authority, actor: User, request: HttpRequest | None = None, **fields: Any
) -> Authority:
    if not permissions.can_manage_tenants(actor):
        raise PermissionDenied
    changed = []
    for name, value in fields.items():
        if name in AUTHORITY_FIELDS and getattr(authority, name) != value:
            setattr(authority, name, value)
            changed.append(name)
    if not changed:
        return authority
    authority.full_clean()
    authority.save(update_fields=[*changed, "updated_at"])
    security_event_record(
        kind=SecurityEventKind.AUTHORITY_CHANGED,
        request=request,
        actor=actor,
        authority=authority,
        detail=f"Changed {', '.join(changed)} of {authority.name}",
    )
    return authority


@transaction.atomic
def area_save(
    *,
    actor: User,
    name: str,
    description: str = "",
    authorities: Iterable[Authority] = (),
    area: Area | None = None,
    request: HttpRequest | None = None,
) -> Area:
    """Create an area, or rename it and set which authorities it holds. An authority moved here
    leaves its previous area."""
    if not permissions.can_manage_tenants(actor):
        raise PermissionDenied
    created = area is None
    area = area or Area()
    area.name = name
    area.description = description
    area.full_clean()
    area.save()
    wanted = {a.pk for a in authorities}
    Authority.objects.filter(area=area).exclude(pk__in=wanted).update(area=None)
    Authority.objects.filter(pk__in=wanted).update(area=area)
    security_event_record(
        kind=SecurityEventKind.AREA_CHANGED,
        request=request,
        actor=actor,
        area=area,
        detail=f"{'Added' if created else 'Changed'} {area.name}: {len(wanted)} authorities",
    )
    return area


# --- Memberships and area assignments -----------------------------------------------------------


def _lock_leads(authority: Authority) -> list[Membership]:
    """The authority's lead memberships, locked so two leads cannot demote each other at once."""
    return list(
        Membership.objects.select_for_update()
        .filter(authority=authority, role=MembershipRole.AUTHORITY_LEAD)
        .select_related("user")
    )


def _refuse_if_last_lead(membership: Membership, *, action: str) -> None:
    if membership.role != MembershipRole.AUTHORITY_LEAD:
        return
    others = [
        m for m in _lock_leads(membership.authority) if m.pk != membership.pk and m.user.is_active
    ]
    if not others:
        raise ValidationError(
            f"You cannot {action} {membership.user}: they are the only authority lead for "
            f"{membership.authority}. Make someone else an authority lead first."
        )


@transaction.atomic
def membership_add(
    *,
    actor: User,
    user: User,
    authority: Authority,
    role: str,
    request: HttpRequest | None = None,
) -> Membership:
    if not permissions.can_grant_role(actor, role, authority=authority):
        raise PermissionDenied
    if Membership.objects.filter(user=user, authority=authority).exists():
        raise ValidationError(f"{user.email} is already a member of {authority}.")
    membership = Membership(user=user, authority=authority, role=role)
    membership.full_clean()
    membership.save()
    permissions.forget_cached_roles(user, actor)
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_ADDED,
        request=request,
        actor=actor,
        subject=user,
        authority=authority,
        detail=f"Added as {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def membership_change_role(
    *, actor: User, membership: Membership, role: str, request: HttpRequest | None = None
) -> Membership:
    if not permissions.can_grant_role(actor, role, authority=membership.authority):
        raise PermissionDenied
    if role not in MembershipRole.values:
        raise ValidationError("Choose officer, viewer or authority lead.")
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "authority")
        .get(pk=membership.pk)
    )
    if membership.role == role:
        return membership
    if role != MembershipRole.AUTHORITY_LEAD:
        _refuse_if_last_lead(membership, action="change the role of")
    before = membership.get_role_display()
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    permissions.forget_cached_roles(membership.user, actor)
    security_event_record(
        kind=SecurityEventKind.ROLE_CHANGED,
        request=request,
        actor=actor,
        subject=membership.user,
        authority=membership.authority,
        detail=f"{before} to {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def membership_remove(
    *, actor: User, membership: Membership, request: HttpRequest | None = None
) -> None:
    if not permissions.can_manage_people(actor, membership.authority):
        raise PermissionDenied
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "authority")
        .get(pk=membership.pk)
    )
    _refuse_if_last_lead(membership, action="remove")
    role = membership.get_role_display()
    membership.delete()
    permissions.forget_cached_roles(membership.user, actor)
    security_event_record(
        kind=SecurityEventKind.MEMBERSHIP_REMOVED,
        request=request,
        actor=actor,
        subject=membership.user,
        authority=membership.authority,
        detail=f"Was {role}",
    )


@transaction.atomic
def area_assignment_add(
    *, actor: User, user: User, area: Area, request: HttpRequest | None = None
) -> AreaAssignment:
    if not permissions.can_grant_role(actor, Role.AREA_LEAD, area=area):
        raise PermissionDenied
    if AreaAssignment.objects.filter(user=user, area=area).exists():
        raise ValidationError(f"{user.email} is already an area lead for {area}.")
    assignment = AreaAssignment(user=user, area=area)
    assignment.full_clean()
    assignment.save()
    permissions.forget_cached_roles(user, actor)
    security_event_record(
        kind=SecurityEventKind.AREA_ASSIGNMENT_ADDED,
        request=request,
        actor=actor,
        subject=user,
        area=area,
    )
    return assignment


@transaction.atomic
def area_assignment_remove(
    *, actor: User, assignment: AreaAssignment, request: HttpRequest | None = None
) -> None:
    if not permissions.can_manage_tenants(actor):
        raise PermissionDenied
    user, area = assignment.user, assignment.area
    assignment.delete()
    permissions.forget_cached_roles(user, actor)
    security_event_record(
        kind=SecurityEventKind.AREA_ASSIGNMENT_REMOVED,
        request=request,
        actor=actor,
        subject=user,
        area=area,
    )


@transaction.atomic
def user_set_national_admin(
    *, actor: User, user: User, value: bool, request: HttpRequest | None = None
) -> User:
    if not permissions.is_national_admin(actor):
        raise PermissionDenied
    if user.is_national_admin == value:
        return user
    if not value and user.pk == actor.pk:
        raise ValidationError("You cannot remove your own national admin role.")
    user.is_national_admin = value
    user.save(update_fields=["is_national_admin"])
    security_event_record(
        kind=SecurityEventKind.NATIONAL_ADMIN_GRANTED
        if value
        else SecurityEventKind.NATIONAL_ADMIN_REVOKED,
        request=request,
        actor=actor,
        subject=user,
    )
    return user


@transaction.atomic
def user_set_active(
    *, actor: User, user: User, active: bool, request: HttpRequest | None = None
) -> User:
    if not permissions.is_national_admin(actor):
        raise PermissionDenied
    if user.is_active == active:
        return user
    if not active:
        if user.pk == actor.pk:
            raise ValidationError("You cannot switch off your own account.")
        for membership in user.memberships.filter(role=MembershipRole.AUTHORITY_LEAD):
            _refuse_if_last_lead(membership, action="switch off")
    user.is_active = active
    user.save(update_fields=["is_active"])
    security_event_record(
        kind=SecurityEventKind.USER_REACTIVATED if active else SecurityEventKind.USER_DEACTIVATED,
        request=request,
        actor=actor,
        subject=user,
    )
    return user


# --- Invitations --------------------------------------------------------------------------------


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str, request: HttpRequest | None) -> str:
    path = reverse("accounts:invitation_accept", kwargs={"token": token})
    base = getattr(settings, "PORTAL_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def _send_invitation_email(invitation: Invitation, link: str) -> None:
    context = {
        "has_account": User.objects.filter(email__iexact=invitation.email).exists(),
        "invitation": invitation,
        "link": link,
        "service_name": settings.PORTAL_SERVICE_NAME,
        "inviter": invitation.invited_by,
        "target": invitation.target,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invitation_create(
    *,
    inviter: User,
    email: str,
    role: str,
    authority: Authority | None = None,
    area: Area | None = None,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite an email address to a role. Returns the invitation and its token (the only copy: the
    database keeps a hash). A waiting invitation for the same address and place is replaced."""
    email = User.objects.normalize_email(email.strip()).lower()
    if role in MembershipRole.values:
        area = None
    elif role == Role.AREA_LEAD:
        authority = None
    else:
        authority = area = None
    if not permissions.can_grant_role(inviter, role, authority=authority, area=area):
        raise PermissionDenied
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        if not existing.is_active:
            raise ValidationError(
                f"The account for {email} is switched off. A national admin can switch it back on."
            )
        if authority is not None and existing.memberships.filter(authority=authority).exists():
            raise ValidationError(f"{email} is already a member of {authority}.")
        if area is not None and existing.area_assignments.filter(area=area).exists():
            raise ValidationError(f"{email} is already an area lead for {area}.")
        if role == Role.NATIONAL_ADMIN and existing.is_national_admin:
            raise ValidationError(f"{email} is already a national admin.")
    now = timezone.now()
    Invitation.objects.filter(
        email__iexact=email,
        role__in=[role] if role in (Role.AREA_LEAD, Role.NATIONAL_ADMIN) else MembershipRole.values,
        authority=authority,
        area=area,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        role=role,
        authority=authority,
        area=area,
        token_hash=invitation_token_hash(token),
        invited_by=inviter,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    security_event_record(
        kind=SecurityEventKind.INVITATION_SENT,
        request=request,
        actor=inviter,
        subject=existing,
        authority=authority,
        area=area,
        detail=f"{email} invited as {invitation.get_role_display()}",
    )
    link = invitation_link(token, request)
    transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return invitation, token


def _grant_invited_role(invitation: Invitation, user: User, request: HttpRequest | None) -> None:
    inviter = invitation.invited_by
    if invitation.role in MembershipRole.values:
        membership, created = Membership.objects.get_or_create(
            user=user, authority=invitation.authority, defaults={"role": invitation.role}
        )
        if created:
            security_event_record(
                kind=SecurityEventKind.MEMBERSHIP_ADDED,
                request=request,
                actor=user,
                subject=user,
                authority=invitation.authority,
                detail=f"By invitation from {inviter.email if inviter else 'a former user'}, "
                f"as {membership.get_role_display()}",
            )
    elif invitation.role == Role.AREA_LEAD:
        _, created = AreaAssignment.objects.get_or_create(user=user, area=invitation.area)
        if created:
            security_event_record(
                kind=SecurityEventKind.AREA_ASSIGNMENT_ADDED,
                request=request,
                actor=user,
                subject=user,
                area=invitation.area,
                detail="By invitation",
            )
    elif invitation.role == Role.NATIONAL_ADMIN and not user.is_national_admin:
        user.is_national_admin = True
        user.save(update_fields=["is_national_admin"])
        security_event_record(
            kind=SecurityEventKind.NATIONAL_ADMIN_GRANTED,
            request=request,
            actor=user,
            subject=user,
            detail="By invitation",
        )
    permissions.forget_cached_roles(user)


def _lock_usable_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == "accepted":
        raise ValidationError("This invitation has already been used.")
    if invitation.status == "revoked":
        raise ValidationError("This invitation has been cancelled.")
    if invitation.status == "expired":
        raise ValidationError("This invitation has expired.")
    return invitation


def _validate_inviter_still_may_grant(invitation: Invitation) -> None:
    """The inviter's right is checked again at acceptance: an invitation from someone who has since
    lost the role (or whose authority was switched off) gives nothing."""
    inviter = invitation.invited_by
    if inviter is None or not permissions.can_grant_role(
        inviter, invitation.role, authority=invitation.authority, area=invitation.area
    ):
        raise ValidationError(
            "This invitation is no longer valid because the person who sent it can no longer "
            "give this role. Ask for a new invitation."
        )


@transaction.atomic
def invitation_accept_new_user(
    *, invitation: Invitation, full_name: str, password: str, request: HttpRequest | None = None
) -> User:
    invitation = _lock_usable_invitation(invitation)
    _validate_inviter_still_may_grant(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            "An account with this email address already exists. Sign in to accept the invitation."
        )
    user = User(email=invitation.email, full_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    _grant_invited_role(invitation, user, request)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_ACCEPTED,
        request=request,
        actor=user,
        subject=user,
        authority=invitation.authority,
        area=invitation.area,
        detail=f"New account, as {invitation.get_role_display()}",
    )
    return user


@transaction.atomic
def invitation_accept_existing_user(
    *, invitation: Invitation, user: User, request: HttpRequest | None = None
) -> User:
    invitation = _lock_usable_invitation(invitation)
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied
    _validate_inviter_still_may_grant(invitation)
    _grant_invited_role(invitation, user, request)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_ACCEPTED,
        request=request,
        actor=user,
        subject=user,
        authority=invitation.authority,
        area=invitation.area,
        detail=f"Existing account, as {invitation.get_role_display()}",
    )
    return user


@transaction.atomic
def invitation_revoke(
    *, actor: User, invitation: Invitation, request: HttpRequest | None = None
) -> Invitation:
    allowed = (
        permissions.can_manage_people(actor, invitation.authority)
        if invitation.authority is not None
        else permissions.can_manage_tenants(actor)
    )
    if not allowed:
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError(
            f"This invitation cannot be cancelled: it is {invitation.get_status_display().lower()}."
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    security_event_record(
        kind=SecurityEventKind.INVITATION_REVOKED,
        request=request,
        actor=actor,
        authority=invitation.authority,
        area=invitation.area,
        detail=f"Invitation for {invitation.email} as {invitation.get_role_display()}",
    )
    return invitation


# --- Two-factor authentication ------------------------------------------------------------------


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def two_factor_setup_begin(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator device with a fresh secret (reused until confirmed, so
    reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice(user=user, name="Authenticator app", confirmed=False)
        device.full_clean()
        device.save()
    return device


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def two_factor_setup_confirm(
    *, user: User, device: TOTPDevice, token: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm the authenticator with a code from it. Returns the new recovery codes (shown once;
    only the device keeps them)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(token):
        raise ValidationError(
            "The code is not right. Check the code in your authenticator app and enter the "
            "6 digits shown now"
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    security_event_record(
        kind=SecurityEventKind.TWO_FACTOR_ENABLED, request=request, actor=user, subject=user
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    if two_factor_device(user) is None:
        raise ValidationError("Set up two-factor authentication first.")
    codes = _new_recovery_codes(user)
    security_event_record(
        kind=SecurityEventKind.RECOVERY_CODES_REGENERATED,
        request=request,
        actor=user,
        subject=user,
    )
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, user: User, request: HttpRequest | None = None) -> None:
    """Remove the authenticator and recovery codes: by the user themselves (unless two-factor is
    mandatory for them) or by a national admin (for someone who lost their device)."""
    if actor.pk == user.pk:
        if permissions.two_factor_required(user):
            raise ValidationError(
                "You must keep two-factor authentication because of your role. "
                "Set up a new authenticator app instead."
            )
    elif not permissions.is_national_admin(actor):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    security_event_record(
        kind=SecurityEventKind.TWO_FACTOR_DISABLED,
        request=request,
        actor=actor,
        subject=user,
        detail="" if actor.pk == user.pk else "Reset by a national admin",
    )
