"""When a report row is deleted (in the admin, or with its assessment or area by cascade), its PDF
is deleted from the reports storage once that deletion commits, as evidence files are. A signal
is the one hook that sees cascade and admin deletions; it only schedules the storage delete."""

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Report

logger = logging.getLogger(__name__)


def _delete_stored_pdf(name: str) -> None:
    from .services import report_storage

    try:
        report_storage().delete(name)
    except Exception:  # a storage outage must not undo a committed deletion
        logger.exception("Could not delete the report file %s", name)


@receiver(post_delete, sender=Report, dispatch_uid="report_file_delete_on_row_delete")
def report_file_delete_on_row_delete(sender: Any, instance: Report, **kwargs: Any) -> None:
    name = instance.stored_name
    if name:
        transaction.on_commit(lambda: _delete_stored_pdf(name))
