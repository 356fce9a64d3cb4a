from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# What `make run` loads, in order. Each command is idempotent.
STEPS: list[tuple[str, list[str]]] = [
    ("load_framework", [str(settings.BASE_DIR / "fixtures/frameworks/dmm-early-help-1.0.yaml")]),
    ("load_authorities", [str(settings.BASE_DIR / "fixtures/authorities/england-upper-tier.csv")]),
    ("seed_demo", []),
]
# Steps that create demo accounts: never wanted on a real deployment (see docs/deployment.md).
DEMO_STEPS = {"seed_demo"}


class Command(BaseCommand):
    help = "Load the shipped model, the reference authorities and the demo data (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--without-demo",
            action="store_true",
            help="Load the model and reference data only, no demo authorities or accounts.",
        )

    def handle(self, *args, **options) -> None:
        for name, arguments in STEPS:
            if options["without_demo"] and name in DEMO_STEPS:
                self.stdout.write(f"Skipping {name}: demo data not requested.")
                continue
            call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
