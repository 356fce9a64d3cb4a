"""Peer groups and anonymised benchmark snapshots.

A snapshot holds, for one round, one peer group and one element (the overall level, a strand or a
dimension), how many authorities' agreed assessments it was computed from (`n`) and, only when `n`
reaches ``settings.BENCHMARK_MIN_GROUP_SIZE``, the figures: a count per level and the quartiles of
the score. Pages never read this table directly: they go through ``benchmarking.selectors``, which
refuses figures for small groups again at read time (the setting may have been raised since).
"""

from typing import ClassVar

from django.db import models
from django.utils import timezone


class PeerGroupKind(models.TextChoices):
    ALL = "all", "All authorities"
    REGION = "region", "Same region"
    KIND = "kind", "Same kind of authority"
    COMPARATOR = "comparator", "Comparator group"
    AREA = "area", "Area"


class Scope(models.TextChoices):
    OVERALL = "overall", "Overall"
    STRAND = "strand", "Strand"
    DIMENSION = "dimension", "Dimension"


LEVELS = (1, 2, 3, 4)


class ComparatorGroup(models.Model):
    """A named set of authorities national admins compare (e.g. statistical neighbours). National
    data, not tenant-owned: authorities never see who else is in it."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        "accounts.Authority", related_name="comparator_groups", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class BenchmarkSnapshot(models.Model):
    round = models.ForeignKey(
        "assessments.Round", on_delete=models.CASCADE, related_name="benchmark_snapshots"
    )
    group_kind = models.CharField(max_length=20, choices=PeerGroupKind.choices)
    # "" for all authorities; the region or kind code; the comparator group's or area's id.
    group_value = models.CharField(max_length=40, blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices)
    # The strand's or dimension's key ("" for overall): trends match rounds on keys.
    element_key = models.CharField(max_length=80, blank=True)
    n = models.PositiveIntegerField(help_text="Authorities whose agreed assessment it counts.")
    # Figures: null when n was below the minimum group size at compute time.
    level_1 = models.PositiveIntegerField(null=True, blank=True)
    level_2 = models.PositiveIntegerField(null=True, blank=True)
    level_3 = models.PositiveIntegerField(null=True, blank=True)
    level_4 = models.PositiveIntegerField(null=True, blank=True)
    lower_quartile = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    median = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    upper_quartile = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "group_kind", "group_value", "scope", "element_key"],
                name="one_snapshot_per_round_group_element",
            )
        ]
        indexes: ClassVar = [models.Index(fields=["round", "group_kind", "group_value"])]

    def __str__(self) -> str:
        return (
            f"{self.round_id} {self.group_kind}:{self.group_value} {self.scope}:{self.element_key}"
        )
