"""The database goes away under a running portal. gunicorn serves the portal with production
settings (DEBUG off); its DATABASE_URL points at a TCP proxy in this test, in front of this run's
PostgreSQL test database, and the test cuts and restores the proxy. Needs PostgreSQL: skips without
it locally, fails in CI (REQUIRE_SERVICES=1)."""

import datetime
import secrets
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import (
    Assessment,
    AssessmentStatus,
    DimensionAnswer,
    HistoryEntry,
    Round,
    StatementRating,
)
from assessments.scoring import Rating
from core.models import OutboxTask
from tests.assessments.helpers import complete
from tests.factories.accounts import tenant
from tests.factories.frameworks import shipped_framework_version

from .support import TcpProxy, WebServer, database_url, signed_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

UNAVAILABLE = "Sorry, the service is unavailable"
LEAKS = ("Traceback", "OperationalError", "InterfaceError", "psycopg", "server closed", "5432")


@pytest.fixture(params=["0", "60"], ids=["CONN_MAX_AGE=0", "CONN_MAX_AGE=60"])
def portal(request, postgres, settings, tmp_path, static_root):
    """The portal under gunicorn, reaching PostgreSQL through a proxy the test controls."""
    secret = secrets.token_urlsafe(64)
    settings.SECRET_KEY = secret  # sessions made here are readable by the server
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    server = WebServer(
        database_url=database_url(host="127.0.0.1", port=proxy.port),
        secret_key=secret,
        workdir=tmp_path,
        static_root=static_root,
        CONN_MAX_AGE=request.param,
    )
    try:
        server.wait_ready()
        yield server, proxy
    finally:
        server.stop()
        proxy.close()
        print(server.log.read_text()[-8000:])  # shown when a test fails


@pytest.fixture
def people_and_assessment(postgres):
    people = tenant("F")
    today = timezone.localdate()
    current = Round.objects.create(
        name="2026 to 2027",
        framework_version=shipped_framework_version(),
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=10),
    )
    assessment = services.assessment_start(
        authority=people.authority, round=current, actor=people.lead
    )
    return people, assessment


def assert_service_unavailable_page(response) -> None:
    html = response.text
    assert response.status_code == 503, html[:2000]
    assert response.headers["Content-Type"].startswith("text/html")
    assert UNAVAILABLE in html
    assert "govuk-template" in html and "govuk-header" in html and "govuk-footer" in html
    assert "Maturity Portal" in html  # the service name in the header and title
    for leak in LEAKS:
        assert leak not in html


def test_pages_and_healthz_say_unavailable_while_the_database_is_cut_and_recover(
    portal, people_and_assessment
):
    server, proxy = portal
    people, assessment = people_and_assessment
    officer = signed_in(server, people.officer)
    anonymous = server.browser()
    task_list = reverse("assessments:task_list", args=[assessment.pk])
    dimension = reverse("assessments:dimension", args=[assessment.pk, "information_governance"])
    model = reverse("frameworks:explorer")
    pid = server.process.pid

    assert officer.get(task_list).status_code == 200
    assert anonymous.get(model).status_code == 200
    assert server.browser().get("/healthz").json()["database"] == "ok"

    proxy.cut()
    for browser, path in [(officer, task_list), (officer, dimension), (anonymous, model)]:
        assert_service_unavailable_page(browser.get(path))
    health = server.browser().get("/healthz")
    assert health.status_code == 503
    assert health.headers["Content-Type"] == "application/json"
    assert health.json()["status"] == "unavailable"
    assert health.json()["database"] == "unreachable"

    proxy.restore()  # the database is back: no restart
    assert officer.get(task_list).status_code == 200
    assert "Information governance" in officer.get(dimension).text
    assert anonymous.get(model).status_code == 200
    assert server.browser().get("/healthz").status_code == 200
    assert server.process.pid == pid and server.process.poll() is None


def dimension_form(browser, path: str, rating: str) -> dict[str, str]:
    page = browser.get(path)
    assert page.status_code == 200
    answer_revision = _field(page.text, "revision")
    data = {
        "csrfmiddlewaretoken": browser.csrf_token(page.text),
        "revision": answer_revision,
        "notes": "Saved while the database went away",
        "action": "later",
    }
    for name in _statement_fields(page.text):
        data[name] = rating
    return data


def _field(html: str, name: str) -> str:
    import re

    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} field"
    return match.group(1)


def _statement_fields(html: str) -> list[str]:
    import re

    fields = sorted(set(re.findall(r'name="(statement_\d+)"', html)))
    assert fields, "no statement fields"
    return fields


