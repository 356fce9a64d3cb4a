from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are requested and rendered through the portal."""

    list_display = ("title", "kind", "status", "requested_at", "finished_at", "attempts")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
