"""Every write to framework versions. Each service is atomic, checks that the version may change
(only a draft's contents can), runs full_clean before saving, and records what it did in the
version's history (FrameworkVersionEvent) in the same transaction.

Refusals are django.core.exceptions.ValidationError (FrameworkVersionLocked for a published or
retired version); a file that cannot be loaded is FrameworkFileError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .document import FrameworkDocument, FrameworkFileError
from .export import framework_document_from_version
from .models import (
    VERSION_MAX,
    VERSION_PATTERN,
    CaseStudy,
    ChecklistItem,
    Dimension,
    FrameworkVersion,
    FrameworkVersionEvent,
    FrameworkVersionLocked,
    Level,
    Statement,
    Strand,
)
from .selectors import framework_version_used_statement_numbers
from .validation import LONG_TEXT_MAX, TEXT_MAX, clean_text, validate_framework_document

if TYPE_CHECKING:
    from accounts.models import User

Status = FrameworkVersion.Status
Action = FrameworkVersionEvent.Action

# Validation on the way in (the document) covers keys and texts; skip the per-row queries.
_CLEAN = {"validate_unique": False, "validate_constraints": False}


@dataclass(frozen=True)
class LoadResult:
    framework_version: FrameworkVersion
    outcome: str  # "created", "replaced", "published" or "unchanged"
    message: str

    @property
    def changed(self) -> bool:
        return self.outcome != "unchanged"


def _record(
    version: FrameworkVersion, action: str, actor: User | None, detail: str = ""
) -> FrameworkVersionEvent:
    event = FrameworkVersionEvent(
        framework_version=version, action=action, actor=actor, detail=detail[:500]
    )
    event.full_clean()
    event.save()
    return event


def _ensure_draft(version: FrameworkVersion) -> None:
    status = FrameworkVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if status != Status.DRAFT:
        raise FrameworkVersionLocked(
            f"{version.label} is {status}, so it cannot be changed. "
            "Clone it into a new draft version to make changes."
        )


# --- Loading a whole document -------------------------------------------------------------------


def _write_contents(version: FrameworkVersion, document: FrameworkDocument) -> None:
    """Create every element of `document` in `version`, which must be an empty draft."""
    levels: dict[str, Level] = {}
    for order, item in enumerate(document.levels, start=1):
        level = Level(
            framework_version=version,
            order=order,
            key=item.key,
            name=item.name,
            whole_family_view=list(item.whole_family_view),
        )
        level.full_clean(**_CLEAN)
        level.save()
        levels[item.key] = level

    statements: list[Statement] = []
    dimension_order = 0
    for strand_order, strand_item in enumerate(document.strands, start=1):
        strand = Strand(
            framework_version=version,
            order=strand_order,
            key=strand_item.key,
            name=strand_item.name,
            measures=strand_item.measures,
        )
        strand.full_clean(**_CLEAN)
        strand.save()
        for dimension_item in strand_item.dimensions:
            dimension_order += 1
            dimension = Dimension(
                framework_version=version,
                strand=strand,
                order=dimension_order,
                key=dimension_item.key,
                name=dimension_item.name,
            )
            dimension.full_clean(**_CLEAN)
            dimension.save()
            for level_key, cell in dimension_item.statements:
                for order, statement_item in enumerate(cell, start=1):
                    statement = Statement(
                        framework_version=version,
                        dimension=dimension,
                        level=levels[level_key],
                        order=order,
                        key=statement_item.key,
                        text=statement_item.text,
                        note=statement_item.note,
                    )
                    statement.full_clean(**_CLEAN)
                    statements.append(statement)
    Statement.objects.bulk_create(statements)

    checklist = [
        ChecklistItem(framework_version=version, order=order, key=item.key, text=item.text)
        for order, item in enumerate(document.checklist, start=1)
    ]
    case_studies = [
        CaseStudy(
            framework_version=version,
            order=order,
            key=item.key,
            name=item.name,
            points=list(item.points),
            note=item.note,
        )
        for order, item in enumerate(document.case_studies, start=1)
    ]
    for element in [*checklist, *case_studies]:
        element.full_clean(**_CLEAN)
    ChecklistItem.objects.bulk_create(checklist)
    CaseStudy.objects.bulk_create(case_studies)


def _delete_contents(version: FrameworkVersion) -> None:
    for model in (Statement, Dimension, Strand, Level, ChecklistItem, CaseStudy):
        model.objects.filter(framework_version=version).delete()


def _apply_details(version: FrameworkVersion, document: FrameworkDocument) -> None:
    version.title = document.title
    version.strand_rule = document.strand_rule
    version.consistency_threshold = document.consistency_threshold
    version.introduction = document.introduction
    version.checklist_introduction = document.checklist_introduction
    version.case_studies_footer = document.case_studies_footer
    version.note = document.note


def _set_status(
    version: FrameworkVersion, status: str, published_on: Any = None
) -> FrameworkVersion:
    """Move a freshly written draft to the status a file asks for."""
    if status == Status.DRAFT:
        return version
    version.status = status
    version.published_on = published_on or timezone.localdate()
    if status == Status.RETIRED:
        version.retired_at = timezone.now()
    version.full_clean(**_CLEAN)
    version.save()
    return version


def _create_draft(
    document: FrameworkDocument, *, cloned_from: FrameworkVersion | None = None
) -> FrameworkVersion:
    version = FrameworkVersion(
        slug=document.slug, version=document.version, status=Status.DRAFT, cloned_from=cloned_from
    )
    _apply_details(version, document)
    version.full_clean(validate_unique=False, validate_constraints=False)
    version.save()
    _write_contents(version, document)
    return version


@transaction.atomic
def framework_version_load(*, document: FrameworkDocument, actor: User | None = None) -> LoadResult:
    """Make the database hold `document` (the management command's door). Idempotent: the same
    content again changes nothing. A draft with different content is replaced; a published or
    retired version with different content is refused, because it is frozen."""
    existing = (
        FrameworkVersion.objects.select_for_update()
        .filter(slug=document.slug, version=document.version)
        .first()
    )
    if existing is None:
        version = _create_draft(document)
        _set_status(version, document.status, document.published_on)
        _record(version, Action.LOADED, actor, document.summary())
        return LoadResult(
            version, "created", f"Loaded {document.label} ({version.status}): {document.summary()}."
        )

    current = framework_document_from_version(existing)
    same_content = current.content_equals(document, ignore_status=True)
    if existing.status != Status.DRAFT:
        suggestion = next_version_number(document.version)
        if not same_content:
            raise FrameworkFileError(
                [
                    f"{document.label} is already {existing.status} with different content, and "
                    "a published version cannot be changed. Give your changes a new version "
                    f'number (set version: to something like "{suggestion}") and load the file '
                    "again."
                ]
            )
        message = f"{document.label} is already loaded and matches the file: nothing changed."
        if existing.status != document.status:
            message += (
                f" (It is {existing.status} in the portal and the file says {document.status}; "
                "the portal's status was kept.)"
            )
        return LoadResult(existing, "unchanged", message)

    if same_content and document.status == Status.DRAFT:
        return LoadResult(
            existing,
            "unchanged",
            f"{document.label} is already loaded as a draft and matches the file: nothing changed.",
        )
    if not same_content:
        _delete_contents(existing)
        _apply_details(existing, document)
        existing.full_clean(**_CLEAN)
        existing.save()
        _write_contents(existing, document)
    _set_status(existing, document.status, document.published_on)
    _record(existing, Action.LOADED, actor, f"Replaced the draft from a file: {document.summary()}")
    outcome = "replaced" if not same_content else "published"
    return LoadResult(
        existing,
        outcome,
        f"{'Replaced the draft' if not same_content else 'Updated the status of'} "
        f"{document.label} ({existing.status}): {document.summary()}.",
    )


def next_version_number(version: str) -> str:
    parts = version.split(".")
    if parts and parts[-1].isdigit():
        parts[-1] = str(int(parts[-1]) + 1)
        return ".".join(parts)
    return version + ".1"


def _check_new_version_number(slug: str, number: str, *, field: str = "version") -> str:
    number = (number or "").strip()
    if not number:
        raise ValidationError({field: "Enter a version number, like 1.1"})
    if len(number) > VERSION_MAX or not re.fullmatch(VERSION_PATTERN, number):
        raise ValidationError({field: "Enter a version number made of numbers and dots, like 1.1"})
    if FrameworkVersion.objects.filter(slug=slug, version=number).exists():
        raise ValidationError(
            {field: f"Version {number} of {slug} already exists. Enter a new version number"}
        )
    return number


@transaction.atomic
def framework_version_import_draft(*, document: FrameworkDocument, actor: User) -> FrameworkVersion:
    """A file uploaded on the admin pages becomes a new draft, whatever status the file gives."""
    if FrameworkVersion.objects.filter(slug=document.slug, version=document.version).exists():
        raise ValidationError(
            f"Version {document.version} of {document.slug} already exists. Change version: in "
            f'the file to a new number (like "{next_version_number(document.version)}") and '
            "upload it again"
        )
    draft = replace(document, status=Status.DRAFT.value, published_on=None)
    version = _create_draft(draft)
    _record(version, Action.IMPORTED, actor, draft.summary())
    return version


@transaction.atomic
def framework_version_clone(
    *, source: FrameworkVersion, version: str, actor: User, title: str | None = None
) -> FrameworkVersion:
    """A new draft with the same content and keys as `source`, under a new version number."""
    number = _check_new_version_number(source.slug, version)
    document = replace(
        framework_document_from_version(source),
        version=number,
        status=Status.DRAFT.value,
        published_on=None,
    )
    if title:
        document = replace(document, title=clean_text(title, label="title"))
    clone = _create_draft(document, cloned_from=source)
    _record(clone, Action.CLONED, actor, f"Cloned from {source.label}")
    return clone


@transaction.atomic
def framework_version_publish(
    *, framework_version: FrameworkVersion, actor: User
) -> FrameworkVersion:
    """Freeze a draft and make it available to rounds and the public model pages. Its content must
    pass the same checks as a file."""
    version = FrameworkVersion.objects.select_for_update().get(pk=framework_version.pk)
    if version.status != Status.DRAFT:
        raise ValidationError(f"{version.label} is {version.status}: only a draft can be published")
    try:
        validate_framework_document(
            replace(framework_document_from_version(version), status=Status.PUBLISHED.value)
        )
    except FrameworkFileError as exc:
        raise ValidationError(exc.messages) from None
    version.status = Status.PUBLISHED
    version.published_on = timezone.localdate()
    version.full_clean(**_CLEAN)
    version.save(update_fields=["status", "published_on", "updated_at"])
    _record(version, Action.PUBLISHED, actor)
    return version


@transaction.atomic
def framework_version_retire(
    *, framework_version: FrameworkVersion, actor: User
) -> FrameworkVersion:
    """Take a published version out of use. It stays, frozen, for the assessments made with it."""
    version = FrameworkVersion.objects.select_for_update().get(pk=framework_version.pk)
    if version.status != Status.PUBLISHED:
        raise ValidationError(
            f"{version.label} is {version.status}: only a published version can be retired"
        )
    version.status = Status.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at", "updated_at"])
    _record(version, Action.RETIRED, actor)
    return version


@transaction.atomic
def framework_version_delete_draft(*, framework_version: FrameworkVersion, actor: User) -> None:
    _ensure_draft(framework_version)
    framework_version.delete()


# --- Editing a draft ----------------------------------------------------------------------------


@transaction.atomic
def framework_version_update_details(
    *,
    framework_version: FrameworkVersion,
    actor: User,
    title: str,
    introduction: str,
    strand_rule: str,
    consistency_threshold: Decimal,
    checklist_introduction: str = "",
    case_studies_footer: str = "",
    note: str = "",
) -> FrameworkVersion:
    _ensure_draft(framework_version)
    version = framework_version
    version.title = clean_text(title, label="title", max_length=200)
    version.introduction = clean_text(
        introduction,
        label="introduction",
        paragraphs=True,
        max_length=LONG_TEXT_MAX,
        required=False,
    )
    version.checklist_introduction = clean_text(
        checklist_introduction,
        label="checklist introduction",
        paragraphs=True,
        max_length=LONG_TEXT_MAX,
        required=False,
    )
    version.case_studies_footer = clean_text(
        case_studies_footer, label="footer", paragraphs=True, required=False
    )
    version.note = clean_text(
        note, label="note", paragraphs=True, max_length=LONG_TEXT_MAX, required=False
    )
    version.strand_rule = strand_rule
    version.consistency_threshold = consistency_threshold
    version.full_clean(**_CLEAN)
    version.save()
    _record(version, Action.EDITED, actor, "Changed the version's details")
    return version


@transaction.atomic
def strand_update(*, strand: Strand, actor: User, name: str, measures: str) -> Strand:
    _ensure_draft(strand.framework_version)
    strand.name = clean_text(name, label="name", max_length=200)
    strand.measures = clean_text(measures, label="measures", required=False)
    strand.full_clean(**_CLEAN)
    strand.save(update_fields=["name", "measures"])
    _record(strand.framework_version, Action.EDITED, actor, f"Changed strand {strand.key}")
    return strand


@transaction.atomic
def dimension_update(*, dimension: Dimension, actor: User, name: str) -> Dimension:
    _ensure_draft(dimension.framework_version)
    dimension.name = clean_text(name, label="name", max_length=200)
    dimension.full_clean(**_CLEAN)
    dimension.save(update_fields=["name"])
    _record(dimension.framework_version, Action.EDITED, actor, f"Changed dimension {dimension.key}")
    return dimension


@transaction.atomic
def level_update(*, level: Level, actor: User, name: str, whole_family_view: list[str]) -> Level:
    _ensure_draft(level.framework_version)
    level.name = clean_text(name, label="name", max_length=200)
    level.whole_family_view = [
        clean_text(item, label="summary point") for item in whole_family_view if item.strip()
    ]
    level.full_clean(**_CLEAN)
    level.save(update_fields=["name", "whole_family_view"])
    _record(level.framework_version, Action.EDITED, actor, f"Changed level {level.key}")
    return level


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, actor: User, text: str) -> ChecklistItem:
    _ensure_draft(item.framework_version)
    item.text = clean_text(text, label="text")
    item.full_clean(**_CLEAN)
    item.save(update_fields=["text"])
    _record(item.framework_version, Action.EDITED, actor, f"Changed checklist item {item.key}")
    return item


@transaction.atomic
def case_study_update(
    *, case_study: CaseStudy, actor: User, name: str, points: list[str], note: str = ""
) -> CaseStudy:
    _ensure_draft(case_study.framework_version)
    case_study.name = clean_text(name, label="name", max_length=200)
    case_study.points = [clean_text(p, label="point") for p in points if p.strip()]
    case_study.note = clean_text(note, label="note", required=False)
    case_study.full_clean(**_CLEAN)
    case_study.save(update_fields=["name", "points", "note"])
    _record(
        case_study.framework_version, Action.EDITED, actor, f"Changed case study {case_study.key}"
    )
    return case_study


def _new_statement_key(dimension: Dimension, level: Level) -> str:
    """`<dimension>.<level>.<n>` with an n no version of this framework has used, so a new
    statement never inherits answers given to an old one."""
    prefix = f"{dimension.key}.{level.key}."
    used = framework_version_used_statement_numbers(
        slug=dimension.framework_version.slug, prefix=prefix
    )
    return f"{prefix}{max(used, default=0) + 1}"


def _next_order(dimension: Dimension, level: Level) -> int:
    orders = Statement.objects.filter(dimension=dimension, level=level).values_list(
        "order", flat=True
    )
    return max(orders, default=0) + 1


@transaction.atomic
def statement_create(
    *, dimension: Dimension, level: Level, actor: User, text: str, note: str = ""
) -> Statement:
    _ensure_draft(dimension.framework_version)
    if level.framework_version_id != dimension.framework_version_id:
        raise ValidationError({"level": "Choose a level of this version"})
    statement = Statement(
        framework_version=dimension.framework_version,
        dimension=dimension,
        level=level,
        order=_next_order(dimension, level),
        key=_new_statement_key(dimension, level),
        text=clean_text(text, label="statement", max_length=TEXT_MAX),
        note=clean_text(note, label="note", required=False),
    )
    statement.full_clean()
    statement.save()
    _record(statement.framework_version, Action.EDITED, actor, f"Added statement {statement.key}")
    return statement


@transaction.atomic
def statement_update(
    *,
    statement: Statement,
    actor: User,
    text: str,
    level: Level | None = None,
    note: str = "",
    new_key: bool = False,
) -> Statement:
    """Change a statement's text (and level). `new_key` gives it a key no version has used, for a
    change of meaning: answers to the old statement then do not carry over to it."""
    _ensure_draft(statement.framework_version)
    fields = ["text", "note"]
    old_key = statement.key
    statement.text = clean_text(text, label="statement", max_length=TEXT_MAX)
    statement.note = clean_text(note, label="note", required=False)
    if level is not None and level.pk != statement.level_id:
        if level.framework_version_id != statement.framework_version_id:
            raise ValidationError({"level": "Choose a level of this version"})
        if (
            Statement.objects.filter(dimension=statement.dimension, level=statement.level).count()
            < 2
        ):
            raise ValidationError(
                {
                    "level": "This is the only statement at its level: every level of a "
                    "dimension needs at least one statement. Add another one first"
                }
            )
        statement.order = _next_order(statement.dimension, level)
        statement.level = level
        fields += ["level", "order"]
    if new_key:
        statement.key = _new_statement_key(statement.dimension, statement.level)
        fields.append("key")
    statement.full_clean()
    statement.save(update_fields=fields)
    detail = f"Changed statement {old_key}"
    if statement.key != old_key:
        detail += f" (new key {statement.key})"
    _record(statement.framework_version, Action.EDITED, actor, detail)
    return statement


@transaction.atomic
def statement_delete(*, statement: Statement, actor: User) -> None:
    _ensure_draft(statement.framework_version)
    if Statement.objects.filter(dimension=statement.dimension, level=statement.level).count() < 2:
        raise ValidationError(
            "This is the only statement at its level: every level of a dimension needs at least "
            "one statement. Add another one before deleting this one"
        )
    version, key = statement.framework_version, statement.key
    statement.delete()
    _record(version, Action.EDITED, actor, f"Deleted statement {key}")
