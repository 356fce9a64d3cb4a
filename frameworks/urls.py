from django.urls import path

from .views import explorer, manage

app_name = "frameworks"

urlpatterns = [
    # The public model explorer.
    path("model/", explorer.explorer, name="explorer"),
    path("model/<slug:slug>/", explorer.latest, name="latest"),
    path("model/<slug:slug>/choose/", explorer.choose_version, name="choose_version"),
    path("model/<slug:slug>/<str:version>/", explorer.version_overview, name="version"),
    path("model/<slug:slug>/<str:version>/all/", explorer.whole_model, name="whole_model"),
    path("model/<slug:slug>/<str:version>/levels/", explorer.levels, name="levels"),
    path("model/<slug:slug>/<str:version>/checklist/", explorer.checklist, name="checklist"),
    path(
        "model/<slug:slug>/<str:version>/case-studies/",
        explorer.case_studies,
        name="case_studies",
    ),
    path(
        "model/<slug:slug>/<str:version>/dimensions/<str:key>/",
        explorer.dimension,
        name="dimension",
    ),
    # National admins manage the model's versions.
    path("manage/model/", manage.version_list, name="manage_list"),
    path("manage/model/import/", manage.version_import, name="manage_import"),
    path("manage/model/compare/", manage.version_compare, name="manage_compare"),
    path("manage/model/<int:pk>/", manage.version_detail, name="manage_version"),
    path("manage/model/<int:pk>/clone/", manage.version_clone, name="manage_clone"),
    path("manage/model/<int:pk>/publish/", manage.version_publish, name="manage_publish"),
    path("manage/model/<int:pk>/retire/", manage.version_retire, name="manage_retire"),
    path("manage/model/<int:pk>/delete/", manage.version_delete, name="manage_delete"),
    path("manage/model/<int:pk>/export/", manage.version_export, name="manage_export"),
    path("manage/model/<int:pk>/details/", manage.edit_details, name="manage_edit_details"),
    path("manage/model/<int:pk>/strands/<str:key>/", manage.edit_strand, name="manage_edit_strand"),
    path(
        "manage/model/<int:pk>/dimensions/<str:key>/",
        manage.dimension_detail,
        name="manage_dimension",
    ),
    path(
        "manage/model/<int:pk>/dimensions/<str:key>/name/",
        manage.edit_dimension,
        name="manage_edit_dimension",
    ),
    path(
        "manage/model/<int:pk>/dimensions/<str:key>/add-statement/",
        manage.add_statement,
        name="manage_add_statement",
    ),
    path(
        "manage/model/<int:pk>/statements/<str:key>/",
        manage.edit_statement,
        name="manage_edit_statement",
    ),
    path(
        "manage/model/<int:pk>/statements/<str:key>/delete/",
        manage.delete_statement,
        name="manage_delete_statement",
    ),
    path("manage/model/<int:pk>/levels/<str:key>/", manage.edit_level, name="manage_edit_level"),
    path(
        "manage/model/<int:pk>/checklist/<str:key>/",
        manage.edit_checklist_item,
        name="manage_edit_checklist_item",
    ),
    path(
        "manage/model/<int:pk>/case-studies/<str:key>/",
        manage.edit_case_study,
        name="manage_edit_case_study",
    ),
]
