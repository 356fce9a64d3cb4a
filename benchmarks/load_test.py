"""Load test: officers and area leads using the portal at once, with Locust, against the whole
stack (gunicorn, PostgreSQL, Redis and a real Celery worker).

    .venv/bin/python benchmarks/load_test.py                    # 50 users for 2 minutes
    .venv/bin/python benchmarks/load_test.py --quick            # 50 users for 45 s

What it does, all on 127.0.0.1, and undone at the end:

1. creates a fresh PostgreSQL database (``mp_bench_load``; dropped first if a previous run left
   it), migrates it, loads the shipped model, collects the static files into a temporary folder
   and empties its own Redis database (``redis://127.0.0.1:6379/8`` by default);
2. creates an open round, one area per area lead, and per officer an authority (spread over the
   areas) with one officer and an assessment in progress; per area a few more authorities whose
   assessment is filled in and submitted (their results are computed by the worker: recorded in
   the outbox and published to Redis); per area lead a TOTP authenticator with a key made up for
   the run (the production settings require two-factor authentication for area leads);
3. starts a Celery worker and gunicorn (the deployment's configuration, several synchronous
   workers, the production settings; HTTPS is taken from ``X-Forwarded-Proto`` as behind the
   reverse proxy);
4. baseline: as many Locust users as the journey has request ``/healthz`` with the same pauses;
5. the journey (``benchmarks/load/locustfile.py``): officers sign in, open their task list, open
   and save dimension pages (with the form's revision and CSRF token) and upload evidence files;
   area leads sign in with their password and a TOTP code and open the area dashboard and review
   pages; one probe requests ``/healthz`` alongside. Measured for ``--duration`` seconds once
   every user has signed in. Each officer works on their own authority's assessment, so no
   conflict is expected: a conflict page counts as an error;
6. checks for lost writes: every save the portal confirmed (redirect to the task list) against
   the database (each dimension's revision moved on once per confirmed save; its ratings and notes
   are those of the last confirmed save) and every confirmed upload against the stored evidence
   (title, SHA-256, and the stored file's content); and that the worker stored the results of
   every submitted assessment;
7. prints requests, errors, p50, p95 and max per page, the p95 of each beside the ``/healthz``
   baseline's, what was sent and what is stored, and the RESULT lines; stops everything and drops
   the database.

Exit status: 0 with no errors and no lost writes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from _database import database_recreate, database_urls, default_database_url
from _results import result  # benchmarks/_results.py, beside this script
from _static import collected_static
from dimension_save_load import (
    FRAMEWORK_FILE,
    free_port,
    gunicorn,
    manage,
)

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"
PASSWORD_LENGTH = 24
SIGN_IN = ("sign in (page)", "sign in (password)", "sign in (security code page)",
           "sign in (security code)")  # fmt: skip
PAGE_ORDER = (
    "task list",
    "dimension page",
    "dimension save",
    "evidence upload page",
    "evidence upload",
    "area dashboard",
    "area dashboard (filtered)",
    "review page",
    "/healthz (probe during the journey)",
)


# --- Django steps (run in a child process with the run's settings) -------------------------------


def django_setup() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def django_prepare(officers: int, area_leads: int, submitted: int, password: str) -> dict:
    django_setup()
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import (
        Area,
        AreaAssignment,
        Authority,
        AuthorityKind,
        Membership,
        MembershipRole,
        Region,
        User,
    )
    from assessments import services
    from assessments.models import DimensionAnswer
    from frameworks.models import Dimension
    from frameworks.selectors import framework_version_get_published

    version = framework_version_get_published("dmm-early-help", "1.0")
    today = timezone.localdate()
    password_hash = make_password(password)  # one slow hash shared by every account of the run
    out: dict = {"password": password, "officers": [], "area_leads": [], "submitted": []}
    with transaction.atomic():
        load_round = services.round_open(
            actor=None,
            name="Load test round",
            framework_version=version,
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=90),
        )
        areas = [Area.objects.create(name=f"Load area {n + 1}") for n in range(max(1, area_leads))]

        def new_authority(n: int, area: Area) -> Authority:
            return Authority.objects.create(
                name=f"Load authority {n:03}",
                ons_code=f"X98{n:06}",
                kind=AuthorityKind.UNITARY,
                region=Region.LONDON,
                area=area,
            )

        def new_user(email: str, name: str) -> User:
            return User.objects.create(email=email, full_name=name, password=password_hash)

        number = 0
        for n in range(officers):
            number += 1
            authority = new_authority(number, areas[n % len(areas)])
            officer = new_user(f"officer{n + 1:03}@load.example.org", f"Load Officer {n + 1}")
            Membership.objects.create(
                user=officer, authority=authority, role=MembershipRole.OFFICER
            )
            assessment = services.assessment_start(
                authority=authority, round=load_round, actor=officer
            )
            out["officers"].append({"email": officer.email, "assessment": assessment.pk})
        reviews: dict[int, list[int]] = defaultdict(list)
        for area in areas:
            for _ in range(submitted):
                number += 1
                authority = new_authority(number, area)
                lead = new_user(f"lead{number:03}@load.example.org", f"Load Lead {number}")
                Membership.objects.create(
                    user=lead, authority=authority, role=MembershipRole.AUTHORITY_LEAD
                )
                assessment = services.assessment_start(
                    authority=authority, round=load_round, actor=lead
                )
                _complete(assessment, lead, seed=number)
                services.assessment_submit(assessment=assessment, actor=lead)
                reviews[area.pk].append(assessment.pk)
                out["submitted"].append(assessment.pk)
        for n, area in enumerate(areas[:area_leads]):
            user = new_user(f"arealead{n + 1:02}@load.example.org", f"Load Area Lead {n + 1}")
            AreaAssignment.objects.create(user=user, area=area)
            key = secrets.token_hex(20)
            TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True, key=key)
            out["area_leads"].append(
                {"email": user.email, "totp_key": key, "reviews": reviews[area.pk]}
            )
    out["dimensions"] = list(
        Dimension.objects.filter(framework_version=version)
        .order_by("strand__order", "order")
        .values_list("key", flat=True)
    )
    out["revisions"] = [
        [assessment, key, revision]
        for assessment, key, revision in DimensionAnswer.objects.filter(
            assessment_id__in=[o["assessment"] for o in out["officers"]]
        ).values_list("assessment_id", "dimension__key", "revision")
    ]
    return out


def _complete(assessment, actor, *, seed: int) -> None:  # noqa: ANN001
    """Fill in every checklist item and dimension (ratings and a confirmed level)."""
    import random

    from assessments import services

    rng = random.Random(seed)  # noqa: S311 - synthetic answers
    services.checklist_save(
        assessment=assessment,
        actor=actor,
        answers={a.item_id: ("in_place", "") for a in assessment.checklist_answers.all()},
    )
    lean = rng.randint(1, 4)
    for answer in assessment.dimension_answers.select_related("dimension"):
        statements = answer.dimension.statements.select_related("level")
        ratings = {
            s.pk: "fully" if s.level.order < lean else "partly" if s.level.order == lean else
            rng.choice(("not_at_all", "partly"))
            for s in statements
        }  # fmt: skip
        answer = services.dimension_ratings_save(
            answer=answer, actor=actor, expected_revision=answer.revision, ratings=ratings, notes=""
        )
        suggestion = services.dimension_suggestion(answer)
        services.dimension_level_confirm(
            answer=answer,
            actor=actor,
            expected_revision=answer.revision,
            level=suggestion.suggested_level,
            justification="",
        )


def django_verify(accounts_path: str, output_path: str) -> dict:
    """What the run sent and the portal confirmed, against what the database holds."""
    django_setup()
    import hashlib

    from assessments.models import AssessmentResult, DimensionAnswer
    from core.models import OutboxTask
    from evidence.models import EvidenceItem, EvidenceKind
    from evidence.storage import evidence_storage

    accounts = json.loads(Path(accounts_path).read_text(encoding="utf-8"))
    sent = json.loads(Path(output_path).read_text(encoding="utf-8"))
    initial = {(a, k): r for a, k, r in accounts["revisions"]}
    saves: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for save in sent["saves"]:
        saves[(save["assessment"], save["dimension"])].append(save)
    unknown = Counter((u["assessment"], u["dimension"]) for u in sent["unknown"])

    report: dict = {"saves_sent": len(sent["saves"]), "unknown": len(sent["unknown"])}
    lost_saves = wrong_final = extra = 0
    problems: list[str] = []
    answers = DimensionAnswer.objects.filter(
        assessment_id__in=[o["assessment"] for o in accounts["officers"]]
    ).select_related("dimension")
    stored_saves = 0
    for answer in answers:
        key = (answer.assessment_id, answer.dimension.key)
        confirmed = saves.get(key, [])
        moved = answer.revision - initial[key]
        stored_saves += moved
        if moved < len(confirmed):
            lost_saves += len(confirmed) - moved
            problems.append(
                f"assessment {key[0]} {key[1]}: {len(confirmed)} confirmed saves, "
                f"revision moved {moved}"
            )
        elif moved > len(confirmed) + unknown[key]:
            extra += moved - len(confirmed) - unknown[key]
        if confirmed:
            last = confirmed[-1]
            ratings = {str(s): r for s, r in answer.ratings.values_list("statement_id", "rating")}
            differs = ratings != last["ratings"] or answer.notes != last["notes"].strip()
            if differs and not unknown[key]:  # an unconfirmed later save may have been stored
                wrong_final += 1
                problems.append(f"assessment {key[0]} {key[1]}: stored answers differ")
    report.update(
        saves_stored=stored_saves, lost_saves=lost_saves, wrong_final=wrong_final, extra=extra
    )

    storage = evidence_storage()
    items = EvidenceItem.objects.filter(
        kind=EvidenceKind.FILE,
        assessment_id__in=[o["assessment"] for o in accounts["officers"]],
        removed_at__isnull=True,
    )
    stored = {(i.assessment_id, i.title): i for i in items}
    lost_uploads = bad_files = 0
    for upload in sent["uploads"]:
        item = stored.get((upload["assessment"], upload["title"]))
        if item is None or item.sha256 != upload["sha256"]:
            lost_uploads += 1
            problems.append(f"upload {upload['title']!r}: not stored")
            continue
        with storage.open(item.stored_name, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() != upload["sha256"]:
                bad_files += 1
                problems.append(f"upload {upload['title']!r}: stored file differs")
    report.update(
        uploads_sent=len(sent["uploads"]),
        uploads_stored=items.count(),
        lost_uploads=lost_uploads,
        bad_files=bad_files,
        results_expected=len(accounts["submitted"]),
        results_stored=AssessmentResult.objects.filter(
            assessment_id__in=accounts["submitted"]
        ).count(),
        outbox_waiting=OutboxTask.objects.filter(dispatched_at__isnull=True).count(),
        problems=problems[:20],
    )
    return report


def django_results_count(accounts_path: str) -> dict:
    django_setup()
    from assessments.models import AssessmentResult

    submitted = json.loads(Path(accounts_path).read_text(encoding="utf-8"))["submitted"]
    return {"stored": AssessmentResult.objects.filter(assessment_id__in=submitted).count()}


# --- Running ----------------------------------------------------------------------------------


def in_django(env: dict[str, str], step: str, *args: str) -> dict:
    completed = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), f"--django-step={step}", "--", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(
            f"The {step} step failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log: Path):
    command = [
        sys.executable, "-m", "celery", "-A", "maturity_portal", "worker",
        "--concurrency=1", "--without-mingle", "--without-gossip", "--loglevel=WARNING",
        f"--logfile={log}",
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        time.sleep(1)
        if process.poll() is not None:
            raise SystemExit(f"The Celery worker exited with {process.returncode}; see {log}")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def redis_flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    client.ping()
    client.flushdb()


def locust(
    args: argparse.Namespace,
    env: dict[str, str],
    port: int,
    classes: list[str],
    users: int,
    output: Path,
    log: Path,
) -> dict:
    env = {
        **env,
        "LOAD_OUTPUT": str(output),
        "LOAD_DURATION": str(args.baseline_duration if "HealthzUser" in classes else args.duration),
    }
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f", str(LOCUSTFILE),
        "--headless", "--only-summary",
        "--users", str(users),
        "--spawn-rate", str(args.spawn_rate),
        # A safety net: the locustfile stops the test itself once the measured time is over.
        "--run-time", f"{int(args.duration + args.baseline_duration + 600)}s",
        "--stop-timeout", "60",
        "--host", f"http://127.0.0.1:{port}",
        "--loglevel", "WARNING",
        "--logfile", str(log),
        *classes,
    ]  # fmt: skip
    with log.with_suffix(".out").open("w") as out:
        completed = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if not output.exists():
        raise SystemExit(f"Locust wrote no results (exit {completed.returncode}); see {log}")
    return json.loads(output.read_text(encoding="utf-8"))


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def summarise(data: dict) -> dict[str, dict]:
    """Per request name: times (ms) and failures, counting only what started in the measured
    window (sign-in is counted whenever it happened)."""
    state = data["state"]
    start, until = state["measure_from"] or 0, state["measure_until"] or float("inf")
    rows: dict[str, dict] = {}
    for name, ms, ended_at, error in data["requests"]:
        started = ended_at - ms / 1000
        if name not in SIGN_IN and not (start <= started <= until):
            continue
        row = rows.setdefault(name, {"times": [], "errors": Counter()})
        row["times"].append(ms)
        if error:
            row["errors"][error[:120]] += 1
    for row in rows.values():
        row["count"] = len(row["times"])
        row["failures"] = sum(row["errors"].values())
        row["p50"] = percentile(row["times"], 50)
        row["p95"] = percentile(row["times"], 95)
        row["max"] = max(row["times"]) if row["times"] else float("nan")
    rows["_window"] = {"seconds": (until - start) if start else float("nan")}
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users (50)")
    parser.add_argument("--area-leads", type=int, default=5, help="of which area leads (5)")
    parser.add_argument("--duration", type=float, default=120, help="seconds of journey (120)")
    parser.add_argument(
        "--baseline-duration", type=float, default=30, help="seconds of /healthz baseline (30)"
    )
    parser.add_argument("--quick", action="store_true", help="45 s of journey and 15 s of baseline")
    parser.add_argument("--wait", default="1,3", help='think time "min,max" seconds (1,3)')
    parser.add_argument("--upload-every", type=int, default=3, help="rounds per upload (3)")
    parser.add_argument("--submitted", type=int, default=4, help="submitted per area (4)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--settings", default="maturity_portal.settings.production")
    parser.add_argument(
        "--database-url",
        default=default_database_url(),
        help="PostgreSQL server (its database part is ignored)",
    )
    parser.add_argument("--database-name", default="mp_bench_load")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"Redis database of its own, emptied first ({DEFAULT_REDIS_URL})",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    parser.add_argument("--django-step", help=argparse.SUPPRESS)
    parser.add_argument("step_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.django_step == "prepare":
        officers, leads, submitted, password = args.step_args
        print(json.dumps(django_prepare(int(officers), int(leads), int(submitted), password)))
        return 0
    if args.django_step == "verify":
        print(json.dumps(django_verify(*args.step_args)))
        return 0
    if args.django_step == "results":
        print(json.dumps(django_results_count(*args.step_args)))
        return 0
    if args.quick:
        args.duration, args.baseline_duration = 45, 15
    if not 0 <= args.area_leads < args.users:
        raise SystemExit("--area-leads must be fewer than --users")

    maintenance_url, bench_url = database_urls(args.database_url, args.database_name)
    workdir = Path(tempfile.mkdtemp(prefix="portal-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_URL": bench_url,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "CELERY_BROKER_URL": args.redis_url,
        "CELERY_RESULT_BACKEND": args.redis_url,
        "EMAIL_URL": "consolemail://",
        "EVIDENCE_ROOT": str(workdir / "evidence"),
        "MEDIA_ROOT": str(workdir / "media"),
        "VAR_DIR": str(workdir / "var"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "LOAD_WAIT": args.wait,
        "LOAD_UPLOAD_EVERY": str(args.upload_every),
        "LOAD_AREA_LEADS": str(args.area_leads),
        "LOAD_ACCOUNTS": str(workdir / "accounts.json"),
    }
    env.pop("WEB_CONCURRENCY", None)
    officers = args.users - args.area_leads
    print(
        f"Preparing: database {args.database_name}, Redis {args.redis_url}, {officers} officers, "
        f"{args.area_leads} area leads, settings {args.settings}",
        flush=True,
    )
    redis_flush(args.redis_url)
    database_recreate(maintenance_url, args.database_name)
    started = time.perf_counter()
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_framework", str(FRAMEWORK_FILE))
        env["STATIC_ROOT"] = str(collected_static(env))
        password = secrets.token_urlsafe(PASSWORD_LENGTH)
        accounts = in_django(
            env, "prepare", str(officers), str(args.area_leads), str(args.submitted), password
        )
        Path(env["LOAD_ACCOUNTS"]).write_text(json.dumps(accounts), encoding="utf-8")
        print(f"Prepared in {time.perf_counter() - started:.0f} s.", flush=True)
        port = free_port()
        with (
            celery_worker(env, workdir / "celery.log"),
            gunicorn(env, port, args.workers, workdir / "gunicorn.log"),
        ):
            print(
                f"Baseline: {args.users} users on /healthz for {args.baseline_duration:.0f} s...",
                flush=True,
            )
            baseline = locust(
                args, env, port, ["HealthzUser"], args.users,
                workdir / "baseline.json", workdir / "locust-baseline.log",
            )  # fmt: skip
            print(
                f"Journey: {officers} officers and {args.area_leads} area leads for "
                f"{args.duration:.0f} s after sign-in, with a /healthz probe...",
                flush=True,
            )
            journey = locust(
                args, env, port, ["OfficerUser", "AreaLeadUser", "HealthzProbeUser"],
                args.users + 1, workdir / "journey.json", workdir / "locust-journey.log",
            )  # fmt: skip
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                stored = in_django(env, "results", env["LOAD_ACCOUNTS"])["stored"]
                if stored >= len(accounts["submitted"]):
                    break
                time.sleep(2)
        verify = in_django(env, "verify", env["LOAD_ACCOUNTS"], str(workdir / "journey.json"))
    finally:
        if args.keep:
            print(f"Kept: database {args.database_name}, logs in {workdir}")
        else:
            database_recreate(maintenance_url, args.database_name, drop_only=True)
            shutil.rmtree(workdir, ignore_errors=True)
            with contextlib.suppress(Exception):
                redis_flush(args.redis_url)
    return report(args, summarise(baseline), summarise(journey), verify)


def report(args: argparse.Namespace, baseline: dict, journey: dict, verify: dict) -> int:
    health = baseline.get("/healthz", {"count": 0, "failures": 0, "p95": float("nan")})
    print()
    print(
        f"Load test: {args.users - args.area_leads} officers + {args.area_leads} area leads, "
        f"think time {args.wait} s, gunicorn with {args.workers} sync workers, {args.settings}, "
        f"PostgreSQL, Redis, one Celery worker, {os.cpu_count()} CPUs; measured "
        f"{journey['_window']['seconds']:.0f} s (baseline {baseline['_window']['seconds']:.0f} s); "
        f"load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"{'':<38} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'p95/base':>8}"
    )
    names = ["/healthz"] + [n for n in PAGE_ORDER if n in journey]
    names += sorted(n for n in journey if n not in names and not n.startswith("_"))
    errors = 0
    for name in names:
        row = baseline[name] if name == "/healthz" else journey[name]
        label = "/healthz (baseline)" if name == "/healthz" else name
        ratio = row["p95"] / health["p95"] if name != "/healthz" else 1.0
        errors += row["failures"]
        print(
            f"{label:<38} {row['count']:>8} {row['failures']:>7} {row['p50']:>8.1f} "
            f"{row['p95']:>8.1f} {row['max']:>8.1f} {ratio:>7.1f}x"
        )
    lost = verify["lost_saves"] + verify["wrong_final"] + verify["lost_uploads"]
    lost += verify["bad_files"]
    print()
    print(
        f"Saves: {verify['saves_sent']} confirmed by the portal, {verify['saves_stored']} stored "
        f"(dimension revisions moved on); lost {verify['lost_saves']}, stored answers differing "
        f"from the last confirmed save {verify['wrong_final']}, stored without confirmation "
        f"{verify['extra']}, answer never came {verify['unknown']}."
    )
    print(
        f"Uploads: {verify['uploads_sent']} confirmed, {verify['uploads_stored']} stored; lost "
        f"{verify['lost_uploads']}, stored file differing {verify['bad_files']}."
    )
    print(
        f"Worker: results of {verify['results_stored']} of {verify['results_expected']} "
        f"submitted assessments stored; outbox tasks not yet published: "
        f"{verify['outbox_waiting']}."
    )
    if errors:
        print("Errors:")
        for name in names:
            row = baseline[name] if name == "/healthz" else journey[name]
            for reason, n in row["errors"].most_common():
                print(f"  {name}: {n} x {reason}")
    for problem in verify["problems"]:
        print(f"  {problem}")
    print(f"Errors: {errors}; lost writes: {lost}.")

    users = f"{args.users} users"
    for name in names:
        if name in SIGN_IN or name == "/healthz":
            continue
        result(
            f"load: {name} p95, {users}",
            journey[name]["p95"],
            "ms",
            baseline=f"/healthz p95, {users}, same run",
            baseline_value=health["p95"],
        )
    result(f"load: errors, {users}", errors, "requests", target="0", met=errors == 0)
    result(
        f"load: lost writes, {users}",
        lost,
        "writes",
        baseline=f"{verify['saves_sent']} saves + {verify['uploads_sent']} uploads confirmed",
        baseline_value=verify["saves_sent"] + verify["uploads_sent"],
        target="0",
        met=lost == 0,
    )
    missing_results = verify["results_expected"] - verify["results_stored"]
    result(
        "load: submitted assessments without worker results",
        missing_results,
        "assessments",
        target="0",
        met=missing_results == 0,
    )
    return 0 if errors == 0 and lost == 0 and missing_results == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
