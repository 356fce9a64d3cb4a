"""Reading a framework file: bytes in, a FrameworkDocument out, or FrameworkFileError with every
problem found, each naming its place in the file. Nothing here touches the database, so the
management command, the admins' import page and the tests share it.

`parse_framework_file` only ever raises FrameworkFileError (the tests fuzz it with hypothesis).
`validate_framework_document` checks the meaning of a document built any other way (a draft edited
in the portal, before it is published).
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.events import AliasEvent

from .document import (
    MAX_FILE_BYTES,
    CaseStudyDocument,
    ChecklistItemDocument,
    DimensionDocument,
    FrameworkDocument,
    FrameworkFileError,
    LevelDocument,
    StatementDocument,
    StrandDocument,
)
from .models import (
    KEY_MAX,
    KEY_PATTERN,
    NAME_MAX,
    SLUG_MAX,
    SLUG_PATTERN,
    STATEMENT_KEY_MAX,
    STATEMENT_KEY_PATTERN,
    TITLE_MAX,
    VERSION_MAX,
    VERSION_PATTERN,
    FrameworkVersion,
)

TEXT_MAX = 5_000
LONG_TEXT_MAX = 20_000
MIN_LEVELS = 2
MAX_LEVELS = 10
MAX_MESSAGES = 200

# Anything below U+0020 other than tab and newline, DEL, and the C1 controls. PostgreSQL cannot
# store U+0000 at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# --- YAML in ------------------------------------------------------------------------------------


class _AliasNotAllowed(yaml.YAMLError):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _DuplicateField(yaml.YAMLError):
    def __init__(self, name: str, mark: Any) -> None:
        self.name = name
        self.mark = mark


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, without aliases (which can blow a small file up into a huge structure) and
    without silently keeping the last of two fields with the same name."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            raise _AliasNotAllowed(self.peek_event().start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            if duplicate:
                raise _DuplicateField(str(key), key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _where(mark: Any) -> str:
    if mark is None:
        return "the file"
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _read_yaml(data: bytes | str) -> Any:
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            raise FrameworkFileError(
                [f"the file is too big ({len(data):,} bytes); the largest allowed is 1 MB"]
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FrameworkFileError(
                [
                    f"line {line}: the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
                    f"position {exc.start}); save it as UTF-8 and try again"
                ]
            ) from None
    else:
        text = data
        if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
            raise FrameworkFileError(["the file is too big; the largest allowed is 1 MB"])
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except _AliasNotAllowed as exc:
        message = f"{_where(exc.mark)}: aliases (*name) are not allowed; write the value out"
    except _DuplicateField as exc:
        message = f"{_where(exc.mark)}: the field '{exc.name}' appears twice in the same place"
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        parts = [part for part in (exc.context, exc.problem) if part]
        problem = ", ".join(parts) or "the YAML cannot be read"
        message = f"{_where(mark)}: the file is not valid YAML ({problem})"
    except yaml.YAMLError as exc:
        message = f"the file is not valid YAML ({exc})"
    except RecursionError:
        message = "the file is nested too deeply to read"
    except (ValueError, TypeError, OverflowError) as exc:
        # e.g. a date like 2026-13-45, which the YAML reader accepts but cannot build.
        message = f"the file holds a value that cannot be read ({exc})"
    raise FrameworkFileError([message])


def parse_framework_file(data: bytes | str, *, source_name: str = "") -> FrameworkDocument:
    """Read and check a whole framework file. Raises FrameworkFileError listing every problem."""
    raw = _read_yaml(data)
    if raw is None:
        raise FrameworkFileError(["the file is empty"])
    checker = _Checker()
    document = checker.document(raw, source_name=source_name)
    if checker.messages or document is None:
        raise FrameworkFileError(checker.result_messages())
    return document


def validate_framework_document(document: FrameworkDocument) -> None:
    """Check a document built from the database (a draft) by the same rules as a file."""
    parse_framework_file(_to_yaml_text(document))


def _to_yaml_text(document: FrameworkDocument) -> str:
    from .document import dump_framework_yaml

    return dump_framework_yaml(document, header="")


# --- Checking the structure and meaning -------------------------------------------------------


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, datetime.date):
        return "a date"
    return "a value of another kind"


class _Checker:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self._keys: dict[str, dict[str, str]] = {}

    def result_messages(self) -> list[str]:
        if len(self.messages) > MAX_MESSAGES:
            more = len(self.messages) - MAX_MESSAGES
            return [*self.messages[:MAX_MESSAGES], f"... and {more} more problems"]
        return self.messages

    def error(self, path: str, message: str) -> None:
        self.messages.append(f"{path}: {message}" if path else message)

    # Building blocks ---------------------------------------------------------------------------

    def fields(
        self, value: Any, path: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            what = path or "the file"
            self.messages.append(
                f"{what}: must be a set of fields (name: value), not {_describe(value)}"
            )
            return None
        allowed = set(required) | set(optional)
        result: dict[str, Any] = {}
        for name, item in value.items():
            if not isinstance(name, str):
                self.error(path, f"field names must be text, not {_describe(name)} ({name!r})")
            elif name not in allowed:
                hint = ", ".join(required + optional)
                self.error(path, f"unknown field '{name}' (the fields here are: {hint})")
            else:
                result[name] = item
        for name in required:
            if name not in value:
                self.error(path, f"{name} is missing")
        return result

    def text(
        self,
        values: dict[str, Any],
        name: str,
        path: str,
        *,
        required: bool = True,
        max_length: int = TEXT_MAX,
        paragraphs: bool = False,
    ) -> str:
        """A text field, with its white space tidied: runs of spaces and line breaks become one
        space; in a text of several paragraphs (`paragraphs=True`), each line is a paragraph."""
        if name not in values:
            return ""
        value = values[name]
        if value is None:
            if required:
                self.error(path, f"{name} is empty")
            return ""
        if not isinstance(value, str):
            if isinstance(value, int | float) and not isinstance(value, bool):
                self.error(
                    path, f'{name} must be text, not a number (put it in quotes, like "{value}")'
                )
            else:
                self.error(path, f"{name} must be text, not {_describe(value)}")
            return ""
        if _has_bad_characters(value):
            self.error(path, f"{name} contains a control or invalid character")
            return ""
        if paragraphs:
            lines = (" ".join(line.split()) for line in value.splitlines())
            value = "\n".join(line for line in lines if line)
        else:
            value = " ".join(value.split())
        if not value:
            if required:
                self.error(path, f"{name} is empty")
            return ""
        if len(value) > max_length:
            self.error(
                path,
                f"{name} is too long ({len(value):,} characters; the most allowed is "
                f"{max_length:,})",
            )
        return value

    def key(
        self,
        values: dict[str, Any],
        path: str,
        kind: str,
        *,
        pattern: str = KEY_PATTERN,
        max_length: int = KEY_MAX,
        example: str = "information_governance",
    ) -> str:
        key = self.text(values, "key", path, max_length=max_length)
        if not key:
            return ""
        if not re.fullmatch(pattern, key):
            self.error(
                path,
                f"key '{key}' is not allowed: use lower-case letters, numbers and underscores, "
                f"starting with a letter, like {example}",
            )
            return key
        used = self._keys.setdefault(kind, {})
        if key in used:
            self.error(path, f"key '{key}' is used more than once (also at {used[key]})")
        else:
            used[key] = path
        return key

    def text_list(
        self, values: dict[str, Any], name: str, path: str, *, max_length: int = TEXT_MAX
    ) -> tuple[str, ...]:
        if name not in values or values[name] is None:
            return ()
        items = values[name]
        if not isinstance(items, list):
            self.error(path, f"{name} must be a list, not {_describe(items)}")
            return ()
        result = []
        for index, item in enumerate(items):
            label = f"{name}[{index}]"
            text = self.text({label: item}, label, path, max_length=max_length)
            if text:
                result.append(text)
        return tuple(result)

    def item_list(self, value: Any, path: str, *, minimum: int = 0, what: str) -> list[Any]:
        if value is None:
            value = []
        if not isinstance(value, list):
            self.error(path, f"must be a list of {what}, not {_describe(value)}")
            return []
        if len(value) < minimum:
            self.error(path, f"needs at least {minimum} {what if minimum != 1 else what[:-1]}")
        return value

    # The document ------------------------------------------------------------------------------

    def document(self, raw: Any, *, source_name: str) -> FrameworkDocument | None:
        values = self.fields(
            raw,
            "",
            required=("slug", "version", "title", "levels", "strands"),
            optional=(
                "status",
                "published_on",
                "note",
                "introduction",
                "scoring",
                "pre_model_checklist",
                "case_studies",
            ),
        )
        if values is None:
            return None
        slug = self.text(values, "slug", "", max_length=SLUG_MAX)
        if slug and not re.fullmatch(SLUG_PATTERN, slug):
            self.error(
                "",
                f"slug '{slug}' is not allowed: use lower-case letters, numbers and hyphens, "
                "like dmm-early-help",
            )
        version = self.text(values, "version", "", max_length=VERSION_MAX)
        if version and not re.fullmatch(VERSION_PATTERN, version):
            self.error(
                "", f"version '{version}' is not allowed: use numbers and dots, like \"1.1\""
            )
        title = self.text(values, "title", "", max_length=TITLE_MAX)
        status = self.status(values)
        published_on = self.published_on(values, status)
        note = self.text(
            values, "note", "", required=False, max_length=LONG_TEXT_MAX, paragraphs=True
        )
        introduction = self.text(
            values, "introduction", "", required=False, max_length=LONG_TEXT_MAX, paragraphs=True
        )
        strand_rule, threshold = self.scoring(values.get("scoring"))
        levels = self.levels(values.get("levels"))
        checklist_introduction, checklist = self.checklist(values.get("pre_model_checklist"))
        strands = self.strands(values.get("strands"), [level.key for level in levels])
        case_studies, footer = self.case_studies(values.get("case_studies"))
        if self.messages:
            return None
        return FrameworkDocument(
            slug=slug,
            version=version,
            title=title,
            status=status,
            published_on=published_on,
            strand_rule=strand_rule,
            consistency_threshold=threshold,
            introduction=introduction,
            note=note,
            levels=tuple(levels),
            checklist_introduction=checklist_introduction,
            checklist=tuple(checklist),
            strands=tuple(strands),
            case_studies=tuple(case_studies),
            case_studies_footer=footer,
            source_name=source_name,
        )

    def status(self, values: dict[str, Any]) -> str:
        if "status" not in values:
            return FrameworkVersion.Status.DRAFT.value
        status = self.text(values, "status", "")
        allowed = FrameworkVersion.Status.values
        if status and status not in allowed:
            self.error("", f"status '{status}' is not one of: {', '.join(allowed)}")
            return FrameworkVersion.Status.DRAFT.value
        return status or FrameworkVersion.Status.DRAFT.value

    def published_on(self, values: dict[str, Any], status: str) -> datetime.date | None:
        value = values.get("published_on")
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            self.error("", "published_on must be a date without a time, like 2026-04-01")
            return None
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                self.error("", f"published_on '{value}' is not a date like 2026-04-01")
                return None
        if not isinstance(value, datetime.date):
            self.error("", f"published_on must be a date like 2026-04-01, not {_describe(value)}")
            return None
        if status == FrameworkVersion.Status.DRAFT:
            self.error(
                "", "published_on is set but the status is draft: a draft has no publication date"
            )
            return None
        return value

    def scoring(self, raw: Any) -> tuple[str, Decimal]:
        rule = FrameworkVersion.StrandRule.MEAN_FLOOR.value
        threshold = Decimal("1.0")
        if raw is None:
            return rule, threshold
        values = self.fields(
            raw, "scoring", required=(), optional=("strand_rule", "consistency_threshold")
        )
        if values is None:
            return rule, threshold
        if "strand_rule" in values:
            given = self.text(values, "strand_rule", "scoring")
            if given and given not in FrameworkVersion.StrandRule.values:
                self.error(
                    "scoring",
                    f"strand_rule '{given}' is not one of: "
                    f"{', '.join(FrameworkVersion.StrandRule.values)}",
                )
            elif given:
                rule = given
        if "consistency_threshold" in values:
            threshold = self.threshold(values["consistency_threshold"]) or threshold
        return rule, threshold

    def threshold(self, value: Any) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(
                "scoring",
                f"consistency_threshold must be a number like 1.0, not {_describe(value)}",
            )
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error("scoring", "consistency_threshold must be a number like 1.0")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error("scoring", "consistency_threshold must be a number like 1.0")
            return None
        if not Decimal("0.01") <= number <= Decimal("3"):
            self.error("scoring", "consistency_threshold must be between 0.01 and 3")
            return None
        if number != number.quantize(Decimal("0.01")):
            self.error("scoring", "consistency_threshold can have at most 2 decimal places")
            return None
        return number

    def levels(self, raw: Any) -> list[LevelDocument]:
        items = self.item_list(raw, "levels", minimum=MIN_LEVELS, what="levels")
        if len(items) > MAX_LEVELS:
            self.error("levels", f"has {len(items)} levels; the most allowed is {MAX_LEVELS}")
        levels = []
        for index, item in enumerate(items):
            path = f"levels[{index}]"
            values = self.fields(
                item, path, required=("key", "name"), optional=("whole_family_view",)
            )
            if values is None:
                continue
            key = self.key(values, path, "level", example="early")
            name = self.text(values, "name", path, max_length=NAME_MAX)
            summary = self.text_list(values, "whole_family_view", path)
            if key:
                levels.append(LevelDocument(key=key, name=name, whole_family_view=summary))
        return levels

    def checklist(self, raw: Any) -> tuple[str, list[ChecklistItemDocument]]:
        if raw is None:
            return "", []
        path = "pre_model_checklist"
        values = self.fields(raw, path, required=(), optional=("introduction", "items"))
        if values is None:
            return "", []
        introduction = self.text(
            values, "introduction", path, required=False, max_length=LONG_TEXT_MAX, paragraphs=True
        )
        items = []
        for index, item in enumerate(
            self.item_list(values.get("items"), f"{path}.items", what="checklist items")
        ):
            item_path = f"{path}.items[{index}]"
            item_values = self.fields(item, item_path, required=("key", "text"))
            if item_values is None:
                continue
            key = self.key(item_values, item_path, "checklist item", example="privacy_notices")
            text = self.text(item_values, "text", item_path)
            items.append(ChecklistItemDocument(key=key, text=text))
        return introduction, items

    def strands(self, raw: Any, level_keys: list[str]) -> list[StrandDocument]:
        strands = []
        for index, item in enumerate(self.item_list(raw, "strands", minimum=1, what="strands")):
            path = f"strands[{index}]"
            values = self.fields(
                item, path, required=("key", "name", "dimensions"), optional=("measures",)
            )
            if values is None:
                continue
            key = self.key(values, path, "strand")
            name = self.text(values, "name", path, max_length=NAME_MAX)
            measures = self.text(values, "measures", path, required=False)
            dimensions = [
                self.dimension(dimension, f"{path}.dimensions[{position}]", level_keys)
                for position, dimension in enumerate(
                    self.item_list(
                        values.get("dimensions"),
                        f"{path}.dimensions",
                        minimum=1 if "dimensions" in values else 0,
                        what="dimensions",
                    )
                )
            ]
            strands.append(
                StrandDocument(
                    key=key,
                    name=name,
                    measures=measures,
                    dimensions=tuple(d for d in dimensions if d is not None),
                )
            )
        return strands

    def dimension(self, raw: Any, path: str, level_keys: list[str]) -> DimensionDocument | None:
        values = self.fields(raw, path, required=("key", "name", "statements"))
        if values is None:
            return None
        key = self.key(values, path, "dimension")
        name = self.text(values, "name", path, max_length=NAME_MAX)
        cells: list[tuple[str, tuple[StatementDocument, ...]]] = []
        if "statements" not in values:
            return DimensionDocument(key=key, name=name, statements=())
        statements_path = f"{path}.statements"
        raw_cells = values["statements"]
        if not isinstance(raw_cells, dict):
            self.error(
                statements_path,
                "must list the statements under each level's key "
                f"({', '.join(level_keys) or 'the levels'}), not {_describe(raw_cells)}",
            )
            return DimensionDocument(key=key, name=name, statements=())
        for level_key in raw_cells:
            if not isinstance(level_key, str) or level_key not in level_keys:
                close = difflib.get_close_matches(str(level_key), level_keys, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.error(
                    statements_path,
                    f"unknown level '{level_key}' ({hint}the levels are: {', '.join(level_keys)})",
                )
        for level_key in level_keys:
            if level_key not in raw_cells:
                self.error(
                    statements_path,
                    f"the level '{level_key}' is missing: every dimension needs at least one "
                    "statement at every level",
                )
                continue
            cell_path = f"{statements_path}.{level_key}"
            items = self.item_list(raw_cells[level_key], cell_path, what="statements")
            if isinstance(raw_cells[level_key], list | type(None)) and not items:
                self.error(
                    cell_path,
                    "has no statements: every dimension needs at least one statement at every "
                    "level",
                )
            statements = []
            for position, item in enumerate(items):
                statement = self.statement(item, f"{cell_path}[{position}]")
                if statement is not None:
                    statements.append(statement)
            cells.append((level_key, tuple(statements)))
        return DimensionDocument(key=key, name=name, statements=tuple(cells))

    def statement(self, raw: Any, path: str) -> StatementDocument | None:
        values = self.fields(raw, path, required=("key", "text"), optional=("note",))
        if values is None:
            return None
        key = self.key(
            values,
            path,
            "statement",
            pattern=STATEMENT_KEY_PATTERN,
            max_length=STATEMENT_KEY_MAX,
            example="information_governance.early.1",
        )
        text = self.text(values, "text", path)
        note = self.text(values, "note", path, required=False)
        return StatementDocument(key=key, text=text, note=note)

    def case_studies(self, raw: Any) -> tuple[list[CaseStudyDocument], str]:
        if raw is None:
            return [], ""
        path = "case_studies"
        values = self.fields(raw, path, required=(), optional=("items", "footer"))
        if values is None:
            return [], ""
        footer = self.text(values, "footer", path, required=False, paragraphs=True)
        result = []
        for index, item in enumerate(
            self.item_list(values.get("items"), f"{path}.items", what="case studies")
        ):
            item_path = f"{path}.items[{index}]"
            item_values = self.fields(
                item, item_path, required=("key", "name"), optional=("points", "note")
            )
            if item_values is None:
                continue
            key = self.key(item_values, item_path, "case study", example="west_sussex")
            name = self.text(item_values, "name", item_path, max_length=NAME_MAX)
            points = self.text_list(item_values, "points", item_path)
            note = self.text(item_values, "note", item_path, required=False)
            result.append(CaseStudyDocument(key=key, name=name, points=points, note=note))
        return result, footer


def _has_bad_characters(value: str) -> bool:
    if _CONTROL.search(value):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return False


def clean_text(
    value: Any,
    *,
    label: str = "text",
    paragraphs: bool = False,
    max_length: int = TEXT_MAX,
    required: bool = True,
) -> str:
    """The same tidying and checks as the file loader, for text typed into a page. Raises
    django.core.exceptions.ValidationError with a message naming `label`."""
    from django.core.exceptions import ValidationError

    checker = _Checker()
    result = checker.text(
        {label: value}, label, "", required=required, max_length=max_length, paragraphs=paragraphs
    )
    if checker.messages:
        message = checker.messages[0]
        raise ValidationError(message[0].upper() + message[1:])
    return result
