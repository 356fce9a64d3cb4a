"""The transactional outbox: record a task with the change that needs it, publish after commit.

    with transaction.atomic():
        assessment.save(...)
        outbox_enqueue(task_name="assessments.compute_results", kwargs={"assessment_id": 5})

If the broker is unreachable after commit, the row stays pending and `outbox_sweep` (run by beat
every minute, or `manage.py dispatch_outbox`) publishes it when the broker is back.
"""

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as KombuOperationalError

from .models import OutboxTask

logger = logging.getLogger(__name__)

# Errors that mean "the broker is not there": leave the task for the sweep.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuOperationalError, ConnectionError, OSError)
try:  # redis-py's errors do not all derive from ConnectionError
    from redis.exceptions import RedisError

    BROKER_ERRORS = (*BROKER_ERRORS, RedisError)
except ImportError:  # pragma: no cover
    pass

# A pending task younger than this is left to its own after-commit publish.
SWEEP_GRACE = timedelta(seconds=30)


def outbox_enqueue(*, task_name: str, kwargs: dict[str, Any]) -> OutboxTask:
    """Record a task; it is published when the surrounding transaction commits."""
    entry = OutboxTask(task_name=task_name, kwargs=kwargs)
    entry.full_clean()
    entry.save()
    transaction.on_commit(lambda: outbox_dispatch(outbox_id=entry.pk))
    return entry


def outbox_dispatch(*, outbox_id: int) -> bool:
    """Publish one pending task. Returns True when it was handed to the broker (or run eagerly)."""
    from maturity_portal.celery import app

    entry = OutboxTask.objects.filter(pk=outbox_id, dispatched_at__isnull=True).first()
    if entry is None:
        return False
    # Task names are their dotted paths, so the task can be imported where it is not yet registered.
    task = app.tasks.get(entry.task_name) or import_string(entry.task_name)
    OutboxTask.objects.filter(pk=entry.pk).update(attempts=entry.attempts + 1)
    try:
        # ignore_result: nothing waits on an outbox task's return value, and asking for one makes
        # Celery subscribe to the result store first; with Redis down that retries for about 20
        # seconds and then raises RuntimeError, not a broker error (tests/faults).
        task.apply_async(kwargs=entry.kwargs, retry=False, ignore_result=True)
    except BROKER_ERRORS as exc:
        logger.warning("Broker unavailable; %s stays in the outbox: %s", entry, exc)
        OutboxTask.objects.filter(pk=entry.pk).update(last_error=str(exc)[:2000])
        return False
    OutboxTask.objects.filter(pk=entry.pk, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), last_error=""
    )
    return True


def outbox_sweep(*, grace: timedelta = SWEEP_GRACE, limit: int = 500) -> int:
    """Publish tasks left behind (broker down at commit time). Returns how many were published."""
    cutoff = timezone.now() - grace
    pending = list(
        OutboxTask.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for outbox_id in pending:
        if outbox_dispatch(outbox_id=outbox_id):
            published += 1
        else:
            break  # the broker is still down: try again at the next sweep
    return published
