"""Two people save the same dimension at the same moment, on PostgreSQL: exactly one save wins, the
other is refused with the winner's changes, and nothing is lost or mixed. Each thread has its own
database connection, as two web processes would. Skips without PostgreSQL locally, fails in CI
(REQUIRE_SERVICES=1)."""

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import DimensionAnswer, HistoryEntry, StatementRating
from assessments.scoring import Rating

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROUNDS = 8


def race(*calls: Callable[[], Any], timeout: float = 60) -> list[tuple[str, Any]]:
    """Run the calls in threads released together; returns ("ok", value) or ("error", exception)
    for each, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, Any]] = [("missing", None)] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a save never finished"
    return outcomes


def save(answer: DimensionAnswer, actor, revision: int, rating: str, notes: str):
    def call():
        statements = answer.dimension.statements.values_list("pk", flat=True)
        return services.dimension_ratings_save(
            answer=DimensionAnswer.objects.get(pk=answer.pk),
            actor=actor,
            expected_revision=revision,
            ratings=dict.fromkeys(statements, rating),
            notes=notes,
        )

    return call


def assert_one_change(answer: DimensionAnswer, revision: int, winner, rating: str, notes: str):
    """The stored state is the winner's whole save, recorded in the history once."""
    answer.refresh_from_db()
    statements = answer.dimension.statements.count()
    assert answer.revision == revision + 1
    assert answer.notes == notes
    assert answer.updated_by == winner
    assert list(answer.ratings.values_list("rating", flat=True).distinct()) == [rating]
    assert answer.ratings.count() == statements
    history = HistoryEntry.objects.filter(dimension_id=answer.dimension_id, revision=revision + 1)
    assert history.count() == statements + 1  # each rating and the notes
    assert set(history.values_list("actor", flat=True)) == {winner.pk}
    assert not HistoryEntry.objects.filter(
        dimension_id=answer.dimension_id, revision__gt=revision + 1
    ).exists()


def test_two_threads_saving_the_same_dimension_one_wins_and_one_sees_the_changes(
    postgres, tenants, assessment
):
    officer, lead = tenants.a.officer, tenants.a.lead
    answers = list(assessment.dimension_answers.select_related("dimension")[:ROUNDS])
    wins = {officer.pk: 0, lead.pk: 0}
    for number, answer in enumerate(answers):
        revision = answer.revision
        officer_notes, lead_notes = f"Officer's notes {number}", f"Lead's notes {number}"
        outcomes = race(
            save(answer, officer, revision, Rating.FULLY, officer_notes),
            save(answer, lead, revision, Rating.NOT_AT_ALL, lead_notes),
        )
        kinds = sorted(kind for kind, _ in outcomes)
        assert kinds == ["error", "ok"], outcomes
        officer_won = outcomes[0][0] == "ok"
        winner, loser_outcome = (officer, outcomes[1]) if officer_won else (lead, outcomes[0])
        rating = Rating.FULLY if officer_won else Rating.NOT_AT_ALL
        notes = officer_notes if officer_won else lead_notes
        wins[winner.pk] += 1

        conflict = loser_outcome[1]
        assert isinstance(conflict, services.EditConflict), conflict
        assert str(conflict).startswith(f"{winner} changed this dimension while you were editing")
        assert conflict.current_revision == revision + 1
        statements = answer.dimension.statements.count()
        assert len(conflict.changes) == statements + 1
        assert {change.actor for change in conflict.changes} == {str(winner)}
        assert {c.after for c in conflict.changes} == {Rating(rating).label, notes}
        assert_one_change(answer, revision, winner, rating, notes)
    assert sum(wins.values()) == len(answers)


