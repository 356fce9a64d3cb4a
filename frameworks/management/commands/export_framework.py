"""python manage.py export_framework SLUG VERSION [--output PATH]

Prints a framework version as YAML in the schema load_framework reads (docs/framework-format.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.export import framework_version_export_yaml
from frameworks.models import FrameworkVersion


class Command(BaseCommand):
    help = "Print a framework version as YAML, in the format load_framework reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG", help="e.g. dmm-early-help")
        parser.add_argument("version", metavar="VERSION", help="e.g. 1.0")
        parser.add_argument("--output", "-o", metavar="PATH", help="write to a file instead")

    def handle(self, *args, **options) -> None:
        try:
            version = FrameworkVersion.objects.get(slug=options["slug"], version=options["version"])
        except FrameworkVersion.DoesNotExist:
            known = ", ".join(v.label for v in FrameworkVersion.objects.order_by("slug", "version"))
            raise CommandError(
                f"There is no version {options['version']} of {options['slug']}. "
                f"Known versions: {known or 'none'}"
            ) from None
        text = framework_version_export_yaml(version)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {version.label} to {options['output']}")
        else:
            self.stdout.write(text, ending="")
