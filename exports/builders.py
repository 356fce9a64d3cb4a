"""What each export holds: the columns (with the descriptions shown on the export page and in the
workbook's notes sheet) and the rows, built from ``exports.selectors``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import Authority
from assessments.models import Round
from benchmarking import selectors as benchmarks
from benchmarking.services import min_group_size

from . import selectors
from .selectors import ResultRow
from .tables import Column, Table

SUPPRESSED_TEXT = benchmarks.SUPPRESSED_TEXT

RESULT_COLUMNS: list[Column] = [
    Column("Authority", "The local authority's name.", 32),
    Column("ONS code", "The authority's ONS (Office for National Statistics) code.", 11),
    Column("Region", "The authority's region.", 22),
    Column(
        "Kind of authority",
        "County council, unitary authority, metropolitan borough, London borough or other.",
        20,
    ),
    Column("Area", "The national team's area the authority belongs to (blank: none).", 20),
    Column("Round", "The assessment round.", 14),
    Column("Model version", "The version of the Data Maturity Model the round uses.", 20),
    Column(
        "Status",
        "The assessment's status: Not started, In progress, Submitted, Returned or Agreed.",
        12,
    ),
    Column("Started on", "When the assessment was started (YYYY-MM-DD).", 12),
    Column("Submitted on", "When it was last submitted (blank: never).", 12),
    Column("Agreed on", "When the area lead agreed it (blank: not agreed).", 12),
    Column(
        "Results calculated on",
        "When the worker last calculated the stored results. Results exist once an assessment has "
        "been submitted; a returned assessment keeps the results of its last submission.",
        12,
    ),
    Column("Scoring rule", "The version of the scoring rule the results were calculated with.", 14),
    Column(
        "Row",
        "What the row holds: Overall, Strand or Dimension. Blank when the authority has no "
        "results in the round (the row then only gives its status).",
        10,
    ),
    Column("Strand", "The strand (for a dimension row, the strand it belongs to).", 24),
    Column("Dimension", "The dimension (dimension rows only).", 26),
    Column("Key", "The strand's or dimension's stable key in the model.", 24),
    Column(
        "Suggested level",
        "Dimension rows: the level (1 to 4) the authority's ratings suggested.",
        10,
    ),
    Column(
        "Self-assessed level",
        "The level the authority confirmed (dimensions); for strands and overall, the level the "
        "confirmed dimension levels give by the model's rule.",
        10,
    ),
    Column(
        "Moderated level",
        "Dimension rows: the level the reviewer set (blank: agreed with the self-assessed level or "
        "not reviewed). Strand and overall rows: the stored level when at least one of their "
        "dimensions was moderated.",
        10,
    ),
    Column("Gap", "Moderated level minus self-assessed level (blank: not moderated).", 6),
    Column(
        "Level",
        "The level that counts: the moderated level where there is one, else the self-assessed "
        "level. 1 Early, 2 Developing, 3 Maturing, 4 Mature. Overall is indicative.",
        8,
    ),
    Column("Score", "The continuous score from 1.0 to 4.0 calculated from the ratings.", 8),
    Column(
        "Answers pull in different directions",
        "Dimension rows: Yes when the ratings' spread is above the model version's threshold.",
        12,
    ),
    Column("Moderation reason", "Dimension rows: the reviewer's reason for a moderated level.", 40),
]

PEER_FIELDS: list[tuple[str, str]] = [
    ("number of authorities", "how many authorities' agreed assessments the figures come from."),
    ("at level 1", "how many of them are at level 1 (Early)."),
    ("at level 2", "how many at level 2 (Developing)."),
    ("at level 3", "how many at level 3 (Maturing)."),
    ("at level 4", "how many at level 4 (Mature)."),
    ("lower quartile score", "the lower quartile of their scores."),
    ("median score", "the median of their scores."),
    ("upper quartile score", "the upper quartile of their scores."),
    (
        "your position",
        "where your score stands among them, in words (blank when your assessment is not "
        "submitted or agreed). A group of too few authorities gives no figures, only the words "
        f'"{SUPPRESSED_TEXT}"',
    ),
]


def _date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value is not None else None


class _RowValues:
    """Turns result rows into cell values, working out each authority's and each assessment's
    columns once (an export may hold thousands of rows for a few hundred authorities)."""

    def __init__(self) -> None:
        self._authorities: dict[int, list[Any]] = {}
        self._assessments: dict[tuple[int, int], list[Any]] = {}

    def _authority(self, authority: Authority) -> list[Any]:
        values = self._authorities.get(authority.pk)
        if values is None:
            values = self._authorities[authority.pk] = [
                authority.name,
                authority.ons_code,
                authority.get_region_display(),
                authority.get_kind_display(),
                authority.area.name if authority.area_id else "",
            ]
        return values

    def _assessment(self, row: ResultRow) -> list[Any]:
        key = (row.authority.pk, row.round.pk)
        values = self._assessments.get(key)
        if values is None:
            assessment, result = row.assessment, row.result
            version = row.round.framework_version
            values = self._assessments[key] = [
                row.round.name,
                f"{version.title} {version.version}",
                row.status,
                _date(assessment.started_at) if assessment else None,
                _date(assessment.submitted_at) if assessment else None,
                _date(assessment.agreed_at) if assessment else None,
                _date(result.computed_at) if result else None,
                result.rule_version if result else "",
            ]
        return values

    def __call__(self, row: ResultRow) -> list[Any]:
        return [
            *self._authority(row.authority),
            *self._assessment(row),
            row.scope or "",
            row.strand,
            row.dimension,
            row.key,
            row.suggested_level,
            row.self_assessed_level,
            row.moderated_level,
            row.gap,
            row.level,
            row.score,
            None if row.flagged is None else ("Yes" if row.flagged else "No"),
            row.moderation_reason,
        ]


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def peer_columns(groups: Sequence[benchmarks.PeerGroup]) -> list[Column]:
    columns = []
    for group in groups:
        label = _capitalised(group.label)
        for name, description in PEER_FIELDS:
            columns.append(Column(f"{label}: {name}", f"{label}: {description}", 14))
    return columns


def _peer_values(cells: list[selectors.PeerCell] | None, groups: int) -> list[Any]:
    if cells is None:  # no results in this row, or none for this element
        return [None] * (groups * len(PEER_FIELDS))
    values: list[Any] = []
    for cell in cells:
        d = cell.distribution
        if d is None:
            values.extend([None] * (len(PEER_FIELDS) - 1) + [SUPPRESSED_TEXT])
        else:
            values.extend(
                [
                    d.n,
                    *d.counts,
                    d.lower_quartile,
                    d.median,
                    d.upper_quartile,
                    _capitalised(cell.position) if cell.position else None,
                ]
            )
    return values


def _round_words(rounds: Sequence[Round], every_round: bool) -> str:
    if every_round:
        return "every round"
    return f"the {rounds[0].name} round" if rounds else "no round"


def _common_notes(subject: str, rounds: Sequence[Round], every_round: bool) -> list[str]:
    now = timezone.localtime()
    return [
        f"Data Maturity Model results: {subject}, {_round_words(rounds, every_round)}",
        f"Downloaded from the Maturity Portal on {now:%-d %B %Y} at {now:%H:%M}.",
        "One row per authority and round for each of: the overall level, each strand and each "
        "dimension, in the model's order. An authority with no assessment, or whose assessment "
        "has no results yet (results are calculated on submission), has one row giving its status.",
        "Levels: 1 Early, 2 Developing, 3 Maturing, 4 Mature. A dimension counts at the level the "
        "area lead moderated, else the level the authority confirmed; a strand's level comes from "
        "its dimension levels and the overall level (indicative) from the strand levels.",
        "Text that a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a "
        "carriage return) starts with an apostrophe.",
    ]


@dataclass
class Export:
    table: Table
    subject: str  # for the file name


def authority_export(*, authority: Authority, rounds: list[Round], every_round: bool) -> Export:
    """The authority's own results, with its peer groups' published figures beside each row."""
    rows = selectors.result_rows(
        authorities=Authority.objects.filter(pk=authority.pk), rounds=rounds
    )
    with_results = [r for r in rounds if any(row.round.pk == r.pk and row.result for row in rows)]
    groups, cells = selectors.authority_peer_figures(authority=authority, rounds=with_results)
    table = Table(title="Results", columns=[*RESULT_COLUMNS, *peer_columns(groups)])
    values = _RowValues()
    for row in rows:
        peer = cells.get((row.round.pk, row.scope_key, row.key)) if row.scope else None
        table.rows.append([*values(row), *_peer_values(peer, len(groups))])
    table.notes = [
        *_common_notes(authority.name, rounds, every_round),
        "Peer figures come from other authorities' agreed assessments in the same round, without "
        "naming them: for each of your peer groups, how many authorities there are, how many are "
        "at each level, the quartiles and median of their scores, and your position in words.",
        f"A peer group with fewer than {min_group_size()} authorities shows no figures, only the "
        f'words "{SUPPRESSED_TEXT}" Your position is given where your assessment is submitted '
        "or agreed.",
    ]
    return Export(table=table, subject=authority.name)


def named_authorities_export(
    *, authorities: Any, rounds: list[Round], every_round: bool, subject: str
) -> Export:
    """An area's (or every) authority's results by name, for area leads and national admins."""
    rows = selectors.result_rows(authorities=authorities, rounds=rounds)
    table = Table(title="Results", columns=list(RESULT_COLUMNS))
    values = _RowValues()
    table.rows = [values(row) for row in rows]
    table.notes = [
        *_common_notes(subject, rounds, every_round),
        "Authorities are named: this export is for area leads (their area's authorities) and "
        "national admins (every active authority). Anonymised peer figures are on the Benchmarks "
        "pages.",
    ]
    return Export(table=table, subject=subject)
