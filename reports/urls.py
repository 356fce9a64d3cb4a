from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path("reports/", views.report_list, name="list"),
    path(
        "reports/assessment/<int:pk>/request/",
        views.request_authority_report,
        name="request_authority",
    ),
    path("reports/area/request/", views.request_area_report, name="request_area"),
    path("reports/<int:pk>/", views.detail, name="detail"),
    path("reports/<int:pk>/status.json", views.status, name="status"),
    path("reports/<int:pk>/retry/", views.retry, name="retry"),
    path("reports/<int:pk>/download/", views.download, name="download"),
]
