from django.core.management.base import BaseCommand, CommandError

from assessments.models import Round
from benchmarking.services import benchmarks_recompute


class Command(BaseCommand):
    help = "Recompute the anonymised benchmark snapshots for one round (--round) or every round."

    def add_arguments(self, parser):
        parser.add_argument("--round", dest="round", help="The round's id or exact name.")

    def handle(self, *args, **options):
        wanted = options.get("round")
        rounds = Round.objects.order_by("opens_on", "pk")
        if wanted:
            match = rounds.filter(name=wanted)
            if wanted.isdigit():
                match = rounds.filter(pk=int(wanted)) | match
            rounds = match
            if not rounds.exists():
                raise CommandError(f"No round has the id or name {wanted!r}.")
        for round_obj in rounds:
            stored = benchmarks_recompute(round_id=round_obj.pk)
            if stored is None:
                self.stdout.write(f"{round_obj.name}: another recompute is running; skipped.")
            else:
                self.stdout.write(f"{round_obj.name}: {stored} snapshots.")
