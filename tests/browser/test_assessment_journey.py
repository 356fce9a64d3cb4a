"""The assessment journey in real headless Chromium, against the live server.

- With the keyboard only, an officer rates the last dimension, confirms its level, and the lead
  checks and submits; the worker's stored results then appear on the results page. Run with eager
  tasks and, where PostgreSQL and Redis are there, with a real Celery worker.
- axe-core finds no WCAG 2.x A/AA violation on any page type of the journey (with errors shown too).
- The same journey works with JavaScript disabled.

Screenshots of every page go to /tmp/journey-shots/ for people to look at.
"""

from __future__ import annotations

import datetime
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessments import services
from assessments.models import Assessment, AssessmentResult, AssessmentStatus, Round
from core.models import OutboxTask
from core.outbox import outbox_sweep
from tests.assessments.helpers import answer_dimension
from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/journey-shots")
PASSWORD = "Journey-test-password-2026"
REMAINING = "information_governance"  # the dimension left for the officer to answer
# The officer's answers by level: fully at 1 and 2, partly at 3, not at all at 4.
OFFICER_RATINGS = {1: "fully", 2: "fully", 3: "partly", 4: "not_at_all"}
RADIO_ORDER = ["not_at_all", "partly", "fully"]  # the order the radios are shown in


# --- Data -----------------------------------------------------------------------------------------


@dataclass
class Journey:
    assessment: Assessment
    officer: User
    lead: User
    national_admin: User
    other_lead: User
    levels_by_field: dict[str, int]  # the remaining dimension's field names and their levels


@pytest.fixture
def journey(settings) -> Journey:
    """Authority A with an officer and a lead, an open round on the shipped model, an assessment
    with the checklist and every dimension but one answered. Everyone has one membership, so the
    portal picks who they act for; two-factor is not required (its own journeys test it)."""
    settings.PORTAL_REQUIRE_2FA = False
    tenants = two_tenants()
    for user in (tenants.a.officer, tenants.a.lead, tenants.b.lead, tenants.national_admin):
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
    checklist = list(assessment.checklist_answers.order_by("item__order"))
    answers = {a.item_id: ("in_place", "") for a in checklist}
    # One item only partly in place, so the results show the checklist's gaps.
    answers[checklist[-1].item_id] = ("partly", "Agreed, not yet in the induction pack.")
    services.checklist_save(assessment=assessment, actor=tenants.a.lead, answers=answers)
    remaining = None
    for answer in assessment.dimension_answers.select_related("dimension"):
        if answer.dimension.key == REMAINING:
            remaining = answer
        else:
            answer_dimension(answer, tenants.a.officer)
    assert remaining is not None
    statements = remaining.dimension.statements.select_related("level")
    return Journey(
        assessment=assessment,
        officer=tenants.a.officer,
        lead=tenants.a.lead,
        national_admin=tenants.national_admin,
        other_lead=tenants.b.lead,
        levels_by_field={f"statement_{s.pk}": s.level.order for s in statements},
    )


