from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("assessments/<int:pk>/action-plan/", views.plan, name="plan"),
    path("assessments/<int:pk>/action-plan/add/", views.action_add, name="add"),
    path("assessments/<int:pk>/action-plan/<int:action_id>/", views.action_edit, name="edit"),
    path("assessments/<int:pk>/action-plan.csv", views.plan_csv, name="csv"),
]
