"""Reads of framework versions that pages, tasks and other apps share.

The model is the same for everyone (no tenant). `framework_contents_get` loads a whole version in a
fixed number of queries, whatever its size:

    contents = framework_contents_get(framework_version_latest_published("dmm-early-help"))
    for strand in contents.strands:
        for dimension in strand.dimensions_list:
            for cell in dimension.cells:          # one per level, in level order
                cell.level, cell.statements
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import (
    CaseStudy,
    ChecklistItem,
    Dimension,
    FrameworkVersion,
    FrameworkVersionEvent,
    Level,
    Statement,
    Strand,
    version_sort_key,
)

DEFAULT_SLUG = "dmm-early-help"


# --- Versions -----------------------------------------------------------------------------------


def framework_version_list(*, slug: str | None = None) -> list[FrameworkVersion]:
    """Every version, grouped by slug, newest version number first."""
    queryset = FrameworkVersion.objects.all()
    if slug is not None:
        queryset = queryset.filter(slug=slug)
    return sorted(queryset, key=lambda v: (v.slug, _descending(version_sort_key(v.version))))


def framework_version_list_published(slug: str) -> list[FrameworkVersion]:
    """The published versions of a framework, newest version number first."""
    return sorted(
        FrameworkVersion.objects.published().filter(slug=slug),
        key=lambda v: version_sort_key(v.version),
        reverse=True,
    )


def framework_version_get(*, pk: int) -> FrameworkVersion:
    """Any version by id (admin pages). Raises FrameworkVersion.DoesNotExist."""
    return FrameworkVersion.objects.get(pk=pk)


def framework_version_get_published(slug: str, version: str) -> FrameworkVersion:
    """A published version. Raises FrameworkVersion.DoesNotExist for a draft, a retired version or
    one that does not exist."""
    return FrameworkVersion.objects.published().get(slug=slug, version=version)


def framework_version_latest_published(slug: str = DEFAULT_SLUG) -> FrameworkVersion | None:
    """The published version with the highest version number, or None."""
    published = framework_version_list_published(slug)
    return published[0] if published else None


def framework_version_default_published() -> FrameworkVersion | None:
    """What the model explorer shows first: the latest published version of the shipped model, or
    of the most recently published framework when that one has none."""
    latest = framework_version_latest_published(DEFAULT_SLUG)
    if latest is not None:
        return latest
    newest = FrameworkVersion.objects.published().order_by("-published_on", "-pk").first()
    return framework_version_latest_published(newest.slug) if newest else None


def framework_version_events(*, version: FrameworkVersion) -> QuerySet[FrameworkVersionEvent]:
    return FrameworkVersionEvent.objects.filter(framework_version=version).select_related("actor")


def _descending(key: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(-part for part in key)


# --- A whole version ----------------------------------------------------------------------------


@dataclass
class LevelCell:
    """One cell of a dimension's grid: its level and the statements in it."""

    level: Level
    statements: list[Statement]


@dataclass
class FrameworkContents:
    """A whole version, loaded once. Each strand has `dimensions_list`; each dimension has `strand`
    (no query), `cells` (a LevelCell per level, in level order) and `statements_list`."""

    version: FrameworkVersion
    levels: list[Level]
    strands: list[Strand]
    checklist_items: list[ChecklistItem]
    case_studies: list[CaseStudy]
    _dimensions: dict[str, Dimension] = field(default_factory=dict, repr=False)
    _statements: dict[str, Statement] = field(default_factory=dict, repr=False)

    @property
    def dimensions(self) -> list[Dimension]:
        return [d for strand in self.strands for d in strand.dimensions_list]

    @property
    def statements(self) -> list[Statement]:
        return [s for d in self.dimensions for s in d.statements_list]

    def dimension(self, key: str) -> Dimension:
        """Raises KeyError for an unknown key."""
        return self._dimensions[key]

    def strand(self, key: str) -> Strand:
        for strand in self.strands:
            if strand.key == key:
                return strand
        raise KeyError(key)

    def statement(self, key: str) -> Statement:
        return self._statements[key]

    def statement_keys(self) -> set[str]:
        return set(self._statements)


