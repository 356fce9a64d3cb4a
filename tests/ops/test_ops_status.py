"""tools/ops_status.py: the counts operators alert on."""

import datetime

import pytest
from django.utils import timezone

from core.models import OutboxTask
from tools.ops_status import counts

pytestmark = pytest.mark.django_db


def _alerts() -> dict[str, int]:
    return {what: count for what, count, alert in counts() if alert}


def test_nothing_to_alert_on_an_empty_portal():
    assert set(_alerts().values()) == {0}


def test_an_outbox_task_waiting_for_minutes_is_an_alert():
    task = OutboxTask.objects.create(task_name="core.tasks.ping", kwargs={})
    assert _alerts()["outbox tasks waiting over 5 minutes (broker or beat down)"] == 0
    OutboxTask.objects.filter(pk=task.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=6)
    )
    assert _alerts()["outbox tasks waiting over 5 minutes (broker or beat down)"] == 1
