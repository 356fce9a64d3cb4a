"""The machine-readable figures every benchmark script prints at the end, one line per figure:

    RESULT {"figure": "...", "value": 1.23, "unit": "ms", "baseline": "...", "baseline_value": 0.4,
            "target": "p95 <= 4x baseline", "met": true}

``benchmarks/run_all.py`` collects these lines from every script and prints one table. A helper,
not a benchmark: run_all skips files whose name starts with an underscore.
"""

from __future__ import annotations

import json
import math

PREFIX = "RESULT "
KEYS = ("figure", "value", "unit", "baseline", "baseline_value", "target", "met")


def _number(value: float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return round(value, 4) if isinstance(value, float) else value


def result_line(
    figure: str,
    value: float | int | None,
    unit: str,
    *,
    baseline: str = "",
    baseline_value: float | int | None = None,
    target: str = "",
    met: bool | None = None,
) -> str:
    """One RESULT line: json.dumps of a dict with exactly KEYS."""
    return PREFIX + json.dumps(
        {
            "figure": figure,
            "value": _number(value),
            "unit": unit,
            "baseline": baseline,
            "baseline_value": _number(baseline_value),
            "target": target,
            "met": met,
        }
    )


def result(figure: str, value: float | int | None, unit: str, **kwargs) -> None:
    print(result_line(figure, value, unit, **kwargs), flush=True)


def parse(line: str) -> dict | None:
    """The figure of a RESULT line, or None for any other line."""
    if not line.startswith(PREFIX):
        return None
    try:
        data = json.loads(line[len(PREFIX) :])
    except ValueError:
        return None
    if not isinstance(data, dict) or "figure" not in data:
        return None
    return {key: data.get(key) for key in KEYS}
