from celery import shared_task


@shared_task(name="assessments.tasks.compute_results", bind=True, max_retries=5)
def compute_results(self, *, assessment_id: int, revision: int) -> int | None:
    """Compute and store an assessment's results for one results revision (idempotent)."""
    from .services import assessment_results_compute

    result = assessment_results_compute(assessment_id=assessment_id, revision=revision)
    return result.pk if result else None
