"""Settings for the Celery worker the fault tests start: the test settings, except that tasks the
worker enqueues (the outbox sweep publishing what waited) go through the broker, as in production,
instead of running inside the task that enqueued them."""

from maturity_portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
