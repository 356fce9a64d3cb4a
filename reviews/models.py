"""Review and moderation of submitted assessments by the area's lead (or a national admin).

A moderation belongs to one dimension answer; the self-assessed (confirmed) level on the answer is
never changed, so both levels are kept and their gap can be reported. Comments are written when a
reviewer returns or agrees an assessment."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from assessments.models import LEVEL_VALIDATORS


class Moderation(models.Model):
    """The reviewer's decision on one dimension's level. `level` None means the reviewer agreed
    with the self-assessed level."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="moderations"
    )
    answer = models.OneToOneField(
        "assessments.DimensionAnswer", on_delete=models.CASCADE, related_name="moderation"
    )
    dimension = models.ForeignKey(
        "frameworks.Dimension", on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assessment", "dimension"], name="one_moderation_per_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=4),
                name="moderated_level_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.level or 'agreed'}"


class ReviewCommentKind(models.TextChoices):
    RETURNED = "returned", "Returned"
    AGREED = "agreed", "Agreed"


class ReviewComment(models.Model):
    """What the reviewer wrote when returning or agreeing an assessment."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="review_comments"
    )
    kind = models.CharField(max_length=20, choices=ReviewCommentKind.choices)
    text = models.TextField(blank=True)
    submission_number = models.PositiveIntegerField(
        help_text="The submission (1 for the first) the comment is about."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"
