"""The database goes away while the worker has a task: the task is retried, not lost. A real
Celery worker on a private Redis reaches PostgreSQL through a TCP proxy the test cuts; the test
itself writes to the database directly. Skips without PostgreSQL and Redis locally, fails in CI
(REQUIRE_SERVICES=1)."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentResult, Round
from core.models import OutboxTask
from tests.assessments.helpers import complete
from tests.factories.accounts import tenant
from tests.factories.frameworks import shipped_framework_version

from .support import (
    OwnRedis,
    PublishTo,
    TcpProxy,
    database_url,
    start_worker,
    stop_process,
    wait_for,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_behind_proxy(postgres, redis_broker_url, tmp_path):
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    redis = OwnRedis(tmp_path)
    redis.start()
    log = tmp_path / "worker.log"
    worker = start_worker(
        redis.url,
        f"dbfault{redis.port}",
        log=log,
        database=database_url(host="127.0.0.1", port=proxy.port),
    )
    publishing = PublishTo(redis.url)
    try:
        yield proxy, log
    finally:
        publishing.undo()
        stop_process(worker)
        redis.stop()
        proxy.close()
        print(log.read_text()[-6000:])  # shown when the test fails


def test_results_are_computed_when_the_database_returns_during_the_task(worker_behind_proxy):
    proxy, log = worker_behind_proxy
    people = tenant("D")
    today = timezone.localdate()
    current = Round.objects.create(
        name="2026 to 2027",
        framework_version=shipped_framework_version(),
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
    )
    assessment = services.assessment_start(
        authority=people.authority, round=current, actor=people.lead
    )
    complete(assessment, people.officer)

    proxy.cut()  # the worker cannot reach the database; the web side can
    services.assessment_submit(assessment=assessment, actor=people.lead)
    task = OutboxTask.objects.get(task_name=services.COMPUTE_RESULTS_TASK)
    assert task.dispatched_at is not None  # published: the sweep will not send it again
    assert wait_for(lambda: "compute_results" in log.read_text(), timeout=30), "not received"
    time.sleep(3)  # the task runs and meets the cut database
    assert not AssessmentResult.objects.exists()

    proxy.restore()
    assert wait_for(
        lambda: AssessmentResult.objects.filter(assessment=assessment).exists(), timeout=60
    ), "the task was not retried once the database was back: the results are lost"
    assert AssessmentResult.objects.get(assessment=assessment).revision == 1
