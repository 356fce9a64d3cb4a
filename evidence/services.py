"""Every write to evidence. Each service checks that the assessment can still be changed (with
the assessment row locked), validates, saves, and writes the history row in the same transaction.
Stored files are written through the storage API under a random name; a file written for a change
that then fails is deleted again, and files are deleted from storage only after the database
change that drops them has committed."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment, DimensionAnswer, HistoryKind
from assessments.services import history_entry_build

from .models import EvidenceItem, EvidenceKind
from .storage import evidence_storage, stored_name_new
from .validation import file_check, human_size, link_check

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

CONFIRMATION_MISSING = (
    "Confirm that the file holds no personal data about individual children or families"
)


class EvidenceError(Exception):
    """A change refused because of the assessment's state. The message is shown to the user."""


def _lock_editable(answer: DimensionAnswer) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(
        pk=answer.assessment_id, authority_id=answer.authority_id
    )
    if not assessment.is_editable:
        raise EvidenceError(
            f"This assessment is {assessment.get_status_display().lower()}: its evidence can no "
            "longer be changed"
        )
    return assessment


def _history(
    assessment: Assessment,
    item: EvidenceItem,
    *,
    actor: User,
    before: str,
    after: str,
    dimension_name: str,
) -> None:
    entry = history_entry_build(
        assessment,
        actor=actor,
        kind=HistoryKind.EVIDENCE,
        subject=f"{dimension_name}: {item.title}",
        before=before,
        after=after,
        dimension_id=item.answer.dimension_id,
    )
    entry.full_clean()
    entry.save()
    Assessment.objects.filter(pk=assessment.pk).update(last_activity_at=entry.at)


def _describe(item: EvidenceItem) -> str:
    if item.kind == EvidenceKind.FILE:
        size = human_size(item.size or 0)
        return f"File “{item.original_name}” ({size}): {item.title}. {item.description}"
    if item.kind == EvidenceKind.LINK:
        return f"Link {item.url}: {item.title}. {item.description}"
    return f"Text: {item.title}. {item.description}\n{item.text}"


def _new_item(answer: DimensionAnswer, actor: User, **fields: Any) -> EvidenceItem:
    return EvidenceItem(
        authority_id=answer.authority_id,
        assessment_id=answer.assessment_id,
        answer=answer,
        added_by=actor,
        added_at=timezone.now(),
        **fields,
    )


def _delete_stored_file(name: str) -> None:
    """Delete a stored file; a file already gone is fine (deletion is idempotent)."""
    if not name:
        return
    try:
        evidence_storage().delete(name)
    except Exception:  # storage outages must not undo a committed change; retention retries
        logger.exception("Could not delete the evidence file %s", name)


def evidence_file_delete_on_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: _delete_stored_file(name))


@transaction.atomic
def evidence_file_add(
    *,
    answer: DimensionAnswer,
    actor: User,
    uploaded: Any,
    title: str,
    description: str,
    no_personal_data_confirmed: bool,
) -> EvidenceItem:
    """Check an uploaded file by name and content (validation.file_check), store it under a random
    name and record it with its SHA-256 and the uploader's confirmation."""
    assessment = _lock_editable(answer)
    if not no_personal_data_confirmed:
        raise ValidationError({"no_personal_data_confirmed": CONFIRMATION_MISSING})
    checked = file_check(uploaded)
    item = _new_item(
        answer,
        actor,
        kind=EvidenceKind.FILE,
        title=title.strip(),
        description=description.strip(),
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        no_personal_data_confirmed=True,
        stored_name="pending",
    )
    item.full_clean()
    stream = uploaded.file if getattr(uploaded, "file", None) else uploaded
    stream.seek(0)
    stored = evidence_storage().save(stored_name_new(authority_id=answer.authority_id), stream)
    try:
        item.stored_name = stored
        item.save()
        _history(
            assessment,
            item,
            actor=actor,
            before="",
            after=_describe(item),
            dimension_name=answer.dimension.name,
        )
    except BaseException:
        _delete_stored_file(stored)
        raise
    return item


@transaction.atomic
def evidence_link_add(
    *, answer: DimensionAnswer, actor: User, url: str, title: str, description: str
) -> EvidenceItem:
    assessment = _lock_editable(answer)
    item = _new_item(
        answer,
        actor,
        kind=EvidenceKind.LINK,
        url=url.strip(),
        title=title.strip(),
        description=description.strip(),
    )
    link_check(item.url)
    item.full_clean()
    item.save()
    _history(
        assessment,
        item,
        actor=actor,
        before="",
        after=_describe(item),
        dimension_name=answer.dimension.name,
    )
    return item


