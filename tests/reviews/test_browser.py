"""Review, return, resubmission, agreement and an action plan, in real headless Chromium against
the live server, with axe-core on every page (errors shown too). Emails go to the locmem outbox.

Screenshots go to /tmp/review-shots/ for people to look at."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentStatus, Round
from notifications.models import Notification
from reviews.models import Moderation
from tests.assessments.helpers import answer_dimension
from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/review-shots")
PASSWORD = "Review-test-password-2026"
GAPPY = {1: "fully", 2: "partly", 3: "not_at_all", 4: "not_at_all"}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, live_server, user, path: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + path)
    assert "/accounts/sign-in/" in page.url
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.url.endswith(path), page.url


def click_and_load(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def world(settings):
    settings.PORTAL_REQUIRE_2FA = False
    tenants = two_tenants()
    for user in (tenants.a.lead, tenants.a.area_lead, tenants.b.area_lead):
        user.set_password(PASSWORD)
        user.save()
    today = timezone.localdate()
    open_round = Round.objects.create(
        name="2026 to 2027",
        framework_version=shipped_framework_version(),
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )
    assessment = services.assessment_start(
        authority=tenants.a.authority, round=open_round, actor=tenants.a.lead
    )
    services.checklist_save(
        assessment=assessment,
        actor=tenants.a.lead,
        answers={a.item_id: ("in_place", "") for a in assessment.checklist_answers.all()},
    )
    for answer in assessment.dimension_answers.all():
        answer_dimension(answer, tenants.a.officer, pattern=GAPPY)
    services.assessment_submit(assessment=assessment, actor=tenants.a.lead)
    return tenants, assessment


def test_review_return_resubmit_agree_and_plan(page, live_server, world, assert_accessible):
    tenants, assessment = world
    # The submission told the area lead by email.
    assert [m.to for m in mail.outbox] == [[tenants.a.area_lead.email]]
    first = assessment.dimension_answers.order_by("dimension__order").select_related("dimension")[0]

    # The area lead finds the assessment on the dashboard.
    sign_in(page, live_server, tenants.a.area_lead, reverse("reviews:dashboard"))
    assert page.locator("h1").inner_text() == "Area dashboard"
    assert page.locator("a", has_text="Notifications (1 unread)").count() == 1
    assert_accessible(page)
    shoot(page, "01-dashboard")
    click_and_load(page, page.locator("th a", has_text="Days since submission"))
    assert page.locator('th[aria-sort="ascending"]').count() == 1
    click_and_load(page, page.locator("tbody a", has_text="Authority A"))
    assert page.locator("h1").inner_text() == "Review the assessment"
    assert_accessible(page)
    shoot(page, "02-review")

    # Moderates one dimension: a reason is required.
    click_and_load(
        page, page.locator(f"#dimension-{first.dimension.key} a", has_text="Review level")
    )
    page.check('input[name="decision"][value="2"]')
    click_and_load(page, page.locator("button", has_text="Save decision"))
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page)
    shoot(page, "03-moderate-error")
    page.fill("#id_reason", "The data sharing agreements we saw meet level 2.")
    click_and_load(page, page.locator("button", has_text="Save decision"))
    assert "Moderated to level 2" in page.content()
    assert Moderation.objects.get().level == 2

    # Returns it: comments are required.
    click_and_load(page, page.locator("a", has_text="Return it to the authority"))
    click_and_load(page, page.locator("button", has_text="Return the assessment"))
    assert page.locator(".govuk-error-summary").count() == 1
    assert_accessible(page)
    shoot(page, "04-return-error")
    page.fill("#id_comments", "Please explain the level for information governance.")
    click_and_load(page, page.locator("button", has_text="Return the assessment"))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.RETURNED
    returned_to = sorted(m.to[0] for m in mail.outbox[1:])
    assert returned_to == sorted([tenants.a.lead.email, tenants.a.officer.email])

    # The lead sees the comments, changes a level and submits again.
    sign_in(
        page, live_server, tenants.a.lead, reverse("assessments:task_list", args=[assessment.pk])
    )
    assert "Please explain the level for information governance." in page.content()
    assert_accessible(page)
    shoot(page, "05-task-list-returned")
    page.goto(live_server.url + reverse("notifications:list"))
    assert_accessible(page)
    shoot(page, "06-notifications")
    answer_dimension(first, tenants.a.officer, pattern=GAPPY, level=2)
    page.goto(live_server.url + reverse("assessments:check_answers", args=[assessment.pk]))
    click_and_load(page, page.locator("button", has_text="Submit the assessment"))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED and assessment.submission_count == 2

    # The area lead sees what changed, and agrees.
    sign_in(page, live_server, tenants.a.area_lead, reverse("reviews:review", args=[assessment.pk]))
    assert (
        page.locator(
            ".govuk-warning-text", has_text="Changed since the previous submission"
        ).count()
        == 1
    )
    assert_accessible(page)
    shoot(page, "07-review-resubmitted")
    click_and_load(page, page.locator("a", has_text="Agree the assessment"))
    assert_accessible(page)
    shoot(page, "08-agree")
    page.fill("#id_comments", "Agreed. Thank you.")
    click_and_load(page, page.locator("button", has_text="Agree the assessment"))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.AGREED
    assert Notification.objects.filter(kind="agreed").count() == 2
    assert any("has been agreed" in m.subject for m in mail.outbox)

    # The lead sees the results with the moderated level, and drafts an action from a gap.
    sign_in(page, live_server, tenants.a.lead, reverse("assessments:results", args=[assessment.pk]))
    assert "Agreed. Thank you." in page.content()
    assert_accessible(page)
    shoot(page, "09-results")
    click_and_load(page, page.locator("a", has_text="Action plan"))
    assert page.locator("h1").inner_text() == "Action plan"
    assert_accessible(page)
    shoot(page, "10-plan-gaps")
    click_and_load(page, page.locator("tbody a", has_text="Add an action").first)
    past = timezone.localdate() - datetime.timedelta(days=2)
    page.fill("#id_description", "Agree a data sharing protocol with health partners")
    page.select_option("#id_owner", label=tenants.a.officer.full_name)
    page.fill("#id_due_on_0", str(past.day))
    page.fill("#id_due_on_1", str(past.month))
    page.fill("#id_due_on_2", str(past.year))
    click_and_load(page, page.locator("button", has_text="Add the action"))
    assert "The due date must be today or in the future" in page.content()
    assert_accessible(page)
    shoot(page, "11-action-error")
    due = timezone.localdate() + datetime.timedelta(days=60)
    page.fill("#id_due_on_0", str(due.day))
    page.fill("#id_due_on_1", str(due.month))
    page.fill("#id_due_on_2", str(due.year))
    click_and_load(page, page.locator("button", has_text="Add the action"))
    assert "Agree a data sharing protocol with health partners" in page.content()
    assert_accessible(page)
    shoot(page, "12-plan")
    assert Assessment.objects.get(pk=assessment.pk).actions.count() == 1
