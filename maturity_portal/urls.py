from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("frameworks.urls")),
    path("", include("assessments.urls")),
    path("", include("evidence.urls")),
    path("", include("reviews.urls")),
    path("", include("actions.urls")),
    path("", include("notifications.urls")),
    path("", include("benchmarking.urls")),
    path("", include("reports.urls")),
    path("", include("exports.urls")),
    path("api/", include("api.urls")),
    path("django-admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
