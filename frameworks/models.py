"""The Data Maturity Model as versioned data.

A framework version (e.g. `dmm-early-help` 1.0) holds its levels, strands, dimensions, statements,
pre-model checklist and case studies. Every element has a stable `key` (unique in its version among
elements of its kind) so that later features can carry answers from one version to the next, and an
`order` for display.

A published or retired version is immutable. The guard lives here, below every view and service:
`save()`, `delete()` and the querysets' bulk writes refuse to change the elements of a version that
is not a draft, and a version's own content fields are frozen once it is published. The services
check first and give a friendlier message; this is the last line (Django admin, shell).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
VERSION_PATTERN = r"^[0-9]+(?:\.[0-9]+){0,3}$"
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
STATEMENT_KEY_PATTERN = r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$"

SLUG_MAX = 60
VERSION_MAX = 20
TITLE_MAX = 200
KEY_MAX = 100
STATEMENT_KEY_MAX = 150
NAME_MAX = 200

slug_validator = RegexValidator(
    SLUG_PATTERN, "Use lower-case letters, numbers and hyphens, like dmm-early-help"
)
version_validator = RegexValidator(VERSION_PATTERN, "Use numbers separated by dots, like 1.1")
key_validator = RegexValidator(
    KEY_PATTERN, "Use lower-case letters, numbers and underscores, starting with a letter"
)
statement_key_validator = RegexValidator(
    STATEMENT_KEY_PATTERN,
    "Use lower-case letters, numbers, underscores and dots, like information_governance.early.1",
)


def version_sort_key(version: str) -> tuple[int, ...]:
    """'1.10' sorts after '1.9'."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


class FrameworkVersionLocked(ValidationError):
    """A write that would change a published or retired version."""


class FrameworkVersionQuerySet(models.QuerySet):
    def published(self) -> FrameworkVersionQuerySet:
        return self.filter(status=FrameworkVersion.Status.PUBLISHED)

    def update(self, **kwargs: Any) -> int:
        frozen = set(kwargs) - FrameworkVersion.FIELDS_CHANGEABLE_WHEN_LOCKED
        locked = self.exclude(status=FrameworkVersion.Status.DRAFT)
        if frozen and locked.exists():
            raise FrameworkVersionLocked(
                "A published or retired framework version cannot be changed."
            )
        if kwargs.get("status") == FrameworkVersion.Status.DRAFT and locked.exists():
            raise FrameworkVersionLocked("A published or retired version cannot become a draft.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=FrameworkVersion.Status.DRAFT).exists():
            raise FrameworkVersionLocked("Only a draft framework version can be deleted.")
        return super().delete()


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class StrandRule(models.TextChoices):
        MEAN_FLOOR = "mean_floor", "Floor of the mean of its dimension levels"
        MINIMUM = "minimum", "Lowest of its dimension levels"

    # Once published, only these may change (and status only forward: published to retired).
    FIELDS_CHANGEABLE_WHEN_LOCKED: ClassVar[set[str]] = {"status", "retired_at", "updated_at"}

    slug = models.CharField(max_length=SLUG_MAX, validators=[slug_validator])
    version = models.CharField(max_length=VERSION_MAX, validators=[version_validator])
    title = models.CharField(max_length=TITLE_MAX)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    strand_rule = models.CharField(
        max_length=20, choices=StrandRule.choices, default=StrandRule.MEAN_FLOOR
    )
    consistency_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("3.00"))],
        help_text="A dimension whose answers spread more than this is flagged for the reviewer.",
    )
    introduction = models.TextField(blank=True)
    checklist_introduction = models.TextField(blank=True)
    case_studies_footer = models.TextField(blank=True)
    note = models.TextField(blank=True, help_text="For editors; not shown on the public pages.")
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="framework_version_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_on__isnull=False),
                name="framework_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version} ({self.get_status_display().lower()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            self._refuse_frozen_changes(kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = (
            FrameworkVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
        )
        if stored is not None and stored != self.Status.DRAFT:
            raise FrameworkVersionLocked(
                f"{self.label} is {stored}: only a draft framework version can be deleted."
            )
        return super().delete(*args, **kwargs)

    @property
    def label(self) -> str:
        return f"{self.slug} {self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _refuse_frozen_changes(self, update_fields: Any) -> None:
        stored = FrameworkVersion.objects.filter(pk=self.pk).first()
        if stored is None or stored.status == self.Status.DRAFT:
            return
        if self.status == self.Status.DRAFT:
            raise FrameworkVersionLocked(
                f"{stored.label} is {stored.status} and cannot become a draft again."
            )
        if stored.status == self.Status.RETIRED and self.status != self.Status.RETIRED:
            raise FrameworkVersionLocked(f"{stored.label} is retired and cannot be republished.")
        fields = [
            f.attname
            for f in self._meta.concrete_fields
            if f.attname not in self.FIELDS_CHANGEABLE_WHEN_LOCKED
        ]
        if update_fields is not None:
            fields = [name for name in fields if name in set(update_fields)]
        changed = [name for name in fields if getattr(stored, name) != getattr(self, name)]
        if changed:
            raise FrameworkVersionLocked(
                f"{stored.label} is {stored.status}, so it cannot be changed "
                f"({', '.join(changed)}). Make a new version instead."
            )


def ensure_version_editable(version_id: int | None) -> None:
    """Refuse any write to the elements of a version that is not a draft, reading the status from
    the database (an in-memory object may be stale)."""
    if version_id is None:
        return
    status = FrameworkVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()
    if status is not None and status != FrameworkVersion.Status.DRAFT:
        version = FrameworkVersion.objects.get(pk=version_id)
        raise FrameworkVersionLocked(
            f"{version.label} is {status}, so its contents cannot be changed. "
            "Clone it into a new draft version instead."
        )


