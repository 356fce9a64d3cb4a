import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions import selectors, services
from actions.models import Action, ActionStatus
from actions.views import csv_safe
from assessments.models import Round
from assessments.scoring import Rating
from assessments.services import assessment_start

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


def first_gap(assessment):
    return selectors.action_gaps(assessment=assessment)[0]


def test_gaps_are_the_next_level_s_statements_not_fully_met(submitted):
    gaps = selectors.action_gaps(assessment=submitted)
    # Every dimension is at level 1 with its level 2 statements partly met: those are the gaps.
    from frameworks.models import Statement

    assert (
        len(gaps)
        == Statement.objects.filter(
            framework_version=submitted.framework_version, level__order=2
        ).count()
    )
    assert all((g.level, g.next_level, g.rating) == (1, 2, Rating.PARTLY) for g in gaps)


def test_the_lead_drafts_an_action_from_a_gap(client, tenants, submitted):
    gap = first_gap(submitted)
    client.force_login(tenants.a.lead)
    url = reverse("actions:add", args=[submitted.pk]) + f"?statement={gap.statement.pk}"
    html = client.get(url).content.decode()
    assert gap.statement.text in html  # pre-filled
    response = client.post(
        url,
        {
            "statement": gap.statement.pk,
            "statement_text": gap.statement.text,
            "description": "Write the data sharing agreement",
            "owner": tenants.a.officer.pk,
            "due_on_0": NEXT_MONTH.day,
            "due_on_1": NEXT_MONTH.month,
            "due_on_2": NEXT_MONTH.year,
            "status": ActionStatus.NOT_STARTED,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.statement == gap.statement and action.dimension == gap.dimension
    assert action.authority == tenants.a.authority
    html = client.get(reverse("actions:plan", args=[submitted.pk])).content.decode()
    assert "Write the data sharing agreement" in html


def _post(client, submitted, tenants, **overrides):
    data = {
        "statement_text": "A statement",
        "description": "Do it",
        "owner": tenants.a.officer.pk,
        "due_on_0": NEXT_MONTH.day,
        "due_on_1": NEXT_MONTH.month,
        "due_on_2": NEXT_MONTH.year,
        "status": ActionStatus.NOT_STARTED,
    }
    data.update(overrides)
    return client.post(reverse("actions:add", args=[submitted.pk]), data)


def test_a_due_date_in_the_past_is_refused(client, tenants, submitted):
    client.force_login(tenants.a.lead)
    past = TODAY - datetime.timedelta(days=1)
    response = _post(
        client, submitted, tenants, due_on_0=past.day, due_on_1=past.month, due_on_2=past.year
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "The due date must be today or in the future" in html
    assert not Action.objects.exists()


def test_an_owner_from_another_authority_is_refused(client, tenants, submitted):
    client.force_login(tenants.a.lead)
    response = _post(client, submitted, tenants, owner=tenants.b.officer.pk)
    assert "Choose an owner from your authority" in response.content.decode()
    assert not Action.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.action_create(
            assessment=submitted,
            actor=tenants.a.lead,
            statement=None,
            statement_text="x",
            description="y",
            owner=tenants.b.officer,
            due_on=NEXT_MONTH,
        )
    assert "owner" in error.value.error_dict


def test_no_plan_before_submission(client, tenants, assessment):
    client.force_login(tenants.a.lead)
    response = _post(client, assessment, tenants)
    assert response.status_code == 302
    assert not Action.objects.exists()
    html = client.get(reverse("actions:plan", args=[assessment.pk])).content.decode()
    assert "once the assessment has been submitted" in html


def test_only_the_lead_changes_the_plan_and_others_may_read_it(client, tenants, submitted):
    client.force_login(tenants.a.officer)
    assert _post(client, submitted, tenants).status_code == 404
    assert client.get(reverse("actions:plan", args=[submitted.pk])).status_code == 200
    assert not Action.objects.exists()


def _action(submitted, tenants, **kwargs):
    values = {
        "assessment": submitted,
        "actor": tenants.a.lead,
        "statement": None,
        "statement_text": '=HYPERLINK("http://evil")',
        "description": "+Do it",
        "owner": tenants.a.officer,
        "due_on": NEXT_MONTH,
    }
    values.update(kwargs)
    return services.action_create(**values)


def test_other_authorities_get_404(client, tenants, submitted, other_submitted):
    action = _action(submitted, tenants)
    client.force_login(tenants.b.lead)
    for url in (
        reverse("actions:plan", args=[submitted.pk]),
        reverse("actions:csv", args=[submitted.pk]),
        reverse("actions:add", args=[submitted.pk]),
        reverse("actions:edit", args=[submitted.pk, action.pk]),
        reverse("actions:edit", args=[other_submitted.pk, action.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("actions:edit", args=[other_submitted.pk, action.pk]),
        {"description": "hijack", "owner": tenants.b.lead.pk, "status": "done"},
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.description == "+Do it"


def test_the_csv_is_safe_against_formula_injection(client, tenants, submitted):
    _action(submitted, tenants)
    client.force_login(tenants.a.viewer)
    response = client.get(reverse("actions:csv", args=[submitted.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Round", "Dimension", "Statement", "Action"]
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert rows[1][3] == "'+Do it"
    for value in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert csv_safe(value).startswith("'")
    assert csv_safe("Plain") == "Plain"


def test_open_actions_carry_into_the_next_round_and_overdue_ones_are_highlighted(
    client, tenants, submitted, version
):
    open_action = _action(submitted, tenants, description="Still open")
    done = _action(submitted, tenants, description="Finished")
    services.action_update(
        action=done,
        actor=tenants.a.lead,
        description="Finished",
        owner=tenants.a.officer,
        due_on=done.due_on,
        status=ActionStatus.DONE,
    )
    Action.objects.filter(pk=open_action.pk).update(due_on=TODAY - datetime.timedelta(days=3))
    next_round = Round.objects.create(
        name="2027 to 2028",
        framework_version=version,
        opens_on=TODAY - datetime.timedelta(days=1),
        closes_on=TODAY + datetime.timedelta(days=90),
    )
    Round.objects.filter(pk=submitted.round_id).update(
        opens_on=TODAY - datetime.timedelta(days=400), closes_on=TODAY - datetime.timedelta(days=2)
    )
    following = assessment_start(
        authority=tenants.a.authority, round=next_round, actor=tenants.a.lead
    )
    carried = list(selectors.carried_actions(assessment=following))
    assert carried == [Action.objects.get(pk=open_action.pk)]
    client.force_login(tenants.a.lead)
    html = client.get(reverse("actions:plan", args=[following.pk])).content.decode()
    assert "Open actions from earlier rounds: review their status" in html
    assert "Still open" in html and "Finished" not in html
    assert "Overdue" in html and "1 action is overdue." in html
    # Its status can be reviewed although its due date has passed.
    response = client.post(
        reverse("actions:edit", args=[following.pk, open_action.pk]),
        {
            "statement_text": "s",
            "description": "Still open",
            "owner": tenants.a.officer.pk,
            "due_on_0": open_action.due_on.day,
            "due_on_1": open_action.due_on.month,
            "due_on_2": open_action.due_on.year,
            "status": ActionStatus.IN_PROGRESS,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    open_action.refresh_from_db()
    assert open_action.status == ActionStatus.IN_PROGRESS