@transaction.atomic
def evidence_text_add(
    *, answer: DimensionAnswer, actor: User, text: str, title: str, description: str
) -> EvidenceItem:
    assessment = _lock_editable(answer)
    if not text.strip():
        raise ValidationError({"text": "Enter the evidence statement"})
    item = _new_item(
        answer,
        actor,
        kind=EvidenceKind.TEXT,
        text=text.strip(),
        title=title.strip(),
        description=description.strip(),
    )
    item.full_clean()
    item.save()
    _history(
        assessment,
        item,
        actor=actor,
        before="",
        after=_describe(item),
        dimension_name=answer.dimension.name,
    )
    return item


@transaction.atomic
def evidence_update(
    *,
    item: EvidenceItem,
    actor: User,
    title: str,
    description: str,
    url: str | None = None,
    text: str | None = None,
) -> EvidenceItem:
    """Change an item's title and description, and a link's address or a statement's text. A file
    cannot be replaced: remove it and add the new one."""
    assessment = _lock_editable(item.answer)
    item = EvidenceItem.objects.select_for_update().get(pk=item.pk, authority_id=item.authority_id)
    if item.removed_at is not None:
        raise EvidenceError("This evidence has been removed")
    before = _describe(item)
    item.title = title.strip()
    item.description = description.strip()
    fields = ["title", "description", "updated_by", "updated_at"]
    if item.kind == EvidenceKind.LINK and url is not None:
        item.url = url.strip()
        link_check(item.url)
        fields.append("url")
    if item.kind == EvidenceKind.TEXT and text is not None:
        if not text.strip():
            raise ValidationError({"text": "Enter the evidence statement"})
        item.text = text.strip()
        fields.append("text")
    after = _describe(item)
    if after == before:
        return item
    item.updated_by = actor
    item.updated_at = timezone.now()
    item.full_clean()
    item.save(update_fields=fields)
    _history(
        assessment,
        item,
        actor=actor,
        before=before,
        after=after,
        dimension_name=item.answer.dimension.name,
    )
    return item


@transaction.atomic
def evidence_remove(*, item: EvidenceItem, actor: User) -> EvidenceItem:
    """Remove an item: it stays in the database (and the history) as removed; a stored file is
    deleted from storage once the removal has committed, since a removed file may have been
    uploaded by mistake."""
    assessment = _lock_editable(item.answer)
    item = EvidenceItem.objects.select_for_update().get(pk=item.pk, authority_id=item.authority_id)
    if item.removed_at is not None:
        return item
    now = timezone.now()
    item.removed_at = now
    item.removed_by = actor
    fields = ["removed_at", "removed_by"]
    if item.stored_name:
        evidence_file_delete_on_commit(item.stored_name)
        item.stored_name = ""
        item.file_deleted_at = now
        fields += ["stored_name", "file_deleted_at"]
    item.save(update_fields=fields)
    _history(
        assessment,
        item,
        actor=actor,
        before=_describe(item),
        after="Removed",
        dimension_name=item.answer.dimension.name,
    )
    return item


# --- Retention ------------------------------------------------------------------------------------


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=int(settings.EVIDENCE_RETENTION_DAYS))


def evidence_files_expire(*, today: datetime.date | None = None, batch: int = 500) -> int:
    """Delete the stored files of assessments past the retention period: those whose round closed,
    and which last changed, more than EVIDENCE_RETENTION_DAYS ago. The items stay (title,
    description, name, size, SHA-256) with `file_deleted_at` set. Idempotent: a second run, or an
    overlapping one, finds nothing left to do. Returns how many files were deleted."""
    cutoff = retention_cutoff(today)
    cutoff_start = datetime.datetime.combine(
        cutoff, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    deleted = 0
    while True:
        rows = list(
            EvidenceItem.objects.filter(
                kind=EvidenceKind.FILE,
                assessment__round__closes_on__lt=cutoff,
                assessment__last_activity_at__lt=cutoff_start,
            )
            .exclude(stored_name="")
            .values_list("pk", "stored_name")[:batch]
        )
        if not rows:
            return deleted
        for pk, name in rows:
            with transaction.atomic():
                updated = EvidenceItem.objects.filter(pk=pk, stored_name=name).update(
                    stored_name="", file_deleted_at=timezone.now()
                )
                if updated:
                    evidence_file_delete_on_commit(name)
                    deleted += 1
