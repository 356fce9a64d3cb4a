from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "benchmarking"
