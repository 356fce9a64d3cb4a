"""Fault test: the worker is killed (SIGKILL) while it renders a report; after a new worker starts,
the report completes exactly once: one ready report, one stored file, one "ready" notification.

Real PostgreSQL, Redis and Celery workers. The workers use their own Redis database (the one in
CELERY_BROKER_URL plus 8, modulo 16) so that no other worker takes the task. The first worker
pauses after rendering (REPORTS_RENDER_PAUSE_SECONDS) so the test can kill it while the report is
"rendering"; the second runs with beat, a 3-second lease and a 1-second re-dispatch, so beat's
`reports.tasks.redispatch_stuck` publishes the render again once the lease has run out (with Redis
the killed worker's unacknowledged message would only come back after the visibility timeout).
Skips without the services, fails instead when REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from notifications.models import Notification, NotificationKind
from reports.models import Report, ReportStatus

from .conftest import stored_files, submitted_assessment

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def own_broker_url(url: str) -> str:
    parts = urlsplit(url)
    try:
        db = int(parts.path.strip("/") or 0)
    except ValueError:
        db = 0
    return urlunsplit((parts.scheme, parts.netloc, f"/{(db + 8) % 16}", parts.query, ""))


def database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def start_worker(broker: str, reports_root: Path, log: Path, **extra: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        CELERY_BROKER_URL=broker,
        CELERY_RESULT_BACKEND="",
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="maturity_portal.settings.test",
        REPORTS_ROOT=str(reports_root),
        REPORTS_LEASE_SECONDS="3",
        **extra,
    )
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "maturity_portal",
        "worker",
        "--pool=solo",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",
    ]
    if extra.get("BEAT_SCHEDULE_FILE"):
        command += ["--beat", "--schedule", extra["BEAT_SCHEDULE_FILE"]]
    return subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(predicate, *, timeout: float, worker: subprocess.Popen, log: Path, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if worker.poll() is not None:
            pytest.fail(f"The worker exited while waiting for {what}:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}:\n{log.read_text()[-4000:]}")


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


@pytest.fixture
def crash_broker(redis_broker_url, monkeypatch):
    """The workers' own Redis database, emptied before and after; the test process publishes to
    it (tasks not eager) for the length of the test."""
    import kombu.pools
    import redis

    from maturity_portal.celery import app

    url = own_broker_url(redis_broker_url)
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    client.flushdb()
    saved = (app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager)

    def reset_pools() -> None:
        # Close every pooled broker connection and empty kombu's pool registries: closing only
        # the app's pool would leave a closed pool registered for its URL, which every later
        # publish to that URL would fail on ("Acquire on closed pool").
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    # Publishing uses broker_write_url when another test left one set: point both at the URL.
    app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager = url, url, False
    try:
        yield url
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_write_url, app.conf.task_always_eager = saved
        client.flushdb()


def test_a_worker_killed_mid_render_completes_the_report_exactly_once(
    postgres, crash_broker, tenants, open_round, committed, reports_root, tmp_path
):
    from maturity_portal.celery import app
    from reports import services

    # The assessment's results are computed eagerly in this process (tasks are eager until the
    # crash broker takes over below).
    app.conf.task_always_eager = True
    assessment = submitted_assessment(tenants.a, open_round, committed)
    app.conf.task_always_eager = False
    assert hasattr(assessment, "result")
    reports_root.mkdir(parents=True, exist_ok=True)
    log = tmp_path / "workers.log"

    first = start_worker(crash_broker, reports_root, log, REPORTS_RENDER_PAUSE_SECONDS="60")
    second = None
    try:
        report, created = services.authority_report_request(
            assessment=assessment, actor=tenants.a.lead
        )
        assert created
        wait_for(
            lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.RENDERING).exists(),
            timeout=120,
            worker=first,
            log=log,
            what="the first worker to start rendering",
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        report.refresh_from_db()
        assert report.status == ReportStatus.RENDERING and report.attempts == 1

        second = start_worker(
            crash_broker,
            reports_root,
            log,
            REPORTS_REDISPATCH_SECONDS="1",
            BEAT_SCHEDULE_FILE=str(tmp_path / "beat-schedule"),
        )
        wait_for(
            lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).exists(),
            timeout=180,
            worker=second,
            log=log,
            what="the second worker to finish the report",
        )
        # A late duplicate delivery (as when the killed worker's message comes back) and a few
        # more beats change nothing.
        from reports.tasks import render_report

        render_report.apply_async(kwargs={"report_id": report.pk})
        time.sleep(4)
    finally:
        stop(first)
        if second is not None:
            stop(second)

    report.refresh_from_db()
    assert Report.objects.count() == 1
    assert report.status == ReportStatus.READY and report.attempts == 2
    files = stored_files(reports_root)
    assert len(files) == 1 and report.stored_name.endswith(files[0].name)
    assert files[0].read_bytes().startswith(b"%PDF-")
    ready = Notification.objects.filter(kind=NotificationKind.REPORT_READY)
    assert ready.count() == 1 and ready.get().recipient == tenants.a.lead
