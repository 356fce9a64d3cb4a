from django.apps import AppConfig


class BenchmarkingConfig(AppConfig):
    name = "benchmarking"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .aggregates import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="portal_percentile")
