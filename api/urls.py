from django.urls import path

from . import docs, pages, views

app_name = "api"

urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("frameworks/", views.FrameworkListView.as_view(), name="framework_list"),
    path(
        "frameworks/<slug:slug>/<str:version>/",
        views.FrameworkDetailView.as_view(),
        name="framework_detail",
    ),
    path("rounds/", views.RoundListView.as_view(), name="round_list"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment_list"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("benchmarks/", views.BenchmarkListView.as_view(), name="benchmark_list"),
    path(
        "benchmarks/<int:round_id>/",
        views.BenchmarkDetailView.as_view(),
        name="benchmark_detail",
    ),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    # The accessible reference made from the schema; Swagger UI is an optional extra.
    path("docs/", docs.reference, name="docs"),
    path("docs/interactive/", views.DocsView.as_view(), name="docs_interactive"),
    # Pages in the portal (HTML) for managing personal API tokens.
    path("tokens/", pages.token_list, name="token_list"),
    path("tokens/new/", pages.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
]
