"""Demo benchmarks: snapshots for every round, after the demo assessments (seed_demo)."""

from typing import TextIO


def seed(data, stdout: TextIO) -> None:
    from .services import benchmarks_recompute_all

    done = benchmarks_recompute_all()
    stdout.write(
        f"Demo benchmarks: {sum(v or 0 for v in done.values())} snapshots for {len(done)} rounds."
    )
