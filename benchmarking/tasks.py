from celery import shared_task

# A recompute skipped because another held the round's lock runs again this much later, so a
# change committed while the other was already reading is not left out.
SKIPPED_RETRY_SECONDS = 15
SKIPPED_RETRIES = 3


@shared_task(name="benchmarking.tasks.recompute_benchmarks", bind=True)
def recompute_benchmarks(self, *, round_id: int) -> int | None:
    """Recompute one round's benchmark snapshots (idempotent; an overlapping run does nothing and
    tries again a little later)."""
    from .services import benchmarks_recompute

    stored = benchmarks_recompute(round_id=round_id)
    if stored is None and not self.request.is_eager and self.request.retries < SKIPPED_RETRIES:
        raise self.retry(countdown=SKIPPED_RETRY_SECONDS, max_retries=SKIPPED_RETRIES)
    return stored
