"""manage.py seed_demo: fictional authorities, areas and an account for every role (see
accounts.demo). Refuses to run with production settings unless --force."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from accounts import demo


class Command(BaseCommand):
    help = (
        "Create the demo data (fictional authorities, areas, and an account for every role, all "
        "with the password DEMO_PASSWORD) and print the demo logins. Idempotent."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with production settings (creates accounts with a known password).",
        )

    def handle(self, *args, **options) -> None:
        if settings.PORTAL_ENVIRONMENT == "production" and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a shared, published password and refuses to run "
                "with production settings. Use --force if you really mean it."
            )
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("DEMO_PASSWORD is empty: set it to the demo accounts' password.")
        with transaction.atomic():
            data = demo.seed(password=password)
            for path in getattr(settings, "PORTAL_DEMO_SEEDERS", []):
                import_string(path)(data, self.stdout)
        self.stdout.write(
            f"Demo data ready: {len(data.authorities)} fictional authorities, "
            f"{len(data.areas)} areas, {len(data.users)} accounts."
        )
        self.stdout.write(f"Demo logins (password: {password}):")
        for line in demo.account_lines(data.accounts):
            self.stdout.write(line)
