"""The Django admin site for framework versions. A draft's elements can be edited here (the portal's
own pages are the usual way); a published or retired version is read-only. The models refuse the
write anyway (frameworks.models), this just does not offer it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    CaseStudy,
    ChecklistItem,
    Dimension,
    FrameworkVersion,
    FrameworkVersionEvent,
    Level,
    Statement,
    Strand,
)


def _editable(obj: Any) -> bool:
    if obj is None:
        return True
    version = obj if isinstance(obj, FrameworkVersion) else obj.framework_version
    return version.is_draft


class LockedWhenPublished:
    """Read-only unless the version is a draft."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _editable(obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _editable(obj)  # type: ignore[misc]


class ElementInline(LockedWhenPublished, admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and _editable(obj)


class LevelInline(ElementInline):
    model = Level
    fields = ["order", "key", "name"]


class StrandInline(ElementInline):
    model = Strand
    fields = ["order", "key", "name"]


class DimensionInline(ElementInline):
    model = Dimension
    fields = ["order", "key", "name", "strand"]


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(LockedWhenPublished, admin.ModelAdmin):
    list_display = ["slug", "version", "title", "status", "published_on"]
    list_filter = ["status", "slug"]
    readonly_fields = ["status", "published_on", "retired_at", "cloned_from", "created_at"]
    inlines = [LevelInline, StrandInline, DimensionInline]


class ElementAdmin(LockedWhenPublished, admin.ModelAdmin):
    list_filter = ["framework_version"]
    list_select_related = ["framework_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # An element stays in its version; moving it would change a published version.
        return ["framework_version"] if obj is not None else []


@admin.register(Statement)
class StatementAdmin(ElementAdmin):
    list_display = ["key", "framework_version", "level", "order", "text"]
    search_fields = ["key", "text"]
    list_select_related = ["framework_version", "level"]


@admin.register(Level)
class LevelAdmin(ElementAdmin):
    list_display = ["key", "framework_version", "order", "name"]


@admin.register(Strand)
class StrandAdmin(ElementAdmin):
    list_display = ["key", "framework_version", "order", "name"]


@admin.register(Dimension)
class DimensionAdmin(ElementAdmin):
    list_display = ["key", "framework_version", "order", "name"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ElementAdmin):
    list_display = ["key", "framework_version", "order", "text"]


@admin.register(CaseStudy)
class CaseStudyAdmin(ElementAdmin):
    list_display = ["key", "framework_version", "order", "name"]


@admin.register(FrameworkVersionEvent)
class FrameworkVersionEventAdmin(admin.ModelAdmin):
    list_display = ["framework_version", "action", "actor", "at", "detail"]
    list_filter = ["action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
