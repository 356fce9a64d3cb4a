"""Redis stops while authorities submit their assessments: every submission is saved and its work
waits in the outbox; when Redis is back the sweep publishes it and a real Celery worker computes
each assessment's results exactly once. The broker is a private redis-server the test stops and
starts (tests/faults/support.py); the worker shares this run's PostgreSQL test database. Skips
without PostgreSQL and Redis locally, fails in CI (REQUIRE_SERVICES=1)."""

import datetime
import secrets
import time

import pytest
from celery import Celery
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentResult, AssessmentStatus, DimensionResult, Round
from core.models import OutboxTask
from tests.assessments.helpers import complete
from tests.factories.accounts import tenant
from tests.factories.frameworks import shipped_framework_version

from .support import WebServer, database_url, signed_in, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

AUTHORITIES = 4


def ready_to_submit(count: int):
    today = timezone.localdate()
    current = Round.objects.create(
        name="2026 to 2027",
        framework_version=shipped_framework_version(),
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
    )
    made = []
    for number in range(count):
        people = tenant(f"R{number}")
        assessment = services.assessment_start(
            authority=people.authority, round=current, actor=people.lead
        )
        complete(assessment, people.officer)
        made.append((assessment, people.lead))
    return made


def probe(url: str) -> Celery:
    """A Celery client of the private Redis, to send tasks as beat (or a redelivery) would.
    broker_url would lose to the CELERY_BROKER_URL environment variable: set the read and write
    URLs instead."""
    client = Celery("faults-probe", set_as_current=False)
    client.conf.update(broker_write_url=url, broker_read_url=url, result_backend=url)
    return client


def test_submissions_while_redis_is_down_are_all_computed_exactly_once_when_it_returns(
    own_redis_and_worker, capsys
):
    redis = own_redis_and_worker
    made = ready_to_submit(AUTHORITIES)
    redis.stop()

    # Each authority's lead submits through the pages while the broker is down.
    for assessment, lead in made:
        browser = Client()
        browser.force_login(lead)
        response = browser.post(reverse("assessments:check_answers", args=[assessment.pk]))
        assert response.status_code == 302
        assert response.url == reverse("assessments:submitted", args=[assessment.pk])
        page = browser.get(response.url).content.decode()
        assert "Assessment submitted" in page
        assert "We are calculating your levels now" in page
        assessment.refresh_from_db()
        assert assessment.status == AssessmentStatus.SUBMITTED
        assert assessment.results_revision == 1

    compute = OutboxTask.objects.filter(task_name=services.COMPUTE_RESULTS_TASK)
    assert compute.count() == AUTHORITIES  # one recorded task per submission
    assert sorted(t.kwargs["assessment_id"] for t in compute) == sorted(a.pk for a, _ in made)
    waiting = OutboxTask.objects.filter(dispatched_at__isnull=True)
    recorded = OutboxTask.objects.count()
    assert waiting.count() == recorded  # nothing could be published ...
    assert all(t.attempts == 1 and t.last_error for t in waiting)  # ... though each was tried
    assert not AssessmentResult.objects.exists()

    redis.start()
    # Beat's sweep (every minute) publishes tasks older than its 30-second grace: as if the outage
    # had lasted a minute. The worker runs the sweep, as it does for beat.
    waiting.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    beat = probe(redis.url)
    published = beat.send_task("core.tasks.sweep_outbox").get(timeout=60)
    assert published == recorded
    assert not OutboxTask.objects.filter(dispatched_at__isnull=True).exists()

    assert wait_for(lambda: AssessmentResult.objects.count() == AUTHORITIES, timeout=60), (
        "results were not computed after Redis came back"
    )
    results = {r.assessment_id: r for r in AssessmentResult.objects.all()}
    assert set(results) == {a.pk for a, _ in made}  # nothing lost
    for result in results.values():
        assert result.revision == 1
    assert DimensionResult.objects.count() == 8 * AUTHORITIES  # no duplicates

    # The operators' command finds nothing left; a second sweep publishes nothing again.
    call_command("dispatch_outbox")
    assert capsys.readouterr().out.strip() == "Published 0 task(s); 0 still waiting."
    assert beat.send_task("core.tasks.sweep_outbox").get(timeout=60) == 0
    assert all(t.attempts == 2 for t in compute.all())

    # A task delivered twice (Redis redelivers unacknowledged tasks) changes nothing.
    for assessment, _ in made:
        again = beat.send_task(
            services.COMPUTE_RESULTS_TASK,
            kwargs={"assessment_id": assessment.pk, "revision": 1},
        ).get(timeout=60)
        assert again == results[assessment.pk].pk
    assert set(AssessmentResult.objects.values_list("pk", flat=True)) == {
        r.pk for r in results.values()
    }
    assert DimensionResult.objects.count() == 8 * AUTHORITIES


def test_the_web_process_takes_submissions_while_redis_is_down(
    own_redis_and_worker, settings, tmp_path, static_root
):
    """The same outage seen from gunicorn with production settings: pages and submission work,
    /healthz stays 200 and names the broker; the operators' command publishes what waited."""
    redis = own_redis_and_worker
    settings.SECRET_KEY = secrets.token_urlsafe(64)
    [(assessment, lead)] = ready_to_submit(1)
    server = WebServer(
        database_url=database_url(),
        secret_key=settings.SECRET_KEY,
        workdir=tmp_path,
        static_root=static_root,
        CELERY_BROKER_URL=redis.url,
    )
    try:
        server.wait_ready()
        browser = signed_in(server, lead)
        check = reverse("assessments:check_answers", args=[assessment.pk])
        form = browser.get(check)
        assert form.status_code == 200
        redis.stop()

        started = time.monotonic()
        response = browser.post(check, {"csrfmiddlewaretoken": browser.csrf_token(form.text)})
        took = time.monotonic() - started
        assert response.status_code == 302, response.text[:2000]
        assert response.headers["Location"] == reverse(
            "assessments:submitted", args=[assessment.pk]
        )
        assert took < 10, f"submitting took {took:.1f} s with Redis down"
        assert "Assessment submitted" in browser.get(response.headers["Location"]).text
        health = server.browser().get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok", "broker": "unreachable"}
        assert OutboxTask.objects.filter(dispatched_at__isnull=True).count() >= 1

        redis.start()
        call_command("dispatch_outbox")
        assert not OutboxTask.objects.filter(dispatched_at__isnull=True).exists()
        assert wait_for(lambda: AssessmentResult.objects.filter(assessment=assessment).exists())
        results = browser.get(reverse("assessments:results", args=[assessment.pk]))
        assert "Overall level" in results.text
        assert server.browser().get("/healthz").json()["broker"] == "ok"
    finally:
        server.stop()
        print(server.log.read_text()[-8000:])  # shown when the test fails