def test_a_dimension_save_cut_between_statements_writes_nothing(portal, people_and_assessment):
    server, proxy = portal
    people, assessment = people_and_assessment
    officer = signed_in(server, people.officer)
    answer = assessment.dimension_answers.select_related("dimension").first()
    path = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    data = dimension_form(officer, path, Rating.FULLY)
    before = (StatementRating.objects.count(), HistoryEntry.objects.count(), answer.revision)

    # The ratings are inserted, then the connection goes as the history is about to be written.
    proxy.cut_before(b'INSERT INTO "assessments_historyentry"')
    response = officer.post(path, data)
    assert proxy.cut_count == 1
    assert b'INSERT INTO "assessments_statementrating"' in proxy.forwarded
    assert_service_unavailable_page(response)

    proxy.restore()
    answer.refresh_from_db()
    after = (StatementRating.objects.count(), HistoryEntry.objects.count(), answer.revision)
    assert after == before  # rolled back: no ratings, no history, same revision

    # The same form sent again once the database is back is saved whole.
    response = officer.post(path, data)
    assert response.status_code == 302, response.text[:2000]
    answer.refresh_from_db()
    statements = answer.dimension.statements.count()
    assert StatementRating.objects.filter(answer=answer).count() == statements
    assert set(StatementRating.objects.values_list("rating", flat=True)) == {Rating.FULLY}
    assert HistoryEntry.objects.count() == before[1] + statements + 1  # ratings and notes
    assert answer.revision == before[2] + 1


def test_a_submission_cut_before_its_task_is_recorded_writes_nothing(portal, people_and_assessment):
    server, proxy = portal
    people, assessment = people_and_assessment
    complete(assessment, people.officer)
    lead = signed_in(server, people.lead)
    path = reverse("assessments:check_answers", args=[assessment.pk])
    page = lead.get(path)
    assert page.status_code == 200
    data = {"csrfmiddlewaretoken": lead.csrf_token(page.text)}
    history = HistoryEntry.objects.count()

    # Status and history are written, then the connection goes as the outbox row is inserted.
    proxy.cut_before(b'INSERT INTO "core_outboxtask"')
    assert_service_unavailable_page(lead.post(path, data))
    assert b'UPDATE "assessments_assessment"' in proxy.forwarded

    proxy.restore()
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert assessment.submission_count == 0 and assessment.results_revision == 0
    assert HistoryEntry.objects.count() == history
    assert not OutboxTask.objects.exists()

    # Submitting again once the database is back works, with its task recorded.
    response = lead.post(path, data)
    assert response.status_code == 302, response.text[:2000]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert OutboxTask.objects.filter(task_name=services.COMPUTE_RESULTS_TASK).count() == 1
    assert DimensionAnswer.objects.filter(assessment=assessment).count() == 8


@pytest.mark.parametrize("portal", ["0"], indirect=True)
def test_the_unavailable_page_looks_right_and_is_accessible(portal, page, assert_accessible):
    server, proxy = portal
    proxy.cut()
    page.set_extra_http_headers({"X-Forwarded-Proto": "https"})
    response = page.goto(f"{server.base}/model/")
    assert response.status == 503
    assert page.locator("h1").inner_text() == UNAVAILABLE
    # The GOV.UK styles load (served by the web process without the database).
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontWeight") == "700"
    assert_accessible(page)
    page.screenshot(path=str(server.log.parent / "service-unavailable.png"), full_page=True)


# Only with a new connection per request (the default): a kept connection (CONN_MAX_AGE=60) that
# stops answering holds the request for longer than 90 seconds (docs/reliability.md).
@pytest.mark.parametrize("portal", ["0"], indirect=True)
def test_a_database_that_stops_answering_gives_the_unavailable_page_in_seconds(
    portal, people_and_assessment
):
    """Nothing is refused or reset: connections open, and nothing comes back. The connection
    timeout (DATABASES OPTIONS connect_timeout, 5 s) bounds the wait."""
    server, proxy = portal
    people, assessment = people_and_assessment
    officer = signed_in(server, people.officer)
    task_list = reverse("assessments:task_list", args=[assessment.pk])
    assert officer.get(task_list).status_code == 200

    proxy.blackhole()
    started = time.monotonic()
    response = officer.get(task_list, timeout=90)
    waited = time.monotonic() - started
    assert_service_unavailable_page(response)
    assert 4 < waited < 15, waited
    health = server.browser().get("/healthz", timeout=90)
    assert health.status_code == 503

    proxy.restore()
    assert officer.get(task_list).status_code == 200
    assert server.browser().get("/healthz").status_code == 200
