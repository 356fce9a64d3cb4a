"""The read-only API. Every view declares its access rule on the class (``access_rule``: the
resolver walk in tests/core/test_access_rules.py reads it) and is authenticated by REST framework,
not by LoginRequiredMiddleware: an anonymous call to a private endpoint is a 401 JSON answer, never
a redirect to the sign-in page. Tenant-owned reads go through ``api.scoping`` (another tenant's
object is a 404); benchmark figures only through ``benchmarking.selectors``."""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import generics, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.middleware import TWO_FACTOR_EXEMPT
from assessments.models import AssessmentStatus, Round
from assessments.selectors import round_list
from core.access import AccessRule
from frameworks.models import SLUG_PATTERN, VERSION_PATTERN, FrameworkVersion
from frameworks.selectors import framework_contents_get, framework_version_get_published

from . import scoping
from . import serializers as api_serializers
from .errors import QueryParameterError
from .models import ApiToken
from .pagination import MAX_PAGE_SIZE, PortalPagination

NAME_SHOWN_MAX = 40


class PortalViewMixin:
    """Authentication is REST framework's (token or session): LoginRequiredMiddleware and the
    two-factor redirect leave these views alone, and the permission classes answer 401 JSON."""

    access_rule: AccessRule = AccessRule.SIGNED_IN

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        view = super().as_view(**initkwargs)  # type: ignore[misc]
        view = login_not_required(view)
        setattr(view, TWO_FACTOR_EXEMPT, True)
        return view


# --- Query parameters ---------------------------------------------------------------------------


class NoQuery(serializers.Serializer):
    pass


class PageQuery(serializers.Serializer):
    page = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, help_text="Page number, from 1."
    )
    page_size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        required=False,
        help_text=f"Items per page, 1 to {MAX_PAGE_SIZE} (default {PortalPagination.page_size}).",
    )


class FrameworkQuery(PageQuery):
    slug = serializers.SlugField(
        required=False, max_length=60, help_text="Only this framework, e.g. dmm-early-help."
    )


class AssessmentQuery(PageQuery):
    round = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Only this round (id)."
    )
    status = serializers.ChoiceField(
        required=False, choices=AssessmentStatus.choices, help_text="Only this status."
    )
    authority = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Only this authority (id); for area leads and national admins.",
    )


def _shown(name: str) -> str:
    return name if len(name) <= NAME_SHOWN_MAX else name[:NAME_SHOWN_MAX] + "…"


