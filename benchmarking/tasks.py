from celery import shared_task


@shared_task(name="benchmarking.tasks.recompute_benchmarks")
def recompute_benchmarks(*, round_id: int) -> int | None:
    """Recompute one round's benchmark snapshots (idempotent; overlapping runs do nothing)."""
    from .services import benchmarks_recompute

    return benchmarks_recompute(round_id=round_id)
