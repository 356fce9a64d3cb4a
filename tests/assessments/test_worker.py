"""Results computed by a real Celery worker on Redis, and nothing lost while Redis is down.
These need PostgreSQL (the worker and the test share the database) and Redis; they skip without
them locally and fail instead in CI (REQUIRE_SERVICES=1)."""

import datetime
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentResult, Round
from core.models import OutboxTask
from core.outbox import outbox_sweep
from maturity_portal.celery import app
from tests.conftest import ROOT, service_missing
from tests.factories.accounts import tenant
from tests.factories.frameworks import shipped_framework_version

from .helpers import complete

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def submitted_assessments(count: int):
    version = shipped_framework_version()
    today = timezone.localdate()
    current = Round.objects.create(
        name="2026 to 2027",
        framework_version=version,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
    )
    made = []
    for number in range(count):
        people = tenant(f"W{number}")
        assessment = services.assessment_start(
            authority=people.authority, round=current, actor=people.lead
        )
        complete(assessment, people.officer)
        made.append((assessment, people.lead))
    return made


def test_the_worker_computes_and_stores_results_on_submission(postgres, real_worker):
    [(assessment, lead)] = submitted_assessments(1)
    services.assessment_submit(assessment=assessment, actor=lead)  # commits: published to Redis
    result = wait_for(lambda: AssessmentResult.objects.filter(assessment=assessment).first())
    assert result is not None, "the worker did not store results within 30 s"
    assert result.revision == 1
    assert result.dimension_results.count() == 8
    assert OutboxTask.objects.get(task_name=services.COMPUTE_RESULTS_TASK).dispatched_at is not None


# --- Redis stopped and started again ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A Redis server of this test's own, so stopping it disturbs nothing else."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port, self.workdir, self.process = port, workdir, None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        assert wait_for(lambda: _pings(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _pings(client) -> bool:
    import redis

    try:
        return client.ping()
    except redis.RedisError:
        return False


@pytest.fixture
def own_redis_and_worker(postgres, redis_broker_url, tmp_path):
    if not shutil.which("redis-server"):
        service_missing("redis-server", "the binary is not installed")
    port = free_port()
    redis = OwnRedis(port, tmp_path)
    redis.start()
    url = f"redis://127.0.0.1:{port}/0"
    db = connection.settings_dict
    env = dict(
        os.environ,
        CELERY_BROKER_URL=url,
        DJANGO_SETTINGS_MODULE="maturity_portal.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    )
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "maturity_portal",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
            "-n",
            f"outage{port}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    original = (app.conf.broker_write_url, app.conf.task_always_eager)
    app.conf.broker_write_url = url  # publishing goes to this Redis
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield redis
    finally:
        app.conf.broker_write_url, app.conf.task_always_eager = original
        app._pool = None
        app.amqp._producer_pool = None
        worker.terminate()
        worker.wait(timeout=20)
        if redis.process.poll() is None:
            redis.stop()


def test_submissions_while_redis_is_down_are_saved_and_computed_when_it_returns(
    own_redis_and_worker,
):
    redis = own_redis_and_worker
    made = submitted_assessments(3)
    redis.stop()
    for assessment, lead in made:
        services.assessment_submit(assessment=assessment, actor=lead)
        assessment.refresh_from_db()
        assert assessment.status == "submitted"  # the submission itself is never lost
    assert (
        OutboxTask.objects.filter(
            task_name=services.COMPUTE_RESULTS_TASK, dispatched_at__isnull=True
        ).count()
        == 3
    )
    assert not AssessmentResult.objects.exists()

    redis.start()
    # The sweep (run by beat every minute) publishes what waited; repeat until all are out.
    assert wait_for(
        lambda: (
            outbox_sweep(grace=datetime.timedelta(0)) is not None
            and not OutboxTask.objects.filter(dispatched_at__isnull=True).exists()
        ),
        timeout=20,
        interval=1,
    )
    assert OutboxTask.objects.filter(dispatched_at__isnull=True).count() == 0
    assert wait_for(lambda: AssessmentResult.objects.count() == 3, timeout=45), (
        "results were not computed after Redis came back"
    )
    for assessment, _ in made:
        assert AssessmentResult.objects.get(assessment=assessment).revision == 1
