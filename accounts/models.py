"""Users and the tenants they act for: authorities, areas, memberships, area assignments,
invitations, and the security event log.

Tenancy in one paragraph: an **authority** is the tenant. A user reaches an authority only through
a **membership** (officer, authority lead or viewer). An **area** is a named portfolio of
authorities; a user reaches an area only through an **area assignment** (they are then its area
lead). A **national admin** is a flag on the user. Which of these a request acts for is resolved on
every request by `accounts.tenancy` (see its docstring), never taken from a URL or form alone.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        # Email addresses are case-insensitive for sign-in.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. The email address is the login."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField("full name", max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the Django admin site (national admins only)."
    )
    is_national_admin = models.BooleanField(
        "national admin",
        default=False,
        help_text="Manages model versions, rounds, authorities, areas and users; sees everything.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


# --- Roles --------------------------------------------------------------------------------------


class Role(models.TextChoices):
    """Every role a person can hold. The first three are held in one authority (a membership)."""

    OFFICER = "officer", "Officer"
    AUTHORITY_LEAD = "authority_lead", "Authority lead"
    VIEWER = "viewer", "Viewer"
    AREA_LEAD = "area_lead", "Area lead"
    NATIONAL_ADMIN = "national_admin", "National admin"


class MembershipRole(models.TextChoices):
    """The roles held within one authority."""

    OFFICER = Role.OFFICER.value, Role.OFFICER.label
    AUTHORITY_LEAD = Role.AUTHORITY_LEAD.value, Role.AUTHORITY_LEAD.label
    VIEWER = Role.VIEWER.value, Role.VIEWER.label


ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.OFFICER: "Fills in their authority's assessments, rates statements and adds evidence.",
    Role.AUTHORITY_LEAD: (
        "All an officer can do, plus starting and submitting assessments and managing the "
        "authority's people."
    ),
    Role.VIEWER: "Reads their authority's assessments, results, benchmarks and reports.",
    Role.AREA_LEAD: "Reviews and moderates the assessments of the authorities in an area.",
    Role.NATIONAL_ADMIN: (
        "Manages the model, rounds, authorities, areas and users; sees everything."
    ),
}


# --- Tenants ------------------------------------------------------------------------------------


class AuthorityKind(models.TextChoices):
    COUNTY = "county", "County council"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan_borough", "Metropolitan borough"
    LONDON_BOROUGH = "london_borough", "London borough"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    """The nine ONS English regions (the reference file uses the labels)."""

    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber", "Yorkshire and The Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


ons_code_validator = RegexValidator(
    r"^[A-Z][0-9]{8}$",
    "Enter the code as a capital letter followed by 8 digits, like E06000001",
)


class Area(models.Model):
    """A named portfolio of authorities, reviewed by its area leads."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    is_demo = models.BooleanField(
        default=False, help_text="Created by seed_demo; holds only fictional authorities."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Authority(models.Model):
    """A local authority: the tenant that owns assessments, evidence and results."""

    name = models.CharField(max_length=200)
    ons_code = models.CharField(
        "ONS code", max_length=9, unique=True, validators=[ons_code_validator]
    )
    kind = models.CharField(max_length=30, choices=AuthorityKind.choices)
    region = models.CharField(max_length=40, choices=Region.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authorities",
        help_text="An authority belongs to at most one area.",
    )
    active = models.BooleanField(
        default=True, help_text="Inactive authorities keep their data but nobody acts for them."
    )
    is_demo = models.BooleanField(
        default=False,
        help_text="Fictional, created by seed_demo. load_authorities never touches these.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"
        indexes: ClassVar = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one authority."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["authority__name", "user__email"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "authority"], name="accounts_membership_one_per_authority"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.authority}"


class AreaAssignment(models.Model):
    """Makes a user an area lead for one area."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_assignments"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["area__name", "user__email"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "area"], name="accounts_area_assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} – area lead, {self.area}"


# --- Invitations --------------------------------------------------------------------------------


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Cancelled"
    EXPIRED = "expired", "Expired"


class Invitation(models.Model):
    """A single-use link that gives a role to whoever holds the email address. Only a hash of the
    token is stored, so a copy of the database cannot be used to accept invitations."""

    email = models.EmailField("email address")
    role = models.CharField(max_length=20, choices=Role.choices)
    # The tenant the role is held in: an authority for membership roles, an area for area leads,
    # neither for national admins.
    authority = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes: ClassVar = [models.Index(Lower("email"), name="accounts_invitation_email")]
        constraints: ClassVar = [
            models.CheckConstraint(
                name="accounts_invitation_target_matches_role",
                condition=(
                    models.Q(
                        role__in=[r.value for r in MembershipRole],
                        authority__isnull=False,
                        area__isnull=True,
                    )
                    | models.Q(role=Role.AREA_LEAD, authority__isnull=True, area__isnull=False)
                    | models.Q(role=Role.NATIONAL_ADMIN, authority__isnull=True, area__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        return InvitationStatus(self.status).label

    @property
    def target(self) -> "Authority | Area | None":
        return self.authority or self.area


# --- Security events ----------------------------------------------------------------------------


class SecurityEventKind(models.TextChoices):
    SIGN_IN_SUCCEEDED = "sign_in_succeeded", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out after repeated failures"
    SIGNED_OUT = "signed_out", "Signed out"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    PASSWORD_RESET_COMPLETED = "password_reset_completed", "Password reset completed"
    TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor authentication set up"
    TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor authentication removed"
    TWO_FACTOR_FAILED = "two_factor_failed", "Two-factor code rejected"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "New recovery codes made"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation_revoked", "Invitation cancelled"
    MEMBERSHIP_ADDED = "membership_added", "Added to an authority"
    ROLE_CHANGED = "role_changed", "Role changed"
    MEMBERSHIP_REMOVED = "membership_removed", "Removed from an authority"
    AREA_ASSIGNMENT_ADDED = "area_assignment_added", "Made area lead"
    AREA_ASSIGNMENT_REMOVED = "area_assignment_removed", "No longer area lead"
    NATIONAL_ADMIN_GRANTED = "national_admin_granted", "Made national admin"
    NATIONAL_ADMIN_REVOKED = "national_admin_revoked", "No longer national admin"
    USER_DEACTIVATED = "user_deactivated", "Account switched off"
    USER_REACTIVATED = "user_reactivated", "Account switched back on"
    AUTHORITY_CHANGED = "authority_changed", "Authority added or changed"
    AREA_CHANGED = "area_changed", "Area added or changed"


class SecurityEvent(models.Model):
    """An append-only record of a security-relevant event: who did it (actor), to whom (subject),
    in which tenant, when and from which address."""

    kind = models.CharField(max_length=40, choices=SecurityEventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events_as_actor",
    )
    # Kept as text too: failed sign-ins name an address that may have no account, and the record
    # must survive the account's deletion.
    actor_email = models.CharField(max_length=254, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events_as_subject",
    )
    subject_email = models.CharField(max_length=254, blank=True)
    authority = models.ForeignKey(
        Authority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["kind", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.actor_email or 'anonymous'})"
