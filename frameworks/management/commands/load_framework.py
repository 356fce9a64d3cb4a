"""python manage.py load_framework PATH [PATH ...]

Checks the whole file first and writes nothing if anything is wrong (every problem is listed, naming
its place in the file, and the command exits with a non-zero status). Then writes it in one
transaction. Loading the same file again changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.document import MAX_FILE_BYTES, FrameworkFileError
from frameworks.services import framework_version_load
from frameworks.validation import parse_framework_file


class Command(BaseCommand):
    help = (
        "Load a framework version (the maturity model) from a YAML file, checking the whole file "
        "first. Idempotent. See docs/framework-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a framework YAML file")

    def handle(self, *args, **options) -> None:
        failed = []
        for name in options["paths"]:
            try:
                result = framework_version_load(document=self._read(name))
            except FrameworkFileError as exc:
                failed.append(name)
                self.stderr.write(f"{name}: not loaded; nothing was written.")
                for message in exc.messages:
                    self.stderr.write(f"  {message}")
                continue
            self.stdout.write(
                self.style.SUCCESS(result.message) if result.changed else result.message
            )
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(options['paths'])} files could not be loaded"
            )

    def _read(self, name: str):
        path = Path(name)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise FrameworkFileError(
                    [f"the file is too big ({path.stat().st_size:,} bytes); the largest is 1 MB"]
                )
            data = path.read_bytes()
        except OSError as exc:
            raise FrameworkFileError([f"the file cannot be read ({exc.strerror})"]) from None
        return parse_framework_file(data, source_name=name)