def framework_contents_get(version: FrameworkVersion) -> FrameworkContents:
    """Load a whole version (levels, strands, dimensions, statements by level, checklist, case
    studies) in six queries."""
    levels = list(Level.objects.filter(framework_version=version).order_by("order", "pk"))
    strands = list(Strand.objects.filter(framework_version=version).order_by("order", "pk"))
    dimensions = list(Dimension.objects.filter(framework_version=version).order_by("order", "pk"))
    statements = list(Statement.objects.filter(framework_version=version).order_by("order", "pk"))
    checklist = list(
        ChecklistItem.objects.filter(framework_version=version).order_by("order", "pk")
    )
    case_studies = list(CaseStudy.objects.filter(framework_version=version).order_by("order", "pk"))

    for element in [*levels, *strands, *dimensions, *statements, *checklist, *case_studies]:
        element.framework_version = version  # cache the relation: no query per element

    levels_by_id = {level.pk: level for level in levels}
    strands_by_id = {strand.pk: strand for strand in strands}
    dimensions_by_id = {dimension.pk: dimension for dimension in dimensions}
    by_cell: dict[tuple[int, int], list[Statement]] = defaultdict(list)
    for statement in statements:
        statement.level = levels_by_id[statement.level_id]
        statement.dimension = dimensions_by_id[statement.dimension_id]
        by_cell[(statement.dimension_id, statement.level_id)].append(statement)

    for strand in strands:
        strand.dimensions_list = []
    for dimension in dimensions:
        dimension.strand = strands_by_id[dimension.strand_id]
        dimension.strand.dimensions_list.append(dimension)
        dimension.cells = [
            LevelCell(level=level, statements=by_cell[(dimension.pk, level.pk)]) for level in levels
        ]
        dimension.statements_list = [s for cell in dimension.cells for s in cell.statements]

    return FrameworkContents(
        version=version,
        levels=levels,
        strands=strands,
        checklist_items=checklist,
        case_studies=case_studies,
        _dimensions={d.key: d for d in dimensions},
        _statements={s.key: s for s in statements},
    )


# Published and retired versions never change (frameworks/models.py refuses every write to their
# contents and their deletion), so each process keeps the last few it has loaded, by id. Drafts
# are always read afresh: a national admin edits them.
_CONTENTS_CACHE_SIZE = 8
_contents_cache: OrderedDict[int, FrameworkContents] = OrderedDict()
_contents_cache_lock = threading.Lock()


def _contents_cache_get(version_id: int) -> FrameworkContents | None:
    with _contents_cache_lock:
        contents = _contents_cache.get(version_id)
        if contents is not None:
            _contents_cache.move_to_end(version_id)
        return contents


def framework_contents_cached(version: FrameworkVersion) -> FrameworkContents:
    """`framework_contents_get`, kept in this process for a published or retired version, so that
    a page that needs one dimension's statements reads no framework rows at all once warm.

    The objects returned are shared between requests: read them, never change or save them. Their
    `framework_version` (and `contents.version`) is the version as it was first loaded: its
    content and scoring settings are those of today, its status may since have moved on from
    published to retired. Read a version's status from a version of your own."""
    if version.is_draft or version.pk is None:
        return framework_contents_get(version)
    contents = _contents_cache_get(version.pk)
    if contents is not None:
        return contents
    contents = framework_contents_get(version)
    with _contents_cache_lock:
        _contents_cache[version.pk] = contents
        while len(_contents_cache) > _CONTENTS_CACHE_SIZE:
            _contents_cache.popitem(last=False)
    return contents


def framework_contents_cached_by_id(version_id: int) -> FrameworkContents:
    """`framework_contents_cached` for a version known by id: no query at all once warm. Raises
    FrameworkVersion.DoesNotExist."""
    contents = _contents_cache_get(version_id)
    if contents is not None:
        return contents
    return framework_contents_cached(FrameworkVersion.objects.get(pk=version_id))


def framework_contents_cache_clear() -> None:
    """Forget every cached version (tests, whose rolled-back versions may reuse ids)."""
    with _contents_cache_lock:
        _contents_cache.clear()


def framework_version_used_statement_numbers(*, slug: str, prefix: str) -> set[int]:
    """The numbers already used after `prefix` (e.g. 'research.early.') by statement keys in any
    version of a framework, so that a new statement never takes a key an older one had."""
    numbers = set()
    keys = Statement.objects.filter(
        framework_version__slug=slug, key__startswith=prefix
    ).values_list("key", flat=True)
    for key in keys:
        rest = key[len(prefix) :]
        if rest.isdigit():
            numbers.add(int(rest))
    return numbers
