"""Benchmark: a full recompute of one round's anonymised benchmark snapshots on PostgreSQL.

    .venv/bin/python benchmarks/benchmark_recompute.py             # 1,000, 5,000 and 10,000
    .venv/bin/python benchmarks/benchmark_recompute.py --sizes 500 2000

What it does, all on 127.0.0.1, and undone at the end:

1. creates a fresh PostgreSQL database (``maturity_bench_recompute``; dropped first if a previous
   run left it) and migrates it, then loads the shipped model;
2. bulk-creates synthetic authorities (spread over the nine regions, five kinds and 40 areas),
   25 comparator groups of 40 authorities each, and for each size a round in which that many
   authorities have an agreed assessment with stored results (overall, 5 strands, 8 dimensions:
   14 result rows per authority), written directly (``benchmarking.synthetic``), then ANALYZE;
3. times ``benchmarks_recompute`` for each round (the best of ``--repeat`` runs; the first run of
   each is also shown), and prints the times, the ratios between consecutive sizes beside the
   ratio of sizes (linear growth has them equal), and the target: under 5 s at 10,000;
4. drops the database.

Exit status 0 when the largest size meets the target and growth is no worse than linear (each
time ratio at most the size ratio times 1.25, for noise), 2 otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

from _database import database_recreate, database_urls, default_database_url  # beside this script
from _results import result  # benchmarks/_results.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "fixtures/frameworks/dmm-early-help-1.0.yaml"
DATABASE_NAME = "maturity_bench_recompute"
TARGET_SECONDS = 5.0
TARGET_SIZE = 10_000
NOISE = 1.25


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "maturity_portal.settings.test"
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(sizes: list[int]) -> list[tuple[int, int]]:
    """Authorities, comparator groups and one round per size. Returns (size, round id)."""
    import datetime

    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Area, Authority, AuthorityKind, Region
    from assessments.models import Round
    from benchmarking.models import ComparatorGroup
    from benchmarking.synthetic import pool_bulk_create
    from frameworks.services import framework_version_load
    from frameworks.validation import parse_framework_file

    rng = random.Random(20_260_101)  # noqa: S311 - synthetic data
    call_command("migrate", verbosity=0)
    document = parse_framework_file(FRAMEWORK_FILE.read_bytes())
    version = framework_version_load(document=document).framework_version
    areas = Area.objects.bulk_create([Area(name=f"Bench area {i}") for i in range(40)])
    largest = max(sizes)
    authorities = Authority.objects.bulk_create(
        [
            Authority(
                name=f"Bench authority {i}",
                ons_code=f"Z{i:08d}",
                kind=rng.choice(AuthorityKind.values),
                region=rng.choice(Region.values),
                area=rng.choice(areas),
            )
            for i in range(largest)
        ],
        batch_size=5000,
    )
    for g in range(25):
        group = ComparatorGroup.objects.create(name=f"Bench neighbours {g}")
        group.members.set(rng.sample(authorities, 40))
    rounds = []
    today = datetime.date(2026, 1, 1)
    for index, size in enumerate(sizes):
        round_obj = Round.objects.create(
            name=f"Bench round {size}",
            framework_version=version,
            opens_on=today + datetime.timedelta(days=index),
            closes_on=today + datetime.timedelta(days=index + 90),
        )
        started = time.perf_counter()
        pool_bulk_create(round=round_obj, authorities=authorities[:size], seed=size)
        print(f"  filled {size:>6,} agreed assessments in {time.perf_counter() - started:.1f} s")
        rounds.append((size, round_obj.pk))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return rounds


def measure(rounds: list[tuple[int, int]], repeat: int) -> list[tuple[int, float, float, int]]:
    from benchmarking.services import benchmarks_recompute

    out = []
    for size, round_id in rounds:
        times = []
        stored = 0
        for _ in range(repeat):
            started = time.perf_counter()
            stored = benchmarks_recompute(round_id=round_id) or 0
            times.append(time.perf_counter() - started)
        out.append((size, times[0], min(times), stored))
    return out


def report(results: list[tuple[int, float, float, int]]) -> int:
    print()
    print(f"{'authorities':>12} {'first run':>10} {'best':>8} {'snapshots':>10} "
          f"{'time ratio':>11} {'size ratio':>11}")  # fmt: skip
    ok = True
    previous = None
    for size, first, best, stored in results:
        ratio = size_ratio = ""
        if previous:
            time_ratio = best / previous[1]
            sizes = size / previous[0]
            ratio, size_ratio = f"{time_ratio:.2f}", f"{sizes:.2f}"
            if time_ratio > sizes * NOISE:
                ok = False
        print(
            f"{size:>12,} {first:>9.2f}s {best:>7.2f}s {stored:>10,} {ratio:>11} {size_ratio:>11}"
        )
        previous = (size, best)
    growth_ok = ok
    largest = [r for r in results if r[0] == TARGET_SIZE]
    if largest:
        met = largest[0][2] < TARGET_SECONDS
        print(
            f"\nTarget: under {TARGET_SECONDS:.0f} s at {TARGET_SIZE:,} authorities: "
            f"{largest[0][2]:.2f} s, {'met' if met else 'MISSED'}."
        )
        ok = ok and met
    print(f"Growth no worse than linear (time ratio <= size ratio x {NOISE}): "
          f"{'yes' if growth_ok else 'NO'}.")  # fmt: skip
    smallest = results[0]
    for size, _first, best, _stored in results:
        target = met_size = None
        if size == TARGET_SIZE:
            target, met_size = f"< {TARGET_SECONDS:.0f} s", best < TARGET_SECONDS
        result(
            f"benchmark recompute, {size:,} authorities (best)",
            best,
            "s",
            baseline=f"same, {smallest[0]:,} authorities" if size != smallest[0] else "",
            baseline_value=smallest[2] if size != smallest[0] else None,
            target=target or "",
            met=met_size,
        )
    if len(results) > 1:
        largest_run, smallest_run = results[-1], results[0]
        result(
            "benchmark recompute growth: time ratio / size ratio",
            (largest_run[2] / smallest_run[2]) / (largest_run[0] / smallest_run[0]),
            "x",
            baseline="linear growth",
            baseline_value=1.0,
            target=f"each step <= {NOISE}x linear",
            met=growth_ok,
        )
    return 0 if ok else 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--database-url",
        default=default_database_url(),
        help="A local PostgreSQL server (only its server is used).",
    )
    parser.add_argument(
        "--database-name", default=DATABASE_NAME, help=f"must contain 'bench' ({DATABASE_NAME})"
    )
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    name = args.database_name
    maintenance_url, bench_url = database_urls(args.database_url, name)
    print(f"Creating {name} and filling it for {', '.join(f'{s:,}' for s in sizes)}:")
    database_recreate(maintenance_url, name)
    try:
        setup_django(bench_url)
        rounds = fill(sizes)
        status = report(measure(rounds, args.repeat))
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not have started
            pass
        database_recreate(maintenance_url, name, drop_only=True)
        print(f"Dropped {name}.")
    return status


if __name__ == "__main__":
    sys.exit(main())