def test_a_save_waits_for_the_one_holding_the_row_and_is_then_refused(
    postgres, tenants, assessment, monkeypatch
):
    """The overlap forced: the first save holds the answer's row lock while the second arrives;
    the second waits on PostgreSQL's lock, and once the first commits it sees the new revision."""
    officer, lead = tenants.a.officer, tenants.a.lead
    answer = assessment.dimension_answers.select_related("dimension").first()
    revision = answer.revision
    holding, release = threading.Event(), threading.Event()
    refuse_if_stale = services._refuse_if_stale

    def held(locked, expected_revision):
        if threading.current_thread().name == "first":
            holding.set()
            assert release.wait(30)
        return refuse_if_stale(locked, expected_revision)

    monkeypatch.setattr(services, "_refuse_if_stale", held)
    outcomes: dict[str, tuple[str, Any]] = {}

    def run(name: str, call: Callable[[], Any]) -> None:
        try:
            outcomes[name] = ("ok", call())
        except Exception as exc:  # noqa: BLE001
            outcomes[name] = ("error", exc)
        finally:
            connections.close_all()

    first = threading.Thread(
        target=run,
        args=("first", save(answer, officer, revision, Rating.FULLY, "Officer's notes")),
        name="first",
    )
    second = threading.Thread(
        target=run,
        args=("second", save(answer, lead, revision, Rating.PARTLY, "Lead's notes")),
        name="second",
    )
    first.start()
    assert holding.wait(30)
    second.start()
    # The second save is blocked by the first's row lock, not finished and not refused.
    assert _waits_on_a_lock(), "the second save did not wait for the row lock"
    assert "second" not in outcomes
    release.set()
    first.join(30)
    second.join(30)

    assert outcomes["first"][0] == "ok"
    kind, conflict = outcomes["second"]
    assert kind == "error" and isinstance(conflict, services.EditConflict)
    assert conflict.current_revision == revision + 1
    assert {c.after for c in conflict.changes} == {Rating.FULLY.label, "Officer's notes"}
    assert_one_change(answer, revision, officer, Rating.FULLY, "Officer's notes")


def _waits_on_a_lock(timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= 1:
                return True
            time.sleep(0.1)
    return False


def dimension_post(answer: DimensionAnswer, revision: int, rating: str, notes: str) -> dict:
    data = {"revision": revision, "notes": notes, "action": "later"}
    for statement in answer.dimension.statements.all():
        data[f"statement_{statement.pk}"] = rating
    return data


def post(browser: Client, url: str, data: dict) -> Callable[[], Any]:
    return lambda: browser.post(url, data)


def test_two_people_posting_the_same_dimension_page_at_once(postgres, tenants, assessment):
    officer, lead = tenants.a.officer, tenants.a.lead
    answers = list(assessment.dimension_answers.select_related("dimension")[:ROUNDS])
    for number, answer in enumerate(answers):
        url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
        revision = answer.revision
        browsers = []
        for person in (officer, lead):
            browser = Client()
            browser.force_login(person)
            assert browser.get(url).status_code == 200  # both have the page open
            browsers.append(browser)
        officer_notes = f"Notes from the officer {number}"
        lead_notes = f"Notes from the lead {number}"
        outcomes = race(
            post(browsers[0], url, dimension_post(answer, revision, Rating.FULLY, officer_notes)),
            post(browsers[1], url, dimension_post(answer, revision, Rating.PARTLY, lead_notes)),
        )
        assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
        statuses = [response.status_code for _, response in outcomes]
        assert sorted(statuses) == [200, 302], statuses
        officer_won = statuses[0] == 302
        winner = officer if officer_won else lead
        refused = outcomes[1][1] if officer_won else outcomes[0][1]
        rating = Rating.FULLY if officer_won else Rating.PARTLY
        notes = officer_notes if officer_won else lead_notes

        html = refused.content.decode()
        assert f"{winner} changed this dimension while you were editing it" in html
        assert "Your changes have not been saved" in html
        assert "What they changed" in html
        assert Rating(rating).label in html and notes in html
        assert f'name="revision" value="{revision + 1}"' in html  # saving again is deliberate
        assert_one_change(answer, revision, winner, rating, notes)
    assert StatementRating.objects.filter(answer__in=answers).count() == sum(
        a.dimension.statements.count() for a in answers
    )
