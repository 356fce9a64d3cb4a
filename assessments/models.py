"""Rounds, assessments and their answers, history and stored results.

Every tenant-owned table carries a direct `authority` foreign key (STYLE.md), set from the
assessment by the services, so that every query can filter by the tenant without joins.
"""

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from .scoring import MAX_LEVEL, MIN_LEVEL, Rating

LEVEL_VALIDATORS = [MinValueValidator(MIN_LEVEL), MaxValueValidator(MAX_LEVEL)]


class Round(models.Model):
    """An assessment round (e.g. "2026 to 2027") on one published framework version."""

    name = models.CharField(max_length=60, unique=True)
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="rounds"
    )
    opens_on = models.DateField()
    closes_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-opens_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    AGREED = "agreed", "Agreed"


# Statuses in which the authority may change its answers.
EDITABLE_STATUSES = frozenset({AssessmentStatus.IN_PROGRESS, AssessmentStatus.RETURNED})


class Assessment(models.Model):
    """One authority's assessment in one round."""

    # Both are searched through the indexes that start with them (Meta): no index of their own.
    authority = models.ForeignKey(
        "accounts.Authority", on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="assessments", db_index=False
    )
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission_count = models.PositiveIntegerField(default=0)
    # Raised by every change that needs results (re)computed (submission, later moderation); the
    # worker computes for a revision and skips one it has already done.
    results_revision = models.PositiveIntegerField(default=0)
    agreed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-round__opens_on", "authority__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["authority", "round"], name="one_assessment_per_authority_and_round"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.authority} – {self.round}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class DimensionAnswer(models.Model):
    """An authority's answer for one dimension: its ratings (StatementRating), the level it
    confirms, the justification when that differs from the suggestion, and notes.

    `revision` counts saves. A save names the revision it was built on; if someone else saved
    since, it is refused (no lost update)."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(  # indexed first in one_answer_per_dimension
        Assessment, on_delete=models.CASCADE, related_name="dimension_answers", db_index=False
    )
    dimension = models.ForeignKey(
        "frameworks.Dimension", on_delete=models.PROTECT, related_name="answers"
    )
    confirmed_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=LEVEL_VALIDATORS
    )
    justification = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["dimension__order"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_answer_per_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_level__isnull=True)
                | models.Q(confirmed_level__gte=MIN_LEVEL, confirmed_level__lte=MAX_LEVEL),
                name="confirmed_level_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.dimension}"


class StatementRating(models.Model):
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    answer = models.ForeignKey(  # indexed first in one_rating_per_statement
        DimensionAnswer, on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    statement = models.ForeignKey(
        "frameworks.Statement", on_delete=models.PROTECT, related_name="ratings"
    )
    rating = models.CharField(max_length=20, choices=Rating.choices())

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["answer", "statement"], name="one_rating_per_statement")
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.rating}"


class ChecklistStatus(models.TextChoices):
    IN_PLACE = "in_place", "In place"
    PARTLY = "partly", "Partly in place"
    NOT_YET = "not_yet", "Not yet in place"


class ChecklistAnswer(models.Model):
    """The answer to one pre-model checklist item. Blank status means not answered yet."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(  # indexed first in one_answer_per_item
        Assessment, on_delete=models.CASCADE, related_name="checklist_answers", db_index=False
    )
    item = models.ForeignKey(
        "frameworks.ChecklistItem", on_delete=models.PROTECT, related_name="answers"
    )
    status = models.CharField(max_length=20, choices=ChecklistStatus.choices, blank=True)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["item__order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.status or 'not answered'}"


class HistoryKind(models.TextChoices):
    STATUS = "status", "Status"
    RATING = "rating", "Rating"
    LEVEL = "level", "Confirmed level"
    JUSTIFICATION = "justification", "Justification"
    NOTES = "notes", "Notes"
    CHECKLIST = "checklist", "Checklist"
    ASSIGNMENT = "assignment", "Assignment"
    EVIDENCE = "evidence", "Evidence"
    MODERATION = "moderation", "Moderation"


class HistoryEntry(models.Model):
    """One change to an assessment: who, when, what, before and after. Written by the same service
    call, in the same transaction, as the change itself."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(  # indexed first in the (assessment, -at) index
        Assessment, on_delete=models.CASCADE, related_name="history", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=HistoryKind.choices)
    subject = models.CharField(
        max_length=200, blank=True, help_text="What changed, e.g. the dimension or statement."
    )
    dimension = models.ForeignKey(
        "frameworks.Dimension", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The dimension's revision this change created."
    )
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        verbose_name_plural = "history entries"
        indexes: ClassVar = [models.Index(fields=["assessment", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject}"


class AssessmentResult(models.Model):
    """Levels and scores computed by the worker from one submission, with the rule's version.
    Pages, benchmarks and reports read these; they never recompute."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    rule_version = models.CharField(max_length=40)
    revision = models.PositiveIntegerField(help_text="The assessment's results_revision computed.")
    computed_at = models.DateTimeField(default=timezone.now)
    overall_level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    overall_score = models.DecimalField(max_digits=6, decimal_places=4)

    def __str__(self) -> str:
        return f"Result of {self.assessment} (revision {self.revision})"


class DimensionResult(models.Model):
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(  # indexed first in one_result_per_dimension
        AssessmentResult, on_delete=models.CASCADE, related_name="dimension_results", db_index=False
    )
    dimension = models.ForeignKey(
        "frameworks.Dimension", on_delete=models.PROTECT, related_name="+"
    )
    suggested_level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    confirmed_level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    moderated_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=LEVEL_VALIDATORS
    )
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    score = models.DecimalField(max_digits=6, decimal_places=4)
    spread = models.DecimalField(max_digits=6, decimal_places=4)
    flagged = models.BooleanField(help_text="Answers pull in different directions.")

    class Meta:
        ordering: ClassVar = ["dimension__order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["result", "dimension"], name="one_result_per_dimension")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: level {self.level}"


class StrandResult(models.Model):
    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    result = models.ForeignKey(  # indexed first in one_result_per_strand
        AssessmentResult, on_delete=models.CASCADE, related_name="strand_results", db_index=False
    )
    strand = models.ForeignKey("frameworks.Strand", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    score = models.DecimalField(max_digits=6, decimal_places=4)

    class Meta:
        ordering: ClassVar = ["strand__order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["result", "strand"], name="one_result_per_strand")
        ]

    def __str__(self) -> str:
        return f"{self.strand}: level {self.level}"
