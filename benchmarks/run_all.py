"""Run every benchmark script and print one table of their figures (``make bench``).

    .venv/bin/python benchmarks/run_all.py                 # every script, shortened where needed
    .venv/bin/python benchmarks/run_all.py --full          # every script with its own defaults
    .venv/bin/python benchmarks/run_all.py --only scoring_throughput load_test

Runs each ``benchmarks/*.py`` in turn (not this file, nor helpers: ``__init__.py`` and names
starting with an underscore), one after another so they do not disturb each other, with its output
shown as it comes. Scripts listed in SHORT run with shorter settings unless ``--full``, to keep the
whole run under ten minutes on a 2-core machine; any other script (a new one) runs with no
arguments. Each script prints ``RESULT {...}`` lines (``benchmarks/_results.py``); this collects
them and prints one table: figure, value, baseline, ratio (value / baseline), target and whether it
is met, then the total time.

Exit status: 1 when a script failed (it exited with anything but 0 or 2, or printed no RESULT
line: a crash, errors under load, lost writes); 0 otherwise. Exit status 2 of a script means "ran
correctly, a speed target missed": the table shows MISSED, and ``--strict`` makes that fail too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from _results import parse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Shorter settings for `make bench` (the scripts' own defaults are for a run on its own). Every
# database name starts with mp_bench; each script drops its database at the end.
SHORT: dict[str, list[str]] = {
    "dimension_save_load": [
        "--duration", "20", "--baseline-duration", "10", "--alone", "10",
        "--database-name", "mp_bench_dimension_save",
    ],
    "benchmark_recompute": ["--repeat", "2", "--database-name", "mp_bench_recompute"],
    "scoring_throughput": ["--assessments", "3000", "--repeat", "2"],
    "report_render": ["--repeat", "3", "--database-name", "mp_bench_reports"],
    "load_test": ["--quick", "--database-name", "mp_bench_load"],
}  # fmt: skip
# With --full: only the database names.
FULL: dict[str, list[str]] = {
    "dimension_save_load": ["--database-name", "mp_bench_dimension_save"],
    "benchmark_recompute": ["--database-name", "mp_bench_recompute"],
    "report_render": ["--database-name", "mp_bench_reports"],
    "load_test": ["--database-name", "mp_bench_load"],
}
ORDER = [
    "scoring_throughput",
    "benchmark_recompute",
    "report_render",
    "dimension_save_load",
    "load_test",
]


def scripts() -> list[Path]:
    found = [
        path
        for path in HERE.glob("*.py")
        if path.name != Path(__file__).name and not path.name.startswith("_")
    ]
    return sorted(found, key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))


def run(path: Path, arguments: list[str]) -> tuple[int, list[dict], float]:
    print(f"\n=== {path.name} {' '.join(arguments)}".rstrip(), flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-u", str(path), *arguments],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    figures = []
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        figure = parse(line.strip())
        if figure is not None:
            figures.append({**figure, "script": path.stem})
    status = process.wait()
    seconds = time.perf_counter() - started
    print(f"=== {path.name}: exit {status} in {seconds:.0f} s", flush=True)
    return status, figures, seconds


def number(value: object, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
        if isinstance(value, int):
            text = f"{value:,}"
        return f"{text} {unit}".strip()
    return str(value)


def table(figures: list[dict]) -> str:
    rows = [("figure", "value", "baseline", "ratio", "target", "met")]
    for f in figures:
        value, base = f["value"], f["baseline_value"]
        ratio = (
            f"{value / base:.3g}x"
            if isinstance(value, int | float) and isinstance(base, int | float) and base
            else "-"
        )
        baseline = "-"
        if f["baseline"] or base is not None:
            baseline = (
                f"{number(base, f['unit'])} ({f['baseline']})"
                if f["baseline"]
                else number(base, f["unit"])
            )
        met = {True: "met", False: "MISSED", None: "-"}.get(f["met"], str(f["met"]))
        rows.append(
            (f["figure"], number(value, f["unit"]), baseline, ratio, f["target"] or "-", met)
        )
    widths = [min(max(len(r[i]) for r in rows), 70) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(
            "  ".join(
                cell.ljust(widths[i]) if i in (0, 2, 4) else cell.rjust(widths[i])
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="each script with its own defaults")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these scripts (no .py)")
    parser.add_argument("--skip", nargs="+", metavar="NAME", default=[], help="not these")
    parser.add_argument(
        "--strict", action="store_true", help="a missed speed target (exit 2) fails the run"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    load_before = os.getloadavg()
    chosen = [
        p for p in scripts() if (not args.only or p.stem in args.only) and p.stem not in args.skip
    ]
    if args.only:
        unknown = set(args.only) - {p.stem for p in chosen}
        if unknown:
            raise SystemExit(f"No such benchmark script: {', '.join(sorted(unknown))}")
    figures: list[dict] = []
    outcomes: list[tuple[str, int, float, int]] = []
    for path in chosen:
        arguments = (FULL if args.full else SHORT).get(path.stem, [])
        status, found, seconds = run(path, arguments)
        figures += found
        outcomes.append((path.name, status, seconds, len(found)))
    total = time.perf_counter() - started

    print("\n" + "=" * 100)
    print(table(figures) if figures else "No figures.")
    print()
    failed = []
    for name, status, seconds, count in outcomes:
        verdict = "ok"
        if status == 2:
            verdict = "target missed"
            if args.strict:
                failed.append(name)
        elif status != 0 or count == 0:
            verdict = "FAILED" if status != 0 else "FAILED (no RESULT line)"
            failed.append(name)
        print(f"{name:<28} exit {status}  {seconds:>5.0f} s  {count} figures  {verdict}")
    print(
        f"\nTotal: {total:.0f} s ({total / 60:.1f} min) for {len(outcomes)} scripts"
        f"{' (full settings)' if args.full else ''}, {os.cpu_count()} CPUs; load average "
        f"(1, 5, 15 min) {' '.join(f'{x:.1f}' for x in load_before)} at the start, "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} at the end."
    )
    if failed:
        print(f"Failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
