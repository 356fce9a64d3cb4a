"""Load benchmark: officers saving dimension pages at once, against gunicorn on PostgreSQL.

    .venv/bin/python benchmarks/dimension_save_load.py            # 20 users, 30 s of saves

What it does, all on 127.0.0.1, and undone at the end:

1. creates a fresh PostgreSQL database (``maturity_bench``; dropped first if a previous run left
   it), migrates it, loads the shipped model and collects the static files into a temporary
   folder;
2. creates an open round and, for each simulated user, an authority with one officer and an
   assessment in progress;
3. starts gunicorn with the deployment's configuration (``deploy/gunicorn.conf.py``: synchronous
   workers) on a free local port, with the production settings (HTTPS taken from
   ``X-Forwarded-Proto``, as behind the reverse proxy);
4. signs every user in through the sign-in page, then warms up;
5. baseline: the same number of concurrent clients request ``/healthz`` for a while;
6. the load: each user, in a loop, opens a dimension page of their assessment, reads the form's
   ``revision`` and CSRF token, and saves it ("Save and come back later") with new ratings and
   notes, for a fixed time; a probe requests ``/healthz`` now and then alongside;
7. prints requests, errors, p50, p95 and max latency for each, the p95 ratio of saves to the
   ``/healthz`` baseline against the target (4x), and the queries one save and one page take;
8. stops gunicorn and drops the database.

Exit status: 0 when there were no errors and the target is met, 1 on errors, 2 when the target is
missed. Standard library only (plus psycopg and gunicorn, which the portal already uses).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from _database import (  # beside this script
    DEFAULT_DATABASE_URL,
    database_recreate,
    database_urls,
    default_database_url,
)
from _results import result  # benchmarks/_results.py, beside this script
from _static import collected_static

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK_FILE = ROOT / "fixtures/frameworks/dmm-early-help-1.0.yaml"
GUNICORN_CONFIG = ROOT / "deploy/gunicorn.conf.py"
TARGET_RATIO = 4.0
RATINGS = ("not_at_all", "partly", "fully")
PASSWORD_LENGTH = 24


# --- Measurements --------------------------------------------------------------------------------


@dataclass
class Series:
    """Latencies (seconds) of one kind of request, and what went wrong."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    started: float = 0.0
    finished: float = 0.0
    show_rate: bool = True  # False when the time was shared with other requests
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, reason: str, seconds: float | None = None) -> None:
        with self.lock:
            self.errors[reason] += 1
            if seconds is not None:
                self.latencies.append(seconds)

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(
            n for reason, n in self.errors.items() if reason.startswith("no answer")
        )

    def percentile(self, p: int) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def row(self) -> str:
        elapsed = max(self.finished - self.started, 1e-9)
        peak = max(self.latencies) if self.latencies else float("nan")
        return (
            f"{self.name:<30} {self.requests:>8} {sum(self.errors.values()):>7} "
            f"{self.percentile(50) * 1000:>8.1f} {self.percentile(95) * 1000:>8.1f} "
            f"{peak * 1000:>8.1f} "
            + (f"{self.requests / elapsed:>8.1f}" if self.show_rate else f"{'-':>8}")
        )


HEADER = (
    f"{'':<30} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>8}"
)


# --- A tiny HTTP client with cookies (one per simulated user) -----------------------------------


