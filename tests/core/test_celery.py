import pytest

from core.tasks import ping


def test_tasks_run_eagerly_without_a_broker():
    assert ping.delay().get(timeout=1) == "pong"


@pytest.mark.services
def test_a_task_round_trips_through_a_real_worker_on_redis(real_worker):
    from maturity_portal.celery import app

    assert app.conf.task_always_eager is False
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert result.successful()


def test_the_beat_schedule_has_the_health_ping():
    from maturity_portal.celery import app

    assert app.conf.beat_schedule["health-ping"]["task"] == "core.tasks.ping"


def test_reliability_settings_are_on():
    from maturity_portal.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
