from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    verbose_name = "Model versions"
    name = "frameworks"
