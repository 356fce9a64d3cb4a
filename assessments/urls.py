from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/start/<int:round_id>/", views.assessment_start, name="start"),
    path("assessments/<int:pk>/", views.task_list, name="task_list"),
    path("assessments/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("assessments/<int:pk>/dimensions/<slug:key>/", views.dimension, name="dimension"),
    path(
        "assessments/<int:pk>/dimensions/<slug:key>/level/",
        views.dimension_level,
        name="dimension_level",
    ),
    path("assessments/<int:pk>/assign/", views.assign, name="assign"),
    path("assessments/<int:pk>/check/", views.check_answers, name="check_answers"),
    path("assessments/<int:pk>/submitted/", views.submitted, name="submitted"),
    path("assessments/<int:pk>/history/", views.history, name="history"),
    path("assessments/<int:pk>/results/", views.results, name="results"),
    path("manage/rounds/", views.round_manage, name="round_manage"),
]
