"""A framework version as plain data: what a YAML file holds, what the database holds, and what
the diff compares. `frameworks.validation.parse_framework_file` turns a file into a
FrameworkDocument; `frameworks.export.framework_document_from_version` turns a stored version into
one; `dump_framework_yaml` writes one out. Documents are frozen dataclasses, so two versions with
the same content compare equal.

The YAML schema is documented in docs/framework-format.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

MAX_FILE_BYTES = 1024 * 1024  # 1 MB


class FrameworkFileError(Exception):
    """A framework file (or a draft) that cannot be loaded. `messages` name each place and problem,
    like "strands[2].dimensions[0].statements.maturing[1]: text is empty"."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class LevelDocument:
    key: str
    name: str
    whole_family_view: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatementDocument:
    key: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class DimensionDocument:
    key: str
    name: str
    # (level key, statements) in the version's level order.
    statements: tuple[tuple[str, tuple[StatementDocument, ...]], ...]

    def statements_at(self, level_key: str) -> tuple[StatementDocument, ...]:
        return dict(self.statements).get(level_key, ())


@dataclass(frozen=True)
class StrandDocument:
    key: str
    name: str
    measures: str
    dimensions: tuple[DimensionDocument, ...]


@dataclass(frozen=True)
class ChecklistItemDocument:
    key: str
    text: str


@dataclass(frozen=True)
class CaseStudyDocument:
    key: str
    name: str
    points: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class FrameworkDocument:
    slug: str
    version: str
    title: str
    levels: tuple[LevelDocument, ...]
    strands: tuple[StrandDocument, ...]
    status: str = "draft"
    published_on: datetime.date | None = None
    strand_rule: str = "mean_floor"
    consistency_threshold: Decimal = Decimal("1.0")
    introduction: str = ""
    note: str = ""
    checklist_introduction: str = ""
    checklist: tuple[ChecklistItemDocument, ...] = ()
    case_studies: tuple[CaseStudyDocument, ...] = ()
    case_studies_footer: str = ""
    # Not part of the content; filled in by the parser for messages.
    source_name: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        return f"{self.slug} {self.version}"

    def dimensions(self) -> list[DimensionDocument]:
        return [dimension for strand in self.strands for dimension in strand.dimensions]

    def statement_count(self) -> int:
        return sum(
            len(statements)
            for dimension in self.dimensions()
            for _, statements in dimension.statements
        )

    def summary(self) -> str:
        return (
            f"{len(self.levels)} levels, {len(self.strands)} strands, "
            f"{len(self.dimensions())} dimensions, {self.statement_count()} statements, "
            f"{len(self.checklist)} checklist items, {len(self.case_studies)} case studies"
        )

    def content_equals(self, other: FrameworkDocument, *, ignore_status: bool = False) -> bool:
        """Same content. A file that gives no publication date matches any date, so loading the
        shipped file again does not count the date the portal set as a change."""
        mine, theirs = self, other
        if mine.published_on is None or theirs.published_on is None:
            mine = _replace(mine, published_on=None)
            theirs = _replace(theirs, published_on=None)
        if ignore_status:
            mine = _replace(mine, status="", published_on=None)
            theirs = _replace(theirs, status="", published_on=None)
        return mine == theirs

    def to_data(self) -> dict[str, Any]:
        """Plain data in the YAML schema's order, leaving out empty optional fields."""
        data: dict[str, Any] = {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "status": str(self.status),
        }
        if self.published_on is not None:
            data["published_on"] = self.published_on
        if self.note:
            data["note"] = self.note
        if self.introduction:
            data["introduction"] = self.introduction
        data["scoring"] = {
            "strand_rule": str(self.strand_rule),
            "consistency_threshold": float(self.consistency_threshold),
        }
        data["levels"] = [
            {
                "key": level.key,
                "name": level.name,
                "whole_family_view": list(level.whole_family_view),
            }
            for level in self.levels
        ]
        if self.checklist_introduction or self.checklist:
            checklist: dict[str, Any] = {}
            if self.checklist_introduction:
                checklist["introduction"] = self.checklist_introduction
            checklist["items"] = [{"key": item.key, "text": item.text} for item in self.checklist]
            data["pre_model_checklist"] = checklist
        data["strands"] = [_strand_data(strand) for strand in self.strands]
        if self.case_studies or self.case_studies_footer:
            case_studies: dict[str, Any] = {
                "items": [_case_study_data(c) for c in self.case_studies]
            }
            if self.case_studies_footer:
                case_studies["footer"] = self.case_studies_footer
            data["case_studies"] = case_studies
        return data


def _replace(document: FrameworkDocument, **changes: Any) -> FrameworkDocument:
    from dataclasses import replace

    return replace(document, **changes)


def _strand_data(strand: StrandDocument) -> dict[str, Any]:
    return {
        "key": strand.key,
        "name": strand.name,
        "measures": strand.measures,
        "dimensions": [
            {
                "key": dimension.key,
                "name": dimension.name,
                "statements": {
                    level_key: [_statement_data(s) for s in statements]
                    for level_key, statements in dimension.statements
                },
            }
            for dimension in strand.dimensions
        ],
    }


def _statement_data(statement: StatementDocument) -> dict[str, Any]:
    data = {"key": statement.key, "text": statement.text}
    if statement.note:
        data["note"] = statement.note
    return data


def _case_study_data(case_study: CaseStudyDocument) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": case_study.key,
        "name": case_study.name,
        "points": list(case_study.points),
    }
    if case_study.note:
        data["note"] = case_study.note
    return data


# --- YAML out ------------------------------------------------------------------------------------


class _ReadableDumper(yaml.SafeDumper):
    """Indented lists; long texts folded over several lines; multi-paragraph texts as blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # Texts are stored tidied (frameworks.validation): paragraphs split by one line break, which a
    # folded block writes as a blank line.
    style = ">" if "\n" in data or len(data) > 72 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_ReadableDumper.add_representer(str, _represent_str)

YAML_HEADER = (
    "# A version of the Data Maturity Model, in the format described in docs/framework-format.md.\n"
    "# Load it with: python manage.py load_framework PATH\n"
)


def dump_framework_yaml(document: FrameworkDocument, *, header: str = YAML_HEADER) -> str:
    body = yaml.dump(
        document.to_data(),
        Dumper=_ReadableDumper,
        allow_unicode=True,
        sort_keys=False,
        width=88,
        default_flow_style=False,
    )
    return header + body
