from datetime import timedelta

from django.core.management.base import BaseCommand

from core.models import OutboxTask
from core.outbox import outbox_sweep


class Command(BaseCommand):
    help = "Publish background tasks still waiting in the outbox (e.g. after a broker outage)."

    def handle(self, *args, **options) -> None:
        published = outbox_sweep(grace=timedelta(0))
        pending = OutboxTask.objects.filter(dispatched_at__isnull=True).count()
        self.stdout.write(f"Published {published} task(s); {pending} still waiting.")
