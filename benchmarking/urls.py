from django.urls import path

from . import views

app_name = "benchmarking"

urlpatterns = [
    path("benchmarks/", views.authority_benchmarks, name="authority"),
    path("benchmarks/trends/", views.authority_trends, name="trends"),
    path("benchmarks/areas/", views.area_comparison, name="area"),
    path("manage/comparator-groups/", views.comparator_groups, name="comparator_groups"),
    path("manage/comparator-groups/add/", views.comparator_group_add, name="comparator_group_add"),
    path(
        "manage/comparator-groups/<int:pk>/",
        views.comparator_group_edit,
        name="comparator_group_edit",
    ),
]
