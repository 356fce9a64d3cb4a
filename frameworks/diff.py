"""What changed between two framework versions, element by element (matched by key), with changed
text compared word by word. Pure functions over FrameworkDocuments: no database, so a file can be
compared with a stored version as easily as two stored versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .document import FrameworkDocument

SAME, ADDED, REMOVED = "same", "added", "removed"


@dataclass(frozen=True)
class WordPart:
    kind: str  # SAME, ADDED or REMOVED
    text: str


def word_diff(old: str, new: str) -> list[WordPart]:
    """The words of `old` and `new`, each run marked same, removed or added. Line breaks (between
    paragraphs) count as words so that they survive."""
    a = re.findall(r"\S+|\n", old)
    b = re.findall(r"\S+|\n", new)
    parts: list[WordPart] = []

    def add(kind: str, words: list[str]) -> None:
        if not words:
            return
        text = " ".join(words).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")
        if parts and parts[-1].kind == kind:
            parts[-1] = WordPart(kind, parts[-1].text + " " + text)
        else:
            parts.append(WordPart(kind, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(SAME, a[i1:i2])
        else:
            add(REMOVED, a[i1:i2])
            add(ADDED, b[j1:j2])
    return parts


def _text_html(text: str) -> SafeString:
    lines = text.split("\n")
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))  # noqa: S308


def word_diff_html(parts: list[WordPart]) -> SafeString:
    """Insertions in <ins>, deletions in <del>, each announced in visually hidden text so that the
    change does not rely on colour or on a screen reader reporting the element."""
    pieces = []
    for part in parts:
        if part.kind == SAME:
            pieces.append(_text_html(part.text))
        elif part.kind == REMOVED:
            pieces.append(
                format_html(
                    '<del class="portal-diff__removed"><span class="govuk-visually-hidden">'
                    '[removed: </span>{}<span class="govuk-visually-hidden">]</span></del>',
                    _text_html(part.text),
                )
            )
        else:
            pieces.append(
                format_html(
                    '<ins class="portal-diff__added"><span class="govuk-visually-hidden">'
                    '[added: </span>{}<span class="govuk-visually-hidden">]</span></ins>',
                    _text_html(part.text),
                )
            )
    return mark_safe(" ".join(pieces))  # noqa: S308 - every piece is escaped above


@dataclass(frozen=True)
class FieldChange:
    """One changed field. Text fields carry a word diff; lists carry the items added and removed;
    anything else (a move to another level, say) just old and new."""

    name: str
    kind: str = "value"  # "text", "list" or "value"
    old: str = ""
    new: str = ""
    words: tuple[WordPart, ...] = ()
    items_added: tuple[str, ...] = ()
    items_removed: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def is_list(self) -> bool:
        return self.kind == "list"

    def html(self) -> SafeString:
        return word_diff_html(list(self.words))


@dataclass(frozen=True)
class Element:
    key: str
    label: str  # a name or a text, to show the element
    context: str = ""  # where it sits, e.g. "Data sharing, Developing"


@dataclass(frozen=True)
class ChangedElement:
    element: Element
    changes: tuple[FieldChange, ...]


@dataclass
class Section:
    """One kind of element: statements, dimensions, strands, levels, checklist items, case
    studies."""

    kind: str  # singular, e.g. "statement"
    title: str  # e.g. "Statements"
    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[ChangedElement] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class FrameworkDiff:
    old_label: str
    new_label: str
    details: list[FieldChange]
    sections: list[Section]

    @property
    def is_empty(self) -> bool:
        return not self.details and all(section.is_empty for section in self.sections)

    def section(self, kind: str) -> Section:
        return next(section for section in self.sections if section.kind == kind)


Record = dict[str, Any]  # field name -> value; "_label"/"_context" describe the element


def _compare(old: Record, new: Record) -> tuple[FieldChange, ...]:
    changes = []
    for name in new:
        if name.startswith("_") or old.get(name) == new[name]:
            continue
        before, after = old.get(name), new[name]
        if isinstance(after, tuple):
            before = before or ()
            changes.append(
                FieldChange(
                    name=name,
                    kind="list",
                    items_added=tuple(item for item in after if item not in before),
                    items_removed=tuple(item for item in before if item not in after),
                    old="\n".join(before),
                    new="\n".join(after),
                )
            )
        elif name in TEXT_FIELDS:
            changes.append(
                FieldChange(
                    name=name,
                    kind="text",
                    old=str(before or ""),
                    new=str(after or ""),
                    words=tuple(word_diff(str(before or ""), str(after or ""))),
                )
            )
        else:
            changes.append(FieldChange(name=name, old=str(before or ""), new=str(after or "")))
    return tuple(changes)


# Fields shown word by word; the rest (a level, a strand) are shown as old and new.
TEXT_FIELDS = {
    "name",
    "text",
    "measures",
    "note",
    "title",
    "introduction",
    "checklist introduction",
    "case studies footer",
}


def _section(kind: str, title: str, old: dict[str, Record], new: dict[str, Record]) -> Section:
    def element(key: str, record: Record) -> Element:
        return Element(key=key, label=record["_label"], context=record.get("_context", ""))

    section = Section(kind=kind, title=title)
    section.added = [element(key, record) for key, record in new.items() if key not in old]
    section.removed = [element(key, record) for key, record in old.items() if key not in new]
    for key, record in new.items():
        if key in old:
            changes = _compare(old[key], record)
            if changes:
                section.changed.append(ChangedElement(element(key, record), changes))
    return section


def _records(document: FrameworkDocument) -> dict[str, dict[str, Record]]:
    level_names = {level.key: level.name for level in document.levels}
    strands, dimensions, statements = {}, {}, {}
    for strand in document.strands:
        strands[strand.key] = {
            "_label": strand.name,
            "name": strand.name,
            "measures": strand.measures,
        }
        for dimension in strand.dimensions:
            dimensions[dimension.key] = {
                "_label": dimension.name,
                "_context": strand.name,
                "name": dimension.name,
                "strand": strand.name,
            }
            for level_key, cell in dimension.statements:
                for statement in cell:
                    statements[statement.key] = {
                        "_label": statement.text,
                        "_context": f"{dimension.name}, {level_names.get(level_key, level_key)}",
                        "text": statement.text,
                        "dimension": dimension.name,
                        "level": level_names.get(level_key, level_key),
                        "note": statement.note,
                    }
    levels = {
        level.key: {
            "_label": level.name,
            "name": level.name,
            "position": str(position),
            "whole family view": tuple(level.whole_family_view),
        }
        for position, level in enumerate(document.levels, start=1)
    }
    checklist = {item.key: {"_label": item.text, "text": item.text} for item in document.checklist}
    case_studies = {
        case.key: {
            "_label": case.name,
            "name": case.name,
            "points": tuple(case.points),
            "note": case.note,
        }
        for case in document.case_studies
    }
    return {
        "statement": statements,
        "dimension": dimensions,
        "strand": strands,
        "level": levels,
        "checklist item": checklist,
        "case study": case_studies,
    }


SECTION_TITLES = {
    "statement": "Statements",
    "dimension": "Dimensions",
    "strand": "Strands",
    "level": "Levels",
    "checklist item": "Pre-model checklist",
    "case study": "Case studies",
}


def _details(document: FrameworkDocument) -> Record:
    return {
        "title": document.title,
        "introduction": document.introduction,
        "strand rule": document.strand_rule,
        "consistency threshold": str(document.consistency_threshold.normalize()),
        "checklist introduction": document.checklist_introduction,
        "case studies footer": document.case_studies_footer,
    }


def framework_diff(old: FrameworkDocument, new: FrameworkDocument) -> FrameworkDiff:
    old_records, new_records = _records(old), _records(new)
    return FrameworkDiff(
        old_label=old.label,
        new_label=new.label,
        details=list(_compare(_details(old), _details(new))),
        sections=[
            _section(kind, title, old_records[kind], new_records[kind])
            for kind, title in SECTION_TITLES.items()
        ],
    )
