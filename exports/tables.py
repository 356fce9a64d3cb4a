"""One table, two file formats. A :class:`Table` (columns with their descriptions, rows of plain
values) is written as CSV or as an XLSX workbook with a notes sheet; both go through
:func:`safe_text`, so text that a spreadsheet would run as a formula is neutralised in either.

Values are ``None`` (an empty cell), ``str``, ``int``, ``Decimal`` or ``datetime.date``. Only text
is neutralised: numbers and dates are written by the portal itself, never taken from what people
typed, and stay numbers so spreadsheets can sum and sort them.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Cells starting with one of these are read as a formula (or a DDE command) by spreadsheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters not allowed in XLSX (XML 1.0) cells; openpyxl refuses them, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """The text with a leading apostrophe when a spreadsheet would treat it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    heading: str
    description: str
    width: int = 14  # characters, for the XLSX column


@dataclass
class Table:
    """A sheet of results: headings, rows, and what the notes sheet says about them."""

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # paragraphs, first the summary


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark (so spreadsheets read accented names correctly), CRLF line
    ends, every field quoted where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_text(c.heading) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return safe_text(_ILLEGAL_XML.sub("", value))
    return value


def to_xlsx(table: Table) -> bytes:
    """A workbook with the table (bold, frozen header row, set widths, a filter) and a Notes sheet
    describing what the export holds and each column. Written in openpyxl's write-only mode: rows
    stream to the file instead of becoming cell objects first (several times faster for every
    authority in every round)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    top_wrap = Alignment(wrap_text=True, vertical="top")

    def styled(sheet: Any, value: Any, *, font: Any = None, alignment: Any = None) -> Any:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        return cell

    sheet = workbook.create_sheet(table.title[:31])
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    if table.columns:
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    sheet.append([styled(sheet, c.heading, font=bold, alignment=top_wrap) for c in table.columns])
    for row in table.rows:
        values = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                values.append(cell)
            else:
                values.append(_xlsx_value(value))
        sheet.append(values)

    notes = workbook.create_sheet("Notes")
    notes.column_dimensions["A"].width = 42
    notes.column_dimensions["B"].width = 100
    # Paragraphs stay in column A unwrapped: spreadsheets show them across the empty cells beside.
    for number, paragraph in enumerate(table.notes):
        title = number == 0
        notes.append([styled(notes, paragraph, font=Font(bold=True, size=14) if title else None)])
    notes.append([])
    notes.append([styled(notes, "Column", font=bold), styled(notes, "What it holds", font=bold)])
    for column in table.columns:
        notes.append(
            [
                styled(notes, column.heading, alignment=top_wrap),
                styled(notes, column.description, alignment=top_wrap),
            ]
        )

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
