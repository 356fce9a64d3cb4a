"""Percentiles computed by the database.

PostgreSQL: ``percentile_cont(f) WITHIN GROUP (ORDER BY score)``, an ordered-set aggregate.
SQLite has no percentile function, so each SQLite connection gets ``portal_percentile(value, f)``,
an aggregate registered with ``sqlite3.Connection.create_aggregate`` (see ``apps.py``). It gives the
same answer as ``percentile_cont`` (linear interpolation between the closest ranks), and a grouped
query stays one query per peer-group kind and scope on both databases (docs/adr/0061).
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import Aggregate, FloatField


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The continuous percentile of `values` (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    if lower == upper:
        return ordered[lower]
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class SqlitePercentile:
    """The SQLite side of :class:`Percentile`, fed one row at a time by SQLite."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: Any, fraction: float) -> None:
        if value is not None:
            self.values.append(float(value))
            self.fraction = float(fraction)

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


class Percentile(Aggregate):
    name = "Percentile"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"percentile_cont({self.fraction!r}) WITHIN GROUP "
                "(ORDER BY (%(expressions)s)::double precision)"
            ),
            **extra_context,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=f"portal_percentile(%(expressions)s, {self.fraction!r})",
            **extra_context,
        )


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("portal_percentile", 2, SqlitePercentile)
