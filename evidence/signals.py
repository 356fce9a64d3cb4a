"""When an assessment is deleted (by a national admin in the admin), its evidence rows go with it
by cascade; their stored files are deleted once that deletion commits. A signal is the one hook
that sees cascade and admin deletions; it does no more than schedule the storage delete."""

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import EvidenceItem


@receiver(post_delete, sender=EvidenceItem, dispatch_uid="evidence_file_delete_on_row_delete")
def evidence_file_delete_on_row_delete(sender: Any, instance: EvidenceItem, **kwargs: Any) -> None:
    from .services import evidence_file_delete_on_commit

    evidence_file_delete_on_commit(instance.stored_name)
