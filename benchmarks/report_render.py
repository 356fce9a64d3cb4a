"""Benchmark: rendering the full authority report PDF, beside a one-page WeasyPrint baseline.

    .venv/bin/python benchmarks/report_render.py              # 5 timed renders of each
    .venv/bin/python benchmarks/report_render.py --repeat 10

What it does, all on 127.0.0.1, and undone at the end:

1. creates a fresh PostgreSQL database (``maturity_bench_reports``; dropped first if a previous run
   left it), migrates it, loads the shipped model and reference data (``load_initial_data``) and
   the demo data (``seed_demo``: three rounds, benchmark snapshots, action plans);
2. picks the first demo authority (by name) with results in all three rounds whose current-round
   assessment is agreed, and gives that assessment 20 evidence items (text and links, spread over
   its dimensions, written directly: the assessment is no longer editable);
3. renders the report once to warm up (imports, fonts), then times ``--repeat`` renders of the
   whole report as the worker does it (read the data through the selectors, lay out the HTML,
   write the tagged PDF) and as many one-page baseline PDFs (same stylesheet and fonts), and
   measures each one's peak Python memory with tracemalloc in a separate, untimed render;
4. prints the best and median times, the CPU time, the peak memory and the process's maximum
   resident set size, then one ``RESULT {...}`` line per figure (JSON, for the runner);
5. drops the database.

Exit status 0 when the best full-report time meets the target (under 2 s), 2 otherwise. The
machine's load average is printed too: on a shared machine, wall-clock times are noisy.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from _database import database_recreate, database_urls, default_database_url  # beside this script

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "maturity_bench_reports"
TARGET_SECONDS = 2.0
EVIDENCE_ITEMS = 20


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "maturity_portal.settings.test"
    os.environ.pop("CELERY_BROKER_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill():
    """Demo data, and 20 evidence items on the chosen assessment. Returns the assessment."""
    from django.core.management import call_command
    from django.db.models import Count

    from assessments.models import Assessment, AssessmentResult, AssessmentStatus
    from evidence.models import EvidenceItem, EvidenceKind

    quiet = io.StringIO()
    call_command("migrate", verbosity=0)
    call_command("load_initial_data", stdout=quiet, stderr=quiet)
    call_command("seed_demo", stdout=quiet, stderr=quiet)
    with_three = (
        AssessmentResult.objects.values("authority_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .values_list("authority_id", flat=True)
    )
    assessment = (
        Assessment.objects.filter(authority_id__in=list(with_three), status=AssessmentStatus.AGREED)
        .select_related("authority", "round", "framework_version")
        .order_by("-round__opens_on", "authority__name")
        .first()
    )
    if assessment is None:
        raise SystemExit("The demo data has no authority with three rounds of agreed results.")
    answers = list(assessment.dimension_answers.select_related("dimension").order_by("id"))
    existing = EvidenceItem.objects.filter(assessment=assessment, removed_at__isnull=True).count()
    lead = assessment.submitted_by or assessment.started_by
    items = []
    for i in range(max(EVIDENCE_ITEMS - existing, 0)):
        answer = answers[i % len(answers)]
        link = i % 2 == 0
        items.append(
            EvidenceItem(
                authority_id=assessment.authority_id,
                assessment=assessment,
                answer=answer,
                kind=EvidenceKind.LINK if link else EvidenceKind.TEXT,
                title=f"{answer.dimension.name}: supporting document {i + 1}",
                description="Reviewed by the data board; shows how the measure is met.",
                url=f"https://intranet.example.org/evidence/{i + 1}" if link else "",
                text="" if link else "A summary of the arrangements, agreed by every partner.",
                added_by=lead,
                no_personal_data_confirmed=True,
            )
        )
    EvidenceItem.objects.bulk_create(items)
    return assessment


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return walls, cpus


def peak_memory(fn) -> float:
    """Peak Python memory (MB) allocated during one call (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024 / 1024


def measure(assessment, repeat: int) -> int:
    from assessments.models import Assessment
    from reports import rendering, selectors

    assessment = Assessment.objects.select_related("authority", "round", "framework_version").get(
        pk=assessment.pk
    )
    pages = {}

    def full() -> None:
        data = selectors.authority_report_data(assessment=assessment)
        pdf = rendering.authority_report_pdf(data)
        pages["full"] = (pdf.pages, len(pdf.content), data)

    def baseline() -> None:
        pdf = rendering.baseline_pdf()
        pages["baseline"] = (pdf.pages, len(pdf.content), None)

    full()  # warm up: imports, fonts, templates
    baseline()
    _, _, data = pages["full"]
    evidence = sum(len(d["evidence"]) for s in data["strands"] for d in s["dimensions"])
    dimensions = sum(len(s["dimensions"]) for s in data["strands"])
    print(
        f"Report for {assessment.authority.name}, {assessment.round.name}: {dimensions} "
        f"dimensions, {evidence} evidence items, {len(data['trend']['rounds'])} rounds of trend, "
        f"{len(data['benchmark']['groups'])} benchmark groups."
    )
    full_walls, full_cpus = timed(full, repeat)
    base_walls, base_cpus = timed(baseline, repeat)
    full_memory = peak_memory(full)
    base_memory = peak_memory(baseline)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    rows = [
        ("Full authority report PDF", full_walls, full_cpus, full_memory, pages["full"]),
        ("One-page WeasyPrint PDF", base_walls, base_cpus, base_memory, pages["baseline"]),
    ]
    print(f"\n{repeat} renders each; load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':28} {'best':>7} {'median':>7} {'CPU':>7} {'peak mem':>9} {'pages':>6} {'size':>9}")
    for name, walls, cpus, memory, (n_pages, size, _) in rows:
        print(
            f"{name:28} {min(walls):6.2f}s {statistics.median(walls):6.2f}s "
            f"{min(cpus):6.2f}s {memory:7.1f}MB {n_pages:>6} {size / 1024:7.0f}kB"
        )
    print(f"Process maximum resident set size: {max_rss:.0f} MB")
    best = min(full_walls)
    met = best < TARGET_SECONDS
    print(f"Target: the full report in under {TARGET_SECONDS:g} s: {'met' if met else 'MISSED'}.")
    results = [
        {
            "figure": "Full authority report PDF",
            "value": round(best, 2),
            "unit": "s",
            "baseline": "One-page WeasyPrint PDF",
            "baseline_value": round(min(base_walls), 2),
            "target": f"< {TARGET_SECONDS:g} s",
            "met": met,
        },
        {
            "figure": "Full authority report PDF, peak Python memory",
            "value": round(full_memory, 1),
            "unit": "MB",
            "baseline": "One-page WeasyPrint PDF",
            "baseline_value": round(base_memory, 1),
            "target": "none set",
            "met": None,
        },
    ]
    for result in results:
        print("RESULT " + json.dumps(result))
    return 0 if met else 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--database-url",
        default=default_database_url(),
        help="A local PostgreSQL server (only its server is used).",
    )
    parser.add_argument(
        "--database-name", default=DATABASE_NAME, help=f"must contain 'bench' ({DATABASE_NAME})"
    )
    args = parser.parse_args()
    name = args.database_name
    maintenance_url, bench_url = database_urls(args.database_url, name)
    print(f"Creating {name} with the demo data (about a minute)...")
    database_recreate(maintenance_url, name)
    try:
        setup_django(bench_url)
        assessment = fill()
        status = measure(assessment, args.repeat)
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