class ElementQuerySet(models.QuerySet):
    """Bulk writes bypass save(); refuse them too when they touch a locked version."""

    def _ensure_editable(self) -> None:
        locked = (
            self.exclude(framework_version__status=FrameworkVersion.Status.DRAFT)
            .values_list("framework_version_id", flat=True)
            .first()
        )
        ensure_version_editable(locked)

    def update(self, **kwargs: Any) -> int:
        self._ensure_editable()
        if "framework_version" in kwargs or "framework_version_id" in kwargs:
            target = kwargs.get("framework_version_id") or kwargs["framework_version"].pk
            ensure_version_editable(target)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._ensure_editable()
        return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        for version_id in {obj.framework_version_id for obj in objs}:
            ensure_version_editable(version_id)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        version_ids = {obj.framework_version_id for obj in objs}
        stored = self.model.objects.filter(pk__in=[o.pk for o in objs]).values_list(
            "framework_version_id", flat=True
        )
        for version_id in version_ids | set(stored):
            ensure_version_editable(version_id)
        return super().bulk_update(objs, fields, *args, **kwargs)


class FrameworkElement(models.Model):
    """Something that belongs to one framework version, frozen with it."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)

    objects = ElementQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        ensure_version_editable(self.framework_version_id)
        if self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values_list("framework_version_id", flat=True)
                .first()
            )
            if stored != self.framework_version_id:
                ensure_version_editable(stored)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = (
            type(self).objects.filter(pk=self.pk).values_list("framework_version_id", flat=True)
        ).first()
        ensure_version_editable(stored if stored is not None else self.framework_version_id)
        return super().delete(*args, **kwargs)

    def _check_same_version(self, **related: Any) -> None:
        errors = {
            name: "Must belong to the same framework version."
            for name, obj in related.items()
            if obj is not None and obj.framework_version_id != self.framework_version_id
        }
        if errors:
            raise ValidationError(errors)


class Level(FrameworkElement):
    """A level of maturity (1 Early ... 4 Mature). Its number is its position (order)."""

    key = models.CharField(max_length=KEY_MAX, validators=[key_validator])
    name = models.CharField(max_length=NAME_MAX)
    whole_family_view = models.JSONField(
        default=list, blank=True, help_text="The level's whole-family-view summary, one per item."
    )

    class Meta:
        ordering = ["framework_version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "key"], name="level_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.name}"

    @property
    def number(self) -> int:
        return self.order

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.whole_family_view, list) or not all(
            isinstance(item, str) and item.strip() for item in self.whole_family_view
        ):
            raise ValidationError({"whole_family_view": "Must be a list of non-empty texts."})


class Strand(FrameworkElement):
    """One of the transformation strands; it holds dimensions and says what evidence it expects."""

    key = models.CharField(max_length=KEY_MAX, validators=[key_validator])
    name = models.CharField(max_length=NAME_MAX)
    measures = models.TextField(blank=True, help_text="The evidence expected (MEASURES).")

    class Meta:
        ordering = ["framework_version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "key"], name="strand_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Dimension(FrameworkElement):
    """A row of the model, described at every level by statements. Its order runs across the whole
    version, so sorting dimensions by order gives the model's reading order."""

    strand = models.ForeignKey(Strand, on_delete=models.CASCADE, related_name="dimensions")
    key = models.CharField(max_length=KEY_MAX, validators=[key_validator])
    name = models.CharField(max_length=NAME_MAX)

    class Meta:
        ordering = ["framework_version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "key"], name="dimension_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self._check_same_version(strand=self.strand if self.strand_id else None)


class Statement(FrameworkElement):
    """A descriptor statement in one cell (dimension x level). `order` is its place in the cell."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="statements")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="statements")
    key = models.CharField(max_length=STATEMENT_KEY_MAX, validators=[statement_key_validator])
    text = models.TextField()
    note = models.TextField(blank=True, help_text="For editors; not shown on the public pages.")

    class Meta:
        ordering = ["framework_version", "dimension__order", "level__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "key"], name="statement_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        super().clean()
        self._check_same_version(
            dimension=self.dimension if self.dimension_id else None,
            level=self.level if self.level_id else None,
        )
        if not self.text.strip():
            raise ValidationError({"text": "Enter the statement's text."})


class ChecklistItem(FrameworkElement):
    """Something an authority should have in place before using the model."""

    key = models.CharField(max_length=KEY_MAX, validators=[key_validator])
    text = models.TextField()

    class Meta:
        ordering = ["framework_version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "key"], name="checklist_item_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class CaseStudy(FrameworkElement):
    key = models.CharField(max_length=KEY_MAX, validators=[key_validator])
    name = models.CharField(max_length=NAME_MAX)
    points = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True, help_text="For editors; not shown on the public pages.")

    class Meta:
        ordering = ["framework_version", "order"]
        verbose_name_plural = "case studies"
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "key"], name="case_study_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.points, list) or not all(
            isinstance(item, str) and item.strip() for item in self.points
        ):
            raise ValidationError({"points": "Must be a list of non-empty texts."})


class FrameworkVersionEvent(models.Model):
    """The history of a version: who imported, cloned, edited, published or retired it, and when."""

    class Action(models.TextChoices):
        LOADED = "loaded", "Loaded from a file"
        IMPORTED = "imported", "Imported as a draft"
        CLONED = "cloned", "Cloned into a draft"
        EDITED = "edited", "Edited"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.framework_version.label}: {self.action}"
