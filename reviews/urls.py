from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("review/", views.dashboard, name="dashboard"),
    path("review/<int:pk>/", views.review, name="review"),
    path("review/<int:pk>/dimensions/<slug:key>/", views.moderate, name="moderate"),
    path("review/<int:pk>/return/", views.return_assessment, name="return"),
    path("review/<int:pk>/agree/", views.agree, name="agree"),
]
