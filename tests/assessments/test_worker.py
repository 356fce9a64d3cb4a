"""Results computed by a real Celery worker on Redis, and nothing lost while Redis is down.
These need PostgreSQL (the worker and the test share the database) and Redis; they skip without
them locally and fail instead in CI (REQUIRE_SERVICES=1)."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentResult, Round
from core.models import OutboxTask
from core.outbox import outbox_sweep
from tests.factories.accounts import tenant
from tests.factories.frameworks import shipped_framework_version
from tests.faults.support import own_redis_and_worker, wait_for  # noqa: F401 - a fixture

from .helpers import complete

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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


# --- Redis stopped and started again (tests/faults/test_broker_outage.py does it through the pages,
# with the beat sweep and redelivered tasks) ------------------------------------------------------


def test_submissions_while_redis_is_down_are_saved_and_computed_when_it_returns(
    own_redis_and_worker,  # noqa: F811 - the fixture imported above
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
