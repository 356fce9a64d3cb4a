from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Read-only API"

    def ready(self) -> None:
        from core.views import register_error_responder

        from .errors import django_error_response

        # Django's own 404/500 (and the 503 when the database is down) answer JSON under /api/.
        register_error_responder(django_error_response)
