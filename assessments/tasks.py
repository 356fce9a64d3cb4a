from celery import shared_task
from django.db import InterfaceError, OperationalError


# A database that does not answer while the worker runs this is retried with growing waits (1 s,
# 2 s, ... up to 5 minutes; about 13 minutes in all): the task was already published, so the outbox
# sweep would not send it again (tests/faults/test_worker_database_outage.py).
@shared_task(
    name="assessments.tasks.compute_results",
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=False,
    max_retries=10,
)
def compute_results(self, *, assessment_id: int, revision: int) -> int | None:
    """Compute and store an assessment's results for one results revision (idempotent)."""
    from .services import assessment_results_compute

    result = assessment_results_compute(assessment_id=assessment_id, revision=revision)
    return result.pk if result else None
