from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("exports/results/", views.authority_page, name="authority"),
    path("exports/results/download/", views.authority_download, name="authority_download"),
    path("exports/area/", views.area_page, name="area"),
    path("exports/area/download/", views.area_download, name="area_download"),
    path("exports/national/", views.national_page, name="national"),
    path("exports/national/download/", views.national_download, name="national_download"),
]
