from django.core.management.base import BaseCommand

from core.housekeeping import housekeeping_run


class Command(BaseCommand):
    help = (
        "Delete expired sessions, old sign-in logs and security events, published background "
        "tasks and old read notifications, by the retention settings (beat runs it daily)."
    )

    def handle(self, *args, **options) -> None:
        for what, count in housekeeping_run().items():
            self.stdout.write(f"{what}: {count} deleted")
