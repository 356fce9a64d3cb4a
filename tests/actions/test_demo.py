import io

import pytest
from django.core.management import call_command
from django.db import transaction

from actions.models import Action, ActionStatus
from actions.selectors import carried_actions
from assessments.models import Assessment, Round
from notifications.models import Notification
from tests.factories.frameworks import shipped_framework_version


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        shipped_framework_version()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_plans_carry_open_actions_into_the_current_round(seeded):
    assert "Demo action plans:" in seeded
    assert Action.objects.filter(status=ActionStatus.DONE).exists()
    assert Action.objects.filter(status=ActionStatus.IN_PROGRESS).exists()
    current = Round.objects.order_by("-opens_on").first()
    following = Assessment.objects.filter(
        round=current, authority__in=Action.objects.values("authority")
    ).first()
    assert following is not None
    carried = list(carried_actions(assessment=following))
    assert carried and all(a.is_open for a in carried)


@pytest.mark.django_db
def test_demo_notifications_and_a_second_run_adds_nothing(seeded):
    assert Notification.objects.filter(kind="submitted").exists()
    actions, notifications = Action.objects.count(), Notification.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Action.objects.count(), Notification.objects.count()) == (actions, notifications)
