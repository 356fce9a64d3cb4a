from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from core.models import OutboxTask
from core.outbox import outbox_dispatch, outbox_enqueue, outbox_sweep
from maturity_portal.celery import app


def reset_broker_pool() -> None:
    """Forget the app's pooled broker connections so the next publish uses the configured URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Publishing goes to a port where nothing listens."""
    original = (app.conf.broker_write_url, app.conf.task_always_eager)
    # The write URL is what publishing uses (broker_url itself prefers the environment variable).
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    reset_broker_pool()
    yield
    app.conf.broker_write_url, app.conf.task_always_eager = original
    reset_broker_pool()


@pytest.mark.django_db
def test_a_task_is_published_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        entry = outbox_enqueue(task_name="core.tasks.ping", kwargs={})
    entry.refresh_from_db()
    assert entry.dispatched_at is None
    assert len(callbacks) == 1
    callbacks[0]()
    entry.refresh_from_db()
    assert entry.dispatched_at is not None
    assert entry.attempts == 1


@pytest.mark.django_db
def test_a_rolled_back_change_publishes_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_enqueue(task_name="core.tasks.ping", kwargs={})
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db
def test_with_the_broker_down_the_task_waits_and_the_sweep_publishes_it_later(broker_down):
    entry = OutboxTask.objects.create(task_name="core.tasks.ping", kwargs={})
    assert outbox_dispatch(outbox_id=entry.pk) is False
    entry.refresh_from_db()
    assert entry.dispatched_at is None
    assert entry.last_error
    assert outbox_sweep(grace=timedelta(0)) == 0  # still down

    app.conf.task_always_eager = True  # the broker is back (eager stands in for it here)
    assert outbox_sweep(grace=timedelta(0)) == 1
    entry.refresh_from_db()
    assert entry.dispatched_at is not None
    assert entry.last_error == ""


@pytest.mark.django_db
def test_the_sweep_leaves_young_tasks_to_their_own_publish():
    OutboxTask.objects.create(task_name="core.tasks.ping", kwargs={})
    assert outbox_sweep() == 0


@pytest.mark.django_db
def test_a_task_is_never_published_twice():
    entry = OutboxTask.objects.create(task_name="core.tasks.ping", kwargs={})
    assert outbox_dispatch(outbox_id=entry.pk) is True
    assert outbox_dispatch(outbox_id=entry.pk) is False


@pytest.mark.django_db
def test_the_operator_command_reports_what_it_did(capsys):
    OutboxTask.objects.create(task_name="core.tasks.ping", kwargs={})
    call_command("dispatch_outbox")
    assert "Published 1 task(s); 0 still waiting." in capsys.readouterr().out
