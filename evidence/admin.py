from django.contrib import admin

from .models import EvidenceItem


@admin.register(EvidenceItem)
class EvidenceItemAdmin(admin.ModelAdmin):
    """Read-only: evidence changes go through the services (history); files download through the
    permission-checked view, never a storage URL."""

    list_display = ("title", "kind", "authority", "assessment", "added_at", "removed_at")
    list_filter = ("kind",)
    search_fields = ("title", "original_name", "sha256")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
