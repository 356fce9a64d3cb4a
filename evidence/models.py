"""Evidence against a dimension's answer: files, links and text statements.

Each item carries a direct `authority` foreign key (STYLE.md) set from the answer by the
services. Removal is soft (`removed_at`) so the history keeps what was there; a stored file is
deleted from storage when the retention period passes or the assessment is deleted
(`file_deleted_at` records the former)."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class EvidenceKind(models.TextChoices):
    FILE = "file", "File"
    LINK = "link", "Link"
    TEXT = "text", "Text"


class EvidenceItem(models.Model):
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="evidence_items"
    )
    answer = models.ForeignKey(
        "assessments.DimensionAnswer", on_delete=models.CASCADE, related_name="evidence_items"
    )
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(
        max_length=1000, help_text="What this evidence shows about the dimension."
    )
    url = models.URLField(max_length=2000, blank=True)
    text = models.TextField(max_length=5000, blank=True)
    # Files: the name the uploader gave (sanitised, for display and download) and the random name
    # it is stored under. The stored name is never shown or used in a URL.
    original_name = models.CharField(max_length=200, blank=True)
    stored_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    no_personal_data_confirmed = models.BooleanField(
        default=False,
        help_text="The uploader confirmed the file holds no personal data about individual "
        "families.",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    file_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the stored file was deleted (retention)."
    )

    class Meta:
        ordering: ClassVar = ["added_at", "id"]
        indexes: ClassVar = [models.Index(fields=["assessment", "removed_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(kind="file") | models.Q(no_personal_data_confirmed=True),
                name="evidence_file_confirmed_no_personal_data",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="link") | ~models.Q(url=""),
                name="evidence_link_has_url",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def has_file(self) -> bool:
        return self.kind == EvidenceKind.FILE and bool(self.stored_name)
