from celery import shared_task


@shared_task(name="core.tasks.ping")
def ping() -> str:
    """Answers "pong": the beat schedule's heartbeat and the worker round-trip check."""
    return "pong"
