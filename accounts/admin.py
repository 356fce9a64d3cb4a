"""Django admin registrations (django-admin/, national admins with is_staff only). Day-to-day
management uses the portal's own national admin pages, which record security events; here the
security log is read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    Area,
    AreaAssignment,
    Authority,
    Invitation,
    Membership,
    SecurityEvent,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["authority"]


class AreaAssignmentInline(admin.TabularInline):
    model = AreaAssignment
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_national_admin", "is_active", "last_login"]
    list_filter = ["is_national_admin", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        (
            "Roles",
            {"fields": ("is_active", "is_national_admin", "is_staff", "is_superuser", "groups")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["groups"]
    inlines = [MembershipInline, AreaAssignmentInline]


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code", "kind", "region", "area", "active", "is_demo"]
    list_filter = ["kind", "region", "active", "is_demo", "area"]
    search_fields = ["name", "ons_code"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "is_demo"]
    search_fields = ["name"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "authority", "area", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "accepted_by", "accepted_at", "created_at"]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "kind",
        "actor_email",
        "subject_email",
        "authority",
        "ip_address",
    ]
    list_filter = ["kind"]
    search_fields = ["actor_email", "subject_email", "detail"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