class Client:
    """One browser: its own connection and cookies. Gunicorn's synchronous workers close the
    connection after each response; http.client opens a new one for the next request."""

    def __init__(self, port: int, *, https: bool, timeout: float) -> None:
        self.port = port
        self.https = https
        self.timeout = timeout
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(
        self, method: str, path: str, form: dict[str, str] | list[tuple[str, str]] | None = None
    ) -> tuple[int, dict[str, str], str, float]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "portal-benchmark/1"}
        if self.https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        elapsed = time.perf_counter() - started
        if response.will_close:
            self.connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            self._remember(value)
        return (
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            data.decode("utf-8", "replace"),
            elapsed,
        )

    def _remember(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return
        for name, morsel in jar.items():
            if morsel.value == "" or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def close(self) -> None:
        self.connection.close()


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
REVISION_INPUT = re.compile(r'<input[^>]*name="revision"[^>]*value="(\d+)"')
STATEMENT_INPUT = re.compile(r'name="statement_(\d+)"')


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if not match:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


# --- The simulated users -------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchUser:
    email: str
    assessment: int


def sign_in(client: Client, user: BenchUser, password: str) -> None:
    status, _, page, _ = client.request("GET", "/accounts/sign-in/")
    if status != 200:
        raise RuntimeError(f"sign-in page answered {status}")
    form = {"csrfmiddlewaretoken": csrf_token(page), "username": user.email, "password": password}
    status, headers, _, _ = client.request("POST", "/accounts/sign-in/", form)
    if status != 302 or "sign-in" in headers.get("location", ""):
        raise RuntimeError(f"{user.email} could not sign in (status {status})")


def save_dimension(
    client: Client,
    user: BenchUser,
    key: str,
    note: str,
    rng: random.Random,
    page_series: Series | None,
    save_series: Series | None,
) -> None:
    """Open the dimension page, then save it with new ratings and notes ("come back later")."""
    path = f"/assessments/{user.assessment}/dimensions/{key}/"
    try:
        status, _, page, elapsed = client.request("GET", path)
    except (OSError, http.client.HTTPException) as exc:
        if page_series:
            page_series.error(f"no answer: {type(exc).__name__}")
        return
    if status != 200:
        if page_series:
            page_series.error(f"page status {status}", elapsed)
        return
    if page_series:
        page_series.ok(elapsed)
    revision = REVISION_INPUT.search(page)
    statements = STATEMENT_INPUT.findall(page)
    if not revision or not statements:
        if save_series:
            save_series.error("page without the ratings form")
        return
    form = [
        ("csrfmiddlewaretoken", csrf_token(page)),
        ("revision", revision.group(1)),
        ("notes", note),
        ("action", "later"),
    ]
    form += [(f"statement_{pk}", rng.choice(RATINGS)) for pk in dict.fromkeys(statements)]
    try:
        status, headers, page, elapsed = client.request("POST", path, form)
    except (OSError, http.client.HTTPException) as exc:
        if save_series:
            save_series.error(f"no answer: {type(exc).__name__}")
        return
    if save_series is None:
        return
    if status == 302 and headers.get("location", "").rstrip("/").endswith(
        f"/assessments/{user.assessment}"
    ):
        save_series.ok(elapsed)
    elif status == 200 and "changed this dimension while you were editing it" in page:
        save_series.error("conflict (refused as out of date)", elapsed)
    elif status == 200:
        save_series.error("form shown again with errors", elapsed)
    else:
        save_series.error(f"save status {status}", elapsed)


def run_threads(count: int, target, *args) -> None:
    threads = [threading.Thread(target=target, args=(n, *args), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def healthz_loop(
    port: int, series: Series, until: float, pause: float, timeout: float, *, once: bool = False
) -> None:
    client = Client(port, https=False, timeout=timeout)
    while once or time.perf_counter() < until:
        try:
            status, _, _, elapsed = client.request("GET", "/healthz")
        except (OSError, http.client.HTTPException) as exc:
            series.error(f"no answer: {type(exc).__name__}")
            continue
        if status == 200:
            series.ok(elapsed)
        else:
            series.error(f"healthz status {status}", elapsed)
        if once:
            break
        if pause:
            time.sleep(pause)
    client.close()


# --- Setting up and tearing down -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


def in_django(env: dict[str, str], step: str, *args: str) -> dict:
    """Run one of this file's Django steps (prepare, count) in a child process; its JSON."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), f"--django-step={step}", "--", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"The {step} step failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Iterator[None]:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        str(GUNICORN_CONFIG),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        # No worker recycling during a short benchmark: a restarting worker would show up as a
        # latency spike that production spreads over hours.
        "--max-requests",
        "0",
        "--access-logfile",
        str(log),
        "--error-logfile",
        str(log),
        "maturity_portal.wsgi:application",
    ]
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log}")
            time.sleep(0.3)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- Django steps (run in a child process with the benchmark's settings) ------------------------


def django_prepare(users: int, password: str) -> dict:
    """An open round, and per user an authority, an officer and an assessment in progress."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Authority, AuthorityKind, Membership, MembershipRole, Region, User
    from assessments import services
    from frameworks.models import Dimension
    from frameworks.selectors import framework_version_get_published

    version = framework_version_get_published("dmm-early-help", "1.0")
    today = timezone.localdate()
    password_hash = make_password(password)  # one slow hash, shared by every benchmark account
    result = {"users": [], "dimensions": []}
    with transaction.atomic():
        bench_round = services.round_open(
            actor=None,
            name="Benchmark round",
            framework_version=version,
            opens_on=today - datetime.timedelta(days=7),
            closes_on=today + datetime.timedelta(days=90),
        )
        for n in range(1, users + 1):
            authority = Authority.objects.create(
                name=f"Benchmark authority {n:02}",
                ons_code=f"X99{n:06}",
                kind=AuthorityKind.UNITARY,
                region=Region.LONDON,
            )
            officer = User.objects.create(
                email=f"officer{n:02}@bench.example.org",
                full_name=f"Bench Officer {n:02}",
                password=password_hash,
            )
            Membership.objects.create(
                user=officer, authority=authority, role=MembershipRole.OFFICER
            )
            assessment = services.assessment_start(
                authority=authority, round=bench_round, actor=officer
            )
            result["users"].append({"email": officer.email, "assessment": assessment.pk})
    result["dimensions"] = list(
        Dimension.objects.filter(framework_version=version)
        .order_by("strand__order", "order")
        .values_list("key", flat=True)
    )
    return result


def django_count_queries(email: str, assessment: int, key: str) -> dict:
    """Queries for one dimension page and one save, through Django's test client."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from assessments.models import DimensionAnswer

    setup_test_environment()
    client = DjangoClient(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(email=email))
    path = f"/assessments/{assessment}/dimensions/{key}/"
    with CaptureQueriesContext(connection) as first_page:
        response = client.get(path)  # the first in a process also reads the model version
    assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as page:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    answer = DimensionAnswer.objects.get(assessment_id=assessment, dimension__key=key)
    statements = list(answer.dimension.statements.values_list("pk", flat=True))
    counts = {
        "first_page": len(first_page.captured_queries),
        "page": len(page.captured_queries),
        "statements": len(statements),
    }
    for label, rating in (("save", "partly"), ("save_again", "fully")):
        answer.refresh_from_db()
        form = {"revision": answer.revision, "notes": f"Counting {label}", "action": "later"}
        form.update({f"statement_{pk}": rating for pk in statements})
        with CaptureQueriesContext(connection) as save:
            response = client.post(path, form)
        assert response.status_code == 302, response.status_code
        counts[label] = len(save.captured_queries)
        counts[f"{label}_sql"] = Counter(
            q["sql"].split(" WHERE ")[0][:70] for q in save.captured_queries
        ).most_common(6)
    return counts


# --- The run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20, help="concurrent users (default 20)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of saves (30)")
    parser.add_argument(
        "--baseline-duration", type=float, default=15, help="seconds of /healthz baseline (15)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--settings",
        default="maturity_portal.settings.production",
        help="Django settings module (default: the production settings)",
    )
    parser.add_argument(
        "--database-url",
        default=default_database_url(),
        help="PostgreSQL server to use (its database part is ignored); default "
        "$BENCH_DATABASE_URL, else $DATABASE_URL if PostgreSQL, else " + DEFAULT_DATABASE_URL,
    )
    parser.add_argument("--database-name", default="maturity_bench")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=int(os.environ.get("CONN_MAX_AGE", "0") or 0),
        help="CONN_MAX_AGE for the web workers (default $CONN_MAX_AGE or 0, as deployed)",
    )
    parser.add_argument(
        "--alone", type=int, default=20, help="requests of each kind by one user alone first (20)"
    )
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds (30)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the ratings")
    parser.add_argument("--keep", action="store_true", help="keep the database and the log")
    parser.add_argument("--django-step", help=argparse.SUPPRESS)
    parser.add_argument("step_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.django_step == "prepare":
        print(json.dumps(django_prepare(int(args.step_args[0]), args.step_args[1])))
        return 0
    if args.django_step == "count":
        email, assessment, key = args.step_args
        print(json.dumps(django_count_queries(email, int(assessment), key)))
        return 0

    maintenance_url, bench_url = database_urls(args.database_url, args.database_name)
    https = args.settings.endswith(".production")
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    log = workdir / "gunicorn.log"
    password = secrets.token_urlsafe(PASSWORD_LENGTH)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": args.settings,
        "DATABASE_URL": bench_url,
        "CONN_MAX_AGE": str(args.conn_max_age),
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "CELERY_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WEB_CONCURRENCY", None)
    print(
        f"Preparing: database {args.database_name}, {args.users} users, settings {args.settings}",
        flush=True,
    )
    database_recreate(maintenance_url, args.database_name)
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_framework", str(FRAMEWORK_FILE))
        env["STATIC_ROOT"] = str(collected_static(env))
        data = in_django(env, "prepare", str(args.users), password)
        users = [BenchUser(u["email"], u["assessment"]) for u in data["users"]]
        dimensions: list[str] = data["dimensions"]
        port = free_port()
        with gunicorn(env, port, args.workers, log):
            report = run_load(args, port, https, users, dimensions, password)
        counts = in_django(env, "count", users[0].email, str(users[0].assessment), dimensions[0])
    finally:
        if not args.keep:
            database_recreate(maintenance_url, args.database_name, drop_only=True)
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Kept: database {args.database_name}, log {log}")
    return print_report(args, report, counts)


@dataclass
class Report:
    baseline: Series
    pages: Series
    saves: Series
    probe: Series
    alone_health: Series
    alone_saves: Series
    sign_in_seconds: float


def run_load(
    args: argparse.Namespace,
    port: int,
    https: bool,
    users: list[BenchUser],
    dimensions: list[str],
    password: str,
) -> Report:
    clients = [Client(port, https=https, timeout=args.timeout) for _ in users]
    failures: list[str] = []

    def sign_in_one(n: int) -> None:
        try:
            sign_in(clients[n], users[n], password)
            # Warm up: one page and one save each, not measured.
            save_dimension(
                clients[n], users[n], dimensions[0], "warm up", random.Random(n), None, None
            )
        except (RuntimeError, ValueError, OSError, http.client.HTTPException) as exc:
            failures.append(f"{users[n].email}: {exc}")

    started = time.perf_counter()
    run_threads(len(users), sign_in_one)
    sign_in_seconds = time.perf_counter() - started
    if failures:
        raise SystemExit("Sign-in failed:\n" + "\n".join(failures))
    print(f"Signed in {len(users)} users in {sign_in_seconds:.1f} s.", flush=True)

    # One user alone first: what a request costs without waiting for a worker.
    alone_health = Series("/healthz, one client alone", show_rate=False)
    alone_saves = Series("save, one user alone", show_rate=False)
    single = Client(port, https=https, timeout=args.timeout)
    sign_in(single, users[0], password)
    alone_health.started = alone_saves.started = time.perf_counter()
    rng = random.Random(args.seed)
    for n in range(args.alone):
        healthz_loop(port, alone_health, 0, 0, args.timeout, once=True)
        note = f"Saved by benchmark user 1 alone, iteration {n + 1}."
        save_dimension(
            single, users[0], dimensions[n % len(dimensions)], note, rng, None, alone_saves
        )
    alone_health.finished = alone_saves.finished = time.perf_counter()
    single.close()

    baseline = Series("/healthz (baseline)")
    print(
        f"Baseline: {len(users)} clients on /healthz for {args.baseline_duration:.0f} s...",
        flush=True,
    )
    baseline.started = time.perf_counter()
    until = baseline.started + args.baseline_duration
    run_threads(len(users), lambda n: healthz_loop(port, baseline, until, 0, args.timeout))
    baseline.finished = time.perf_counter()

    pages = Series("dimension page (GET)")
    saves = Series("dimension save (POST)")
    probe = Series("/healthz during the saves")
    print(
        f"Load: {len(users)} users saving dimension pages for {args.duration:.0f} s...", flush=True
    )

    def user_loop(n: int) -> None:
        rng = random.Random(args.seed * 1000 + n)
        iteration = 0
        while time.perf_counter() < until:
            key = dimensions[(n + iteration) % len(dimensions)]
            note = f"Saved by benchmark user {n + 1}, iteration {iteration + 1}."
            save_dimension(clients[n], users[n], key, note, rng, pages, saves)
            iteration += 1

    for series in (pages, saves, probe):
        series.started = time.perf_counter()
    until = pages.started + args.duration
    prober = threading.Thread(
        target=healthz_loop, args=(port, probe, until, 0.25, args.timeout), daemon=True
    )
    prober.start()
    run_threads(len(users), user_loop)
    prober.join()
    for series in (pages, saves, probe):
        series.finished = time.perf_counter()
    for client in clients:
        client.close()
    return Report(baseline, pages, saves, probe, alone_health, alone_saves, sign_in_seconds)


def print_report(args: argparse.Namespace, report: Report, counts: dict) -> int:
    ratio = report.saves.percentile(95) / report.baseline.percentile(95)
    met = ratio <= TARGET_RATIO
    measured = (
        report.baseline,
        report.pages,
        report.saves,
        report.alone_health,
        report.alone_saves,
    )
    errors = sum(sum(s.errors.values()) for s in measured)
    print()
    print(
        f"Dimension saves under load: {args.users} users, gunicorn with {args.workers} sync "
        f"workers, {args.settings}, PostgreSQL, CONN_MAX_AGE={args.conn_max_age}, "
        f"{os.cpu_count()} CPUs"
    )
    print(HEADER)
    for series in (report.baseline, report.pages, report.saves, report.probe):
        print(series.row())
    for series in (report.alone_health, report.alone_saves):
        print(series.row())
    print()
    print(
        f"p95 of saves / p95 of /healthz baseline: {ratio:.1f}x "
        f"(target <= {TARGET_RATIO:.0f}x: {'met' if met else 'MISSED'})"
    )
    print(
        f"Queries: dimension page {counts['page']} ({counts['first_page']} the first time in a "
        f"process), save {counts['save']} "
        f"(save changing every rating again: {counts['save_again']}), "
        f"for a dimension of {counts['statements']} statements"
    )
    print(
        "Most frequent statements in one save: "
        + "; ".join(f"{n}x {sql}" for sql, n in counts["save_sql"])
    )
    if errors:
        print("Errors:")
        for series in (*measured, report.probe):
            for reason, n in series.errors.most_common():
                print(f"  {series.name}: {n} x {reason}")
    else:
        print("Errors: none")
    users = f"{args.users} users"
    baseline = f"/healthz p95, {users}, same run"
    result(
        f"dimension save p95, {users}",
        report.saves.percentile(95) * 1000,
        "ms",
        baseline=baseline,
        baseline_value=report.baseline.percentile(95) * 1000,
        target=f"<= {TARGET_RATIO:.0f}x baseline",
        met=met,
    )
    result(
        f"dimension page p95, {users}",
        report.pages.percentile(95) * 1000,
        "ms",
        baseline=baseline,
        baseline_value=report.baseline.percentile(95) * 1000,
    )
    result(
        "dimension save p50, one user alone",
        report.alone_saves.percentile(50) * 1000,
        "ms",
        baseline="/healthz p50, one client alone",
        baseline_value=report.alone_health.percentile(50) * 1000,
    )
    result(
        "dimension save load: errors",
        errors,
        "requests",
        target="0",
        met=errors == 0,
    )
    if errors:
        return 1
    return 0 if met else 2


if __name__ == "__main__":
    sys.exit(main())
