"""Report records: one row per PDF asked for, with its status, the fingerprint of the data that
went into it, and where the file is stored (the private "reports" storage, never a public URL).

Status: queued → rendering → ready, or failed (the error kept; a retry puts it back to queued).
A render claims the row by writing a fresh `attempt_token`; only the holder of the current token
may finish it, so a task delivered twice (or re-dispatched after a worker died) completes once.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReportKind(models.TextChoices):
    AUTHORITY = "authority", "Authority report"
    AREA = "area", "Area report"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


# Statuses in which a request for the same report reuses the row instead of starting another.
IN_FLIGHT = frozenset({ReportStatus.QUEUED, ReportStatus.RENDERING})


class Report(models.Model):
    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    # Authority reports: the authority and its assessment. Area reports: the area and the round.
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    area = models.ForeignKey(
        "accounts.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    round = models.ForeignKey(
        "assessments.Round", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the report's data and the template version."
    )
    template_version = models.CharField(max_length=20)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    attempt_token = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    stored_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-requested_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["assessment", "fingerprint"]),
            models.Index(fields=["area", "round", "fingerprint"]),
            models.Index(fields=["status", "dispatched_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="authority",
                        authority__isnull=False,
                        assessment__isnull=False,
                        area__isnull=True,
                    )
                    | models.Q(
                        kind="area",
                        area__isnull=False,
                        round__isnull=False,
                        authority__isnull=True,
                        assessment__isnull=True,
                    )
                ),
                name="report_subject_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_in_flight(self) -> bool:
        return self.status in IN_FLIGHT

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def is_failed(self) -> bool:
        return self.status == ReportStatus.FAILED

    @property
    def filename(self) -> str:
        """The download's file name: the title with only safe characters, and the date."""
        safe = "".join(c if c.isalnum() else "-" for c in self.title).strip("-")
        while "--" in safe:
            safe = safe.replace("--", "-")
        stamp = (self.finished_at or self.requested_at).strftime("%Y-%m-%d")
        return f"{safe[:100]}-{stamp}.pdf"
