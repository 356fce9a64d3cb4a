from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

# What `make run` loads, in order. Each command is idempotent.
STEPS: list[tuple[str, list[str]]] = [
    ("load_framework", [str(settings.BASE_DIR / "fixtures/frameworks/dmm-early-help-1.0.yaml")]),
    ("load_authorities", [str(settings.BASE_DIR / "fixtures/authorities/england-upper-tier.csv")]),
    ("seed_demo", []),
]


class Command(BaseCommand):
    help = "Load the shipped model, the reference authorities and the demo data (idempotent)."

    def handle(self, *args, **options) -> None:
        available = get_commands()
        for name, arguments in STEPS:
            if name not in available:
                self.stdout.write(f"Skipping {name}: not part of this build yet.")
                continue
            call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
