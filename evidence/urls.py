from django.urls import path

from . import views

app_name = "evidence"

_dimension = "assessments/<int:pk>/dimensions/<slug:key>/evidence"

urlpatterns = [
    path(f"{_dimension}/add/file/", views.add_file, name="add_file"),
    path(f"{_dimension}/add/link/", views.add_link, name="add_link"),
    path(f"{_dimension}/add/text/", views.add_text, name="add_text"),
    path(f"{_dimension}/<int:item_id>/change/", views.edit, name="edit"),
    path(f"{_dimension}/<int:item_id>/remove/", views.remove, name="remove"),
    path("assessments/<int:pk>/evidence/<int:item_id>/download/", views.download, name="download"),
    path("review/evidence/<int:item_id>/download/", views.review_download, name="review_download"),
]
