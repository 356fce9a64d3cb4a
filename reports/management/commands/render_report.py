"""Render one report synchronously, straight to a file, for operators:

    python manage.py render_report --assessment 12 --output /tmp/report.pdf
    python manage.py render_report --area 3 --round 5 --output /tmp/area.pdf

No report record is written and nobody is notified. Without --round, an area report is for the
newest round.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from reports import selectors, services
from reports.models import ReportKind


class Command(BaseCommand):
    help = "Render an authority report (--assessment) or an area report (--area) to a PDF file."

    def add_arguments(self, parser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--assessment", type=int, help="The assessment's id.")
        target.add_argument("--area", type=int, help="The area's id.")
        parser.add_argument("--round", type=int, help="The round's id (area reports).")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")

    def handle(self, *args, **options) -> None:
        from accounts.models import Area
        from assessments.models import Assessment, Round

        started = time.perf_counter()
        if options["assessment"] is not None:
            assessment = (
                Assessment.objects.select_related("authority", "round", "framework_version")
                .filter(pk=options["assessment"])
                .first()
            )
            if assessment is None:
                raise CommandError(f"There is no assessment with id {options['assessment']}.")
            data = selectors.authority_report_data(assessment=assessment)
            kind = ReportKind.AUTHORITY
        else:
            area = Area.objects.filter(pk=options["area"]).first()
            if area is None:
                raise CommandError(f"There is no area with id {options['area']}.")
            rounds = Round.objects.select_related("framework_version").order_by("-opens_on")
            round_ = (
                rounds.filter(pk=options["round"]).first() if options["round"] else rounds.first()
            )
            if round_ is None:
                raise CommandError("There is no such round.")
            data = selectors.area_report_data(area=area, round=round_)
            kind = ReportKind.AREA
        try:
            pages = services.render_to_file(data=data, kind=kind, path=options["output"])
        except OSError as exc:
            raise CommandError(f"Could not write {options['output']}: {exc}") from exc
        self.stdout.write(
            f"Wrote {options['output']}: {pages} page{'s' if pages != 1 else ''} in "
            f"{time.perf_counter() - started:.2f} s."
        )
