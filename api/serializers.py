"""Read-only representations. Field names are the product's words; scores are numbers (four
decimal places), levels are 1 (Early) to 4 (Mature)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import AssessmentStatus


def score_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6, decimal_places=4, coerce_to_string=False, read_only=True, **kwargs
    )


def level_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=4, read_only=True, **kwargs)


# --- Errors -------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="What went wrong, in plain words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per query parameter (or field), what is wrong with it. Empty otherwise.",
    )


# --- Framework versions -------------------------------------------------------------------------


class FrameworkRefSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)


class FrameworkVersionSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    version = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    published_on = serializers.DateField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        from django.urls import reverse

        path = reverse("api:framework_detail", kwargs={"slug": obj.slug, "version": obj.version})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class LevelSerializer(serializers.Serializer):
    number = serializers.IntegerField(source="order", read_only=True)
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    whole_family_view = serializers.ListField(child=serializers.CharField(), read_only=True)


class StatementSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)


class LevelCellSerializer(serializers.Serializer):
    level = serializers.IntegerField(source="level.order", read_only=True)
    statements = StatementSerializer(many=True, read_only=True)


class DimensionSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    levels = LevelCellSerializer(source="cells", many=True, read_only=True)


class StrandSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    measures = serializers.CharField(read_only=True)
    dimensions = DimensionSerializer(source="dimensions_list", many=True, read_only=True)


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)


class FrameworkVersionDetailSerializer(serializers.Serializer):
    """A whole published version (``frameworks.selectors.FrameworkContents``)."""

    slug = serializers.CharField(source="version.slug", read_only=True)
    version = serializers.CharField(source="version.version", read_only=True)
    title = serializers.CharField(source="version.title", read_only=True)
    status = serializers.CharField(source="version.status", read_only=True)
    published_on = serializers.DateField(
        source="version.published_on", read_only=True, allow_null=True
    )
    introduction = serializers.CharField(source="version.introduction", read_only=True)
    strand_rule = serializers.CharField(source="version.strand_rule", read_only=True)
    consistency_threshold = serializers.DecimalField(
        source="version.consistency_threshold",
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        read_only=True,
    )
    levels = LevelSerializer(many=True, read_only=True)
    strands = StrandSerializer(many=True, read_only=True)
    checklist = ChecklistItemSerializer(source="checklist_items", many=True, read_only=True)


# --- Rounds -------------------------------------------------------------------------------------


class RoundRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    framework = FrameworkRefSerializer(source="framework_version", read_only=True)
    opens_on = serializers.DateField(read_only=True)
    closes_on = serializers.DateField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)


# --- Assessments and results --------------------------------------------------------------------


class AuthorityRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AssessmentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    authority = AuthorityRefSerializer(read_only=True)
    round = RoundRefSerializer(read_only=True)
    framework = FrameworkRefSerializer(source="framework_version", read_only=True)
    status = serializers.ChoiceField(choices=AssessmentStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    started_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    agreed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    submission_count = serializers.IntegerField(read_only=True)
    overall_level = serializers.SerializerMethodField(
        help_text="The stored overall level (moderated levels count), or null before results."
    )

    @extend_schema_field(
        serializers.IntegerField(min_value=1, max_value=4, allow_null=True, read_only=True)
    )
    def get_overall_level(self, obj: Any) -> int | None:
        result = getattr(obj, "result", None)
        return result.overall_level if result is not None else None


class OverallResultSerializer(serializers.Serializer):
    level = level_field()
    score = score_field()


class StrandResultSerializer(serializers.Serializer):
    key = serializers.CharField(source="strand.key", read_only=True)
    name = serializers.CharField(source="strand.name", read_only=True)
    level = level_field()
    score = score_field()


class DimensionResultSerializer(serializers.Serializer):
    key = serializers.CharField(source="dimension.key", read_only=True)
    name = serializers.CharField(source="dimension.name", read_only=True)
    strand = serializers.CharField(source="dimension.strand.key", read_only=True)
    suggested_level = level_field(help_text="Suggested from the ratings.")
    confirmed_level = level_field(help_text="Confirmed by the authority (self-assessed).")
    moderated_level = level_field(
        allow_null=True, help_text="Set by the reviewer, or null when the reviewer agreed."
    )
    level = level_field(help_text="The level that counts: moderated if set, else confirmed.")
    score = score_field()
    spread = score_field()
    flagged = serializers.BooleanField(
        read_only=True, help_text="Answers pull in different directions."
    )


class ResultsSerializer(serializers.Serializer):
    """``assessments.selectors.Results``: the stored results, never recomputed."""

    rule_version = serializers.CharField(source="result.rule_version", read_only=True)
    computed_at = serializers.DateTimeField(source="result.computed_at", read_only=True)
    overall = serializers.SerializerMethodField()
    strands = serializers.SerializerMethodField()
    dimensions = DimensionResultSerializer(many=True, read_only=True)

    @extend_schema_field(OverallResultSerializer)
    def get_overall(self, obj: Any) -> dict[str, Any]:
        return OverallResultSerializer(
            {"level": obj.result.overall_level, "score": obj.result.overall_score}
        ).data

    @extend_schema_field(StrandResultSerializer(many=True))
    def get_strands(self, obj: Any) -> list[dict[str, Any]]:
        return StrandResultSerializer([strand for strand, _ in obj.strands], many=True).data


class AssessmentDetailSerializer(AssessmentSummarySerializer):
    results = ResultsSerializer(
        source="stored_results",
        read_only=True,
        allow_null=True,
        help_text="Null until the results have been computed (after the first submission).",
    )


# --- Benchmarks ---------------------------------------------------------------------------------


class BenchmarkRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: Any) -> str:
        from django.urls import reverse

        path = reverse("api:benchmark_detail", kwargs={"round_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class BenchmarkGroupSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)


class BenchmarkFiguresSerializer(serializers.Serializer):
    group = serializers.CharField(read_only=True, help_text="The group's key (see groups).")
    suppressed = serializers.BooleanField(
        read_only=True,
        help_text="True when the group is too small to show without identifying authorities: "
        "then every figure is null.",
    )
    message = serializers.CharField(read_only=True, allow_null=True)
    n = serializers.IntegerField(read_only=True, allow_null=True)
    level_counts = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        allow_null=True,
        help_text="How many authorities are at levels 1, 2, 3 and 4.",
    )
    lower_quartile = score_field(allow_null=True)
    median = score_field(allow_null=True)
    upper_quartile = score_field(allow_null=True)
    position = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The caller's own position in the group, in words (authorities only).",
    )


class OwnValueSerializer(serializers.Serializer):
    level = level_field()
    score = score_field()


class BenchmarkElementSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=["overall", "strand", "dimension"], read_only=True)
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    own = OwnValueSerializer(read_only=True, allow_null=True)
    figures = BenchmarkFiguresSerializer(many=True, read_only=True)


class BenchmarkSerializer(serializers.Serializer):
    round = RoundRefSerializer(read_only=True)
    scope = serializers.ChoiceField(choices=["authority", "area", "national"], read_only=True)
    own_status = serializers.CharField(read_only=True, allow_null=True)
    groups = BenchmarkGroupSerializer(many=True, read_only=True)
    elements = BenchmarkElementSerializer(many=True, read_only=True)


# --- Who am I -----------------------------------------------------------------------------------


class ActingForSerializer(serializers.Serializer):
    role = serializers.CharField(read_only=True, allow_null=True)
    authority = AuthorityRefSerializer(read_only=True, allow_null=True)
    area = AuthorityRefSerializer(read_only=True, allow_null=True)
    is_national = serializers.BooleanField(read_only=True)


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    authenticated_by = serializers.ChoiceField(choices=["token", "session"], read_only=True)
    acting_for = ActingForSerializer(read_only=True)
