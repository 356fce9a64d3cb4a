from celery import shared_task


@shared_task(name="core.tasks.ping")
def ping() -> str:
    """Answers "pong": the beat schedule's heartbeat and the worker round-trip check."""
    return "pong"


@shared_task(name="core.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Publishes outbox tasks that could not be published when they were recorded."""
    from .outbox import outbox_sweep

    return outbox_sweep()


@shared_task(name="core.tasks.housekeeping")
def housekeeping() -> dict[str, int]:
    """Daily: deletes expired sessions and records past their retention (core.housekeeping)."""
    from .housekeeping import housekeeping_run

    return housekeeping_run()