class PortalAPIView(PortalViewMixin, generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head"]
    pagination_class = None
    query_serializer_class: type[serializers.Serializer] = NoQuery

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttling
        self.query = self.validate_query(request)

    def validate_query(self, request: Request) -> dict[str, Any]:
        """Unknown or repeated parameters and bad values are a 400 that names them."""
        fields = self.query_serializer_class().fields
        params = request.query_params
        unknown = sorted(name for name in params if name not in fields)
        if unknown:
            accepted = (
                f"This endpoint accepts: {', '.join(sorted(fields))}."
                if fields
                else "This endpoint takes no query parameters."
            )
            plural = "s" if len(unknown) > 1 else ""
            raise QueryParameterError(
                f"Unknown query parameter{plural}: {', '.join(_shown(n) for n in unknown)}. "
                + accepted,
                {name: ["Unknown query parameter."] for name in unknown},
            )
        repeated = sorted(name for name in params if len(params.getlist(name)) > 1)
        if repeated:
            raise QueryParameterError(
                f"Give each query parameter once: {', '.join(repeated)}.",
                {name: ["Given more than once."] for name in repeated},
            )
        serializer = self.query_serializer_class(data={name: params[name] for name in params})
        if not serializer.is_valid():
            errors = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
            raise QueryParameterError(
                f"Check the query parameter{'s' if len(errors) > 1 else ''}: "
                f"{', '.join(sorted(errors))}.",
                errors,
            )
        return dict(serializer.validated_data)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.access_rule is not AccessRule.PUBLIC:
            # Tenant data: never kept by shared caches or the browser's back/forward cache.
            patch_cache_control(response, private=True, no_store=True)
        return response

    @cached_property
    def scope(self) -> scoping.Scope:
        return scoping.scope_for(
            user=self.request.user, acting_for=getattr(self.request, "acting_for", None)
        )


class PortalListView(PortalAPIView, generics.ListAPIView):
    pagination_class = PortalPagination
    query_serializer_class = PageQuery


class PortalDetailView(PortalAPIView, generics.RetrieveAPIView):
    pass


# --- Root and who am I --------------------------------------------------------------------------


class RootSerializer(serializers.Serializer):
    frameworks = serializers.URLField()
    rounds = serializers.URLField()
    assessments = serializers.URLField()
    benchmarks = serializers.URLField()
    me = serializers.URLField()
    schema = serializers.URLField()
    docs = serializers.URLField()


class RootView(PortalAPIView):
    """Links to every collection, the schema and the documentation."""

    access_rule = AccessRule.PUBLIC
    permission_classes = [AllowAny]
    serializer_class = RootSerializer

    @extend_schema(operation_id="root", summary="Links to the API's collections", tags=["root"])
    def get(self, request: Request) -> Response:
        names = {
            "frameworks": "api:framework_list",
            "rounds": "api:round_list",
            "assessments": "api:assessment_list",
            "benchmarks": "api:benchmark_list",
            "me": "api:me",
            "schema": "api:schema",
            "docs": "api:docs",
        }
        return Response({k: request.build_absolute_uri(reverse(v)) for k, v in names.items()})


class MeView(PortalAPIView):
    """The caller, how they authenticated and what they act for."""

    serializer_class = api_serializers.MeSerializer

    @extend_schema(summary="Who the token or session belongs to and what it acts for")
    def get(self, request: Request) -> Response:
        acting_for = request.acting_for
        user = request.user
        by_token = isinstance(request.auth, ApiToken)
        return Response(
            self.get_serializer(
                {
                    "email": user.email,
                    "full_name": user.full_name,
                    "authenticated_by": "token" if by_token else "session",
                    "acting_for": {
                        "role": acting_for.role,
                        "authority": acting_for.authority,
                        "area": acting_for.area,
                        "is_national": acting_for.is_national,
                    },
                }
            ).data
        )


# --- Framework versions (public) ----------------------------------------------------------------


class FrameworkListView(PortalListView):
    """Published versions of the model, newest first within each framework."""

    access_rule = AccessRule.PUBLIC
    permission_classes = [AllowAny]
    serializer_class = api_serializers.FrameworkVersionSummarySerializer
    query_serializer_class = FrameworkQuery

    def get_queryset(self) -> Any:
        queryset = FrameworkVersion.objects.published().order_by("slug", "-published_on", "-id")
        if "slug" in self.query:
            queryset = queryset.filter(slug=self.query["slug"])
        return queryset


class FrameworkDetailView(PortalDetailView):
    """A whole published version: levels, strands, dimensions with their statements at each
    level, and the pre-model checklist. Drafts and retired versions are 404."""

    access_rule = AccessRule.PUBLIC
    permission_classes = [AllowAny]
    serializer_class = api_serializers.FrameworkVersionDetailSerializer

    def get_object(self) -> Any:
        slug, number = self.kwargs["slug"], self.kwargs["version"]
        # Only well-formed values reach the database (PostgreSQL refuses a NUL byte with an error).
        if not (re.fullmatch(SLUG_PATTERN, slug) and re.fullmatch(VERSION_PATTERN, number)):
            raise Http404
        try:
            version = framework_version_get_published(slug, number)
        except FrameworkVersion.DoesNotExist:
            raise Http404 from None
        return framework_contents_get(version)


# --- Rounds -------------------------------------------------------------------------------------


class RoundListView(PortalListView):
    """Assessment rounds, newest first."""

    serializer_class = api_serializers.RoundSerializer

    def get_queryset(self) -> Any:
        return round_list().order_by("-opens_on", "-id")


class RoundDetailView(PortalDetailView):
    """One assessment round, by its id."""

    serializer_class = api_serializers.RoundSerializer

    def get_object(self) -> Any:
        try:
            return round_list().get(pk=int(self.kwargs["pk"]))
        except (Round.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None


# --- Assessments and their stored results -------------------------------------------------------


class AssessmentListView(PortalListView):
    """The assessments the caller may read: their authority's, their area's (area leads) or all
    (national admins), newest round first."""

    serializer_class = api_serializers.AssessmentSummarySerializer
    query_serializer_class = AssessmentQuery

    def get_queryset(self) -> Any:
        queryset = scoping.assessments_visible(scope=self.scope)
        for name, lookup in (("round", "round_id"), ("status", "status")):
            if name in self.query:
                queryset = queryset.filter(**{lookup: self.query[name]})
        if "authority" in self.query:
            queryset = queryset.filter(authority_id=self.query["authority"])
        return queryset


class AssessmentDetailView(PortalDetailView):
    """One assessment with its stored results (dimension, strand and overall levels and scores,
    self-assessed and moderated levels). Another tenant's assessment is a 404."""

    serializer_class = api_serializers.AssessmentDetailSerializer

    def get_object(self) -> Any:
        return scoping.assessment_visible_get(scope=self.scope, pk=self.kwargs["pk"])


# --- Benchmarks ---------------------------------------------------------------------------------


class BenchmarkListView(PortalListView):
    """Rounds that have benchmark figures, newest first."""

    serializer_class = api_serializers.BenchmarkRoundSerializer

    def get_queryset(self) -> Any:
        return scoping.benchmark_rounds()


class BenchmarkDetailView(PortalDetailView):
    """A round's anonymised figures for the caller's peer groups. A group too small to show
    without identifying authorities gives ``suppressed: true`` and no figures. An authority sees
    its own levels and position; never another authority's."""

    serializer_class = api_serializers.BenchmarkSerializer

    def get_object(self) -> Any:
        return scoping.benchmark_get(scope=self.scope, round_id=self.kwargs["round_id"])


# --- Schema and documentation -------------------------------------------------------------------


class SchemaFormatNegotiation(DefaultContentNegotiation):
    """``?format=json`` or ``?format=yaml`` picks the schema's format (the API's own endpoints
    take no ``format`` parameter); otherwise the Accept header does, YAML by default."""

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return super().select_renderer(
            request, renderers, format_suffix or request.query_params.get("format")
        )


class SchemaView(PortalViewMixin, SpectacularAPIView):
    access_rule = AccessRule.PUBLIC
    http_method_names = ["get", "head"]
    content_negotiation_class = SchemaFormatNegotiation


class DocsView(PortalViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI (/api/docs/interactive/) from the vendored sidecar files, an optional extra to
    the accessible reference at /api/docs/ (api/docs.py); the page loads its settings as a separate
    script (no inline script or style: the CSP allows neither)."""

    access_rule = AccessRule.PUBLIC
    http_method_names = ["get", "head"]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
    title = "Maturity Portal API"