def url(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


# --- The keyboard ---------------------------------------------------------------------------------


def focused_matches(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches the selector, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def press_and_load(page, key: str = "Enter") -> None:
    """Press a key that follows a link or submits a form, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group and choose an option with the arrow keys (or Space)."""
    tab_to(page, f'input[type="radio"][name="{name}"]')
    values = page.evaluate("n => [...document.getElementsByName(n)].map(e => e.value)", name)
    current = values.index(page.evaluate("() => document.activeElement.value"))
    target = values.index(value)
    if target == current:
        page.keyboard.press("Space")
    for _ in range(abs(target - current)):
        page.keyboard.press("ArrowDown" if target > current else "ArrowUp")
    checked = page.locator(f'input[name="{name}"]:checked')
    assert checked.get_attribute("value") == value, f"{name} is not {value}"


def sign_in_by_keyboard(page, user: User) -> None:
    assert heading(page) == "Sign in"
    tab_to(page, "#id_username")
    page.keyboard.type(user.email)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "#id_submit")
    press_and_load(page)


def sign_out_by_keyboard(page) -> None:
    tab_to(page, "button.portal-link-button")
    press_and_load(page)
    assert page.locator(".govuk-header__navigation a", has_text="Sign in").count() == 1


def sign_in(page, live_server, user: User, path: str) -> None:
    """Open a page of the portal signed out, and sign in on the sign-in page it sends you to."""
    page.goto(live_server.url + path)
    assert "/accounts/sign-in/" in page.url
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.url.endswith(path), page.url


# --- Holding results back -------------------------------------------------------------------------


@contextmanager
def results_held_back():
    """Keep the real worker from storing results until the block ends: a SHARE lock on the
    results table lets pages read it but makes the worker's insert wait (PostgreSQL only)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{AssessmentResult._meta.db_table}" IN SHARE MODE')
        yield


@pytest.fixture(params=["eager", pytest.param("real_worker", marks=pytest.mark.services)])
def worker(request) -> str:
    """Results computed by eager tasks, or by a real Celery worker on Redis and PostgreSQL (the
    live server and the worker must see the same, committed, database)."""
    if request.param == "real_worker":
        request.getfixturevalue("postgres")
        request.getfixturevalue("real_worker")
    return request.param


def stored_overall_level(assessment: Assessment) -> int:
    return AssessmentResult.objects.get(assessment=assessment).overall_level


def reload_until_results(page, limit_seconds: float = 20) -> None:
    deadline = time.monotonic() + limit_seconds
    while "Overall level" not in page.locator("main").inner_text():
        assert time.monotonic() < deadline, "the results did not appear within 20 seconds"
        time.sleep(0.5)
        page.reload()


# --- The journey with the keyboard only -----------------------------------------------------------


def test_keyboard_only_officer_completes_a_dimension_and_lead_submits(
    live_server, page, assert_accessible, journey, worker
):
    assessment = journey.assessment
    eager = worker == "eager"

    def look(name: str) -> None:
        """axe and a screenshot; the real-worker run repeats the same pages, so it checks only
        the results pages."""
        if eager or "results" in name:
            assert_accessible(page)
            shoot(page, f"keyboard-{worker}-{name}")

    # The officer opens the assessments page from a link and signs in.
    page.goto(url(live_server, "assessments:list"))
    sign_in_by_keyboard(page, journey.officer)
    assert heading(page) == "Assessments"
    look("01-assessments-list")

    tab_to(page, f'a[href="{reverse("assessments:task_list", args=[assessment.pk])}"]')
    press_and_load(page)
    assert heading(page) == "2026 to 2027 assessment"
    assert page.locator(f"#{REMAINING}-status").inner_text().strip() == "Not started"
    look("02-task-list")

    tab_to(page, f'a[href$="/dimensions/{REMAINING}/"]')
    press_and_load(page)
    assert heading(page) == "Information governance"
    look("03-dimension")

    # "Save and continue" with nothing rated: an error for each statement, linked from the summary.
    tab_to(page, 'button[value="continue"]')
    press_and_load(page)
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert summary.locator("a").count() == len(journey.levels_by_field)
    assert page.locator(".govuk-form-group--error").count() == len(journey.levels_by_field)
    assert " - Error" in page.title()
    look("04-dimension-errors")

    # Rate every statement with the arrow keys, in page order, then add a note.
    names = page.locator('input[type="radio"]').evaluate_all(
        "els => [...new Set(els.map(e => e.name))]"
    )
    assert sorted(names) == sorted(journey.levels_by_field)
    for name in names:
        choose_radio(page, name, OFFICER_RATINGS[journey.levels_by_field[name]])
    tab_to(page, "#id_notes")
    page.keyboard.type("Agreements are reviewed every year by the IG board.")
    tab_to(page, 'button[value="continue"]')
    press_and_load(page)

    # The level page shows the suggested level; a different level needs a justification.
    answer = assessment.dimension_answers.get(dimension__key=REMAINING)
    suggested = services.dimension_suggestion(answer).suggested_level
    assert heading(page) == "Confirm the level for Information governance"
    assert f"Suggested level: {suggested}" in page.locator("main").inner_text()
    assert page.locator('input[name="level"]:checked').get_attribute("value") == str(suggested)
    look("05-level")

    other = suggested + 1 if suggested < 4 else suggested - 1
    choose_radio(page, "level", str(other))
    tab_to(page, 'button[value="continue"]')
    press_and_load(page)
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#id_justification-error").is_visible()
    look("06-level-justification-error")

    # Confirm the suggested level after all.
    choose_radio(page, "level", str(suggested))
    tab_to(page, 'button[value="continue"]')
    press_and_load(page)
    assert heading(page) == "2026 to 2027 assessment"
    assert page.locator(f"#{REMAINING}-status").inner_text().strip() == "Completed"
    assert "Ready for your lead to submit" in page.locator("#check-status").inner_text()
    look("07-task-list-completed")
    answer.refresh_from_db()
    assert answer.confirmed_level == suggested
    assert answer.notes == "Agreements are reviewed every year by the IG board."

    sign_out_by_keyboard(page)

    # The lead: task list, "Check and submit", submit.
    page.goto(url(live_server, "assessments:list"))
    sign_in_by_keyboard(page, journey.lead)
    tab_to(page, f'a[href="{reverse("assessments:task_list", args=[assessment.pk])}"]')
    press_and_load(page)
    tab_to(page, f'a[href="{reverse("assessments:check_answers", args=[assessment.pk])}"]')
    press_and_load(page)
    assert heading(page) == "Check your answers before you submit"
    assert page.locator(".govuk-error-message").count() == 0
    look("08-check-answers")

    with nullcontext() if eager else results_held_back():
        tab_to(page, 'form[method="post"] button[type="submit"]:not(.portal-link-button)')
        press_and_load(page)
        assert heading(page).startswith("Assessment submitted")
        look("09-submitted")

        tab_to(page, f'main a[href="{reverse("assessments:results", args=[assessment.pk])}"]')
        press_and_load(page)
        assert heading(page) == "Results"
        if not eager:
            # The page reads stored results only: until the worker has stored them, it says so.
            assert "We are calculating the levels" in page.locator("main").inner_text()
            assert not AssessmentResult.objects.filter(assessment=assessment).exists()
            look("10-results-calculating")

    if not eager:
        reload_until_results(page)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    level = stored_overall_level(assessment)
    assert f"Overall level {level}" in page.locator(".govuk-panel__title").inner_text()
    assert "Information governance" in page.locator("main").inner_text()
    look("11-results")

    # After submission the answers are read-only: the dimension page has no form.
    page.goto(url(live_server, "assessments:dimension", assessment.pk, REMAINING))
    assert page.locator("form[method=post] input[type=radio]").count() == 0
    look("12-dimension-read-only")


# --- Every other page of the journey, checked by axe ----------------------------------------------


def test_every_page_of_the_journey_is_accessible(
    live_server, page, assert_accessible, journey, monkeypatch
):
    assessment = journey.assessment
    pk = assessment.pk

    # A national admin's rounds page, with and without errors.
    sign_in(page, live_server, journey.national_admin, reverse("assessments:round_manage"))
    assert heading(page) == "Assessment rounds"
    assert_accessible(page)
    shoot(page, "pages-01-rounds")
    page.click("button.govuk-button")
    assert "Enter a name for the round" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    shoot(page, "pages-02-rounds-errors")
    page.click("button.portal-link-button")

    # The lead, before the assessment is complete.
    sign_in(page, live_server, journey.lead, reverse("assessments:task_list", args=[pk]))
    page.click("text=Pre-model checklist")
    assert heading(page) == "Pre-model checklist"
    assert_accessible(page)
    shoot(page, "pages-03-checklist")

    page.goto(url(live_server, "assessments:assign", pk))
    assert heading(page) == "Assign dimensions"
    assert_accessible(page)
    shoot(page, "pages-04-assign")
    remaining = assessment.dimension_answers.get(dimension__key=REMAINING)
    page.select_option(f'select[name="assignee_{remaining.pk}"]', value=str(journey.officer.pk))
    page.click("text=Save assignments")
    assert "Dimensions have been assigned" in page.locator("main").inner_text()

    page.goto(url(live_server, "assessments:check_answers", pk))
    assert heading(page) == "Check your answers before you submit"
    assert "Information governance" in page.locator(".govuk-inset-text").inner_text()
    assert_accessible(page)
    shoot(page, "pages-05-check-answers-incomplete")
    page.click("text=Submit the assessment")
    summary = page.locator(".govuk-error-summary")
    assert "You cannot submit the assessment yet" in summary.inner_text()
    # Each problem links to the page that fixes it.
    assert summary.locator(f'a[href$="/dimensions/{REMAINING}/"]').count() == 2
    assert_accessible(page)
    shoot(page, "pages-06-check-answers-refused")

    page.goto(url(live_server, "assessments:history", pk))
    assert heading(page) == "History of changes"
    assert page.locator("tbody tr").count() > 1
    assert_accessible(page)
    shoot(page, "pages-07-history")

    # The dimension page at 375 pixels wide: the four levels stack, each with its level named.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(url(live_server, "assessments:dimension", pk, REMAINING))
    page.click("text=See the four levels side by side")
    cells = page.locator(".portal-table--stack-narrow td")
    assert cells.count() == 4
    first_box, second_box = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
    assert second_box["y"] > first_box["y"], "the levels should stack on a narrow screen"
    assert first_box["width"] > 250, "each level should use the width of the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)
    shoot(page, "pages-08-dimension-narrow")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Finish the last dimension, then submit while the broker is away: the task waits in the outbox,
    # the results page says the levels are being calculated, and the sweep sends it when it is back.
    answer_dimension(assessment.dimension_answers.get(dimension__key=REMAINING), journey.lead)
    with monkeypatch.context() as broker_away:
        broker_away.setattr("core.outbox.outbox_dispatch", lambda **kwargs: False)
        page.goto(url(live_server, "assessments:check_answers", pk))
        page.click("text=Submit the assessment")
        assert heading(page).startswith("Assessment submitted")
        page.click("main >> text=results page")
        assert "We are calculating the levels" in page.locator("main").inner_text()
        assert_accessible(page)
        shoot(page, "pages-09-results-calculating")

    # The results task, and the notification emails the submission queued.
    assert outbox_sweep(grace=timedelta(0)) >= 1
    assert not OutboxTask.objects.filter(dispatched_at__isnull=True).exists()
    page.reload()
    main = page.locator("main").inner_text()
    assert f"Overall level {stored_overall_level(assessment)}" in main
    assert "Pre-model checklist: not fully in place" in main
    assert "(partly in place)" in main
    assert_accessible(page)

    # Another authority's lead cannot see any of it.
    page.click("button.portal-link-button")
    sign_in(page, live_server, journey.other_lead, reverse("assessments:list"))
    for name in ("task_list", "results", "history", "check_answers"):
        response = page.goto(url(live_server, f"assessments:{name}", pk))
        assert response.status == 404, name


# --- Without JavaScript ---------------------------------------------------------------------------


def test_the_journey_works_without_javascript(live_server, page_without_js, journey):
    page = page_without_js
    assessment = journey.assessment
    pk = assessment.pk

    sign_in(page, live_server, journey.officer, reverse("assessments:list"))
    page.click(f'a[href="{reverse("assessments:task_list", args=[pk])}"]')
    page.click(f'a[href$="/dimensions/{REMAINING}/"]')
    assert heading(page) == "Information governance"
    # The reference grid is a plain <details>: it opens without JavaScript.
    page.click("text=See the four levels side by side")
    assert page.locator(".portal-table--stack-narrow").is_visible()
    shoot(page, "no-js-01-dimension-grid-open")

    page.click('button[value="continue"]')
    assert page.locator(".govuk-error-summary a").count() == len(journey.levels_by_field)

    # "Save and come back later" keeps a partial answer.
    first = next(iter(journey.levels_by_field))
    page.check(f'input[name="{first}"][value="fully"]')
    page.click('button[value="later"]')
    assert heading(page) == "2026 to 2027 assessment"
    assert page.locator(f"#{REMAINING}-status").inner_text().strip() == "In progress"

    page.click(f'a[href$="/dimensions/{REMAINING}/"]')
    assert page.locator(f'input[name="{first}"][value="fully"]').is_checked()
    for name, level in journey.levels_by_field.items():
        page.check(f'input[name="{name}"][value="{OFFICER_RATINGS[level]}"]')
    page.click('button[value="continue"]')
    assert heading(page) == "Confirm the level for Information governance"
    suggested = services.dimension_suggestion(
        assessment.dimension_answers.get(dimension__key=REMAINING)
    ).suggested_level
    other = suggested + 1 if suggested < 4 else suggested - 1
    page.check(f'input[name="level"][value="{other}"]')
    page.click('button[value="continue"]')
    assert page.locator("#id_justification-error").is_visible()
    page.fill("#id_justification", "Our new data sharing platform went live last month.")
    page.click('button[value="continue"]')
    assert page.locator(f"#{REMAINING}-status").inner_text().strip() == "Completed"
    page.click("button.portal-link-button")

    sign_in(page, live_server, journey.lead, reverse("assessments:task_list", args=[pk]))
    page.click("text=Check and submit")
    check = page.locator("main").inner_text()
    assert f"Level {other} confirmed (suggested {suggested})" in check
    assert "Why: Our new data sharing platform went live last month." in check
    page.click("text=Submit the assessment")
    assert heading(page).startswith("Assessment submitted")
    page.click("main >> text=results page")
    level = stored_overall_level(assessment)
    assert f"Overall level {level}" in page.locator(".govuk-panel__title").inner_text()
    # The statements behind each level open without JavaScript too.
    page.click("text=Information governance: level")
    assert page.locator("text=Your ratings for Information governance").is_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.result.overall_level == level
