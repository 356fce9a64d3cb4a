import pytest
from django.urls import reverse

from assessments import services
from assessments.models import AssessmentResult, AssessmentStatus, StatementRating
from assessments.scoring import Rating
from frameworks.models import Statement

from .helpers import answer_dimension, complete

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def dimension_post(answer, rating=Rating.FULLY, action="continue", **extra):
    data = {"revision": answer.revision, "notes": "", "action": action}
    for statement in answer.dimension.statements.all():
        data[f"statement_{statement.pk}"] = rating
    data.update(extra)
    return data


def page_urls(assessment, key="information_governance"):
    pk = assessment.pk
    return [
        reverse("assessments:task_list", args=[pk]),
        reverse("assessments:checklist", args=[pk]),
        reverse("assessments:dimension", args=[pk, key]),
        reverse("assessments:history", args=[pk]),
        reverse("assessments:check_answers", args=[pk]),
        reverse("assessments:results", args=[pk]),
    ]


def test_the_list_shows_rounds_and_lets_the_lead_start(client, tenants, open_round):
    signed_in(client, tenants.a.lead)
    response = client.get(reverse("assessments:list"))
    assert response.status_code == 200
    assert "2026 to 2027" in response.content.decode()
    response = client.post(reverse("assessments:start", args=[open_round.pk]))
    assessment = tenants.a.authority.assessments.get()
    assert response.url == reverse("assessments:task_list", args=[assessment.pk])


def test_an_officer_cannot_start_an_assessment(client, tenants, open_round):
    signed_in(client, tenants.a.officer)
    response = client.post(reverse("assessments:start", args=[open_round.pk]))
    assert response.status_code == 404
    assert not tenants.a.authority.assessments.exists()


def test_the_task_list_shows_every_dimension_by_strand(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    html = client.get(reverse("assessments:task_list", args=[assessment.pk])).content.decode()
    assert "govuk-task-list" in html
    assert html.count('<li class="govuk-task-list__item') == 8 + 2
    assert "Information governance" in html
    assert "Pre-model checklist" in html
    assert "Check and submit" in html


@pytest.mark.parametrize("role", ["officer", "lead", "viewer"])
def test_another_authoritys_assessment_is_not_found_on_every_page(
    client, tenants, assessment, other_assessment, role
):
    signed_in(client, getattr(tenants.b, role))
    for url in page_urls(assessment):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"revision": 0}).status_code in (404, 405), url
    for url in page_urls(other_assessment):
        assert client.get(url).status_code == 200, url


def test_anonymous_requests_are_sent_to_sign_in(client, assessment):
    for url in page_urls(assessment):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_viewer_reads_but_cannot_change_answers(client, tenants, assessment):
    signed_in(client, tenants.a.viewer)
    answer = assessment.dimension_answers.first()
    url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    html = client.get(url).content.decode()
    assert "Save and continue" not in html
    assert client.post(url, dimension_post(answer)).status_code == 404
    assert not StatementRating.objects.exists()


def test_an_officer_completes_a_dimension_through_the_pages(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    answer = assessment.dimension_answers.first()
    key = answer.dimension.key
    response = client.post(
        reverse("assessments:dimension", args=[assessment.pk, key]),
        dimension_post(answer, Rating.PARTLY),
    )
    assert response.status_code == 302
    assert response.url == reverse("assessments:dimension_level", args=[assessment.pk, key])
    html = client.get(response.url).content.decode()
    assert "Suggested level: 1" in html
    answer.refresh_from_db()
    response = client.post(response.url, {"revision": answer.revision, "level": 1})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.confirmed_level == 1


def test_continuing_with_unrated_statements_names_each_one(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    answer = assessment.dimension_answers.first()
    url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    response = client.post(url, {"revision": 0, "action": "continue"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select how far Early statement 1 describes your authority" in html
    assert not StatementRating.objects.exists()
    # Coming back later keeps a partial answer.
    first = answer.dimension.statements.first()
    response = client.post(
        url, {"revision": 0, "action": "later", f"statement_{first.pk}": Rating.FULLY}
    )
    assert response.status_code == 302
    assert StatementRating.objects.count() == 1


def test_a_forged_statement_value_or_field_is_refused(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    answer = assessment.dimension_answers.first()
    url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    data = dimension_post(answer)
    first = answer.dimension.statements.first()
    data[f"statement_{first.pk}"] = "excellent"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select how far Early statement 1 describes your authority" in response.content.decode()
    # A statement of another dimension smuggled in is ignored: only this dimension's are read.
    other = Statement.objects.exclude(dimension=answer.dimension).first()
    data = dimension_post(answer, action="later", **{f"statement_{other.pk}": "fully"})
    assert client.post(url, data).status_code == 302
    assert not StatementRating.objects.filter(statement=other).exists()


def test_a_missing_justification_is_an_error_on_the_level_page(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    answer = answer_dimension(assessment.dimension_answers.first(), tenants.a.officer)
    url = reverse("assessments:dimension_level", args=[assessment.pk, answer.dimension.key])
    response = client.post(url, {"revision": answer.revision, "level": 4, "justification": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Explain why you chose level 4 when the suggested level is 1" in html
    response = client.post(url, {"revision": answer.revision, "level": 7})
    assert "Select a level from 1 to 4" in response.content.decode()


def test_two_people_saving_the_same_dimension_one_gets_a_conflict(
    client, django_user_model, tenants, assessment
):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(tenants.a.officer)
    second.force_login(tenants.a.lead)
    answer = assessment.dimension_answers.first()
    url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    both_loaded_revision = answer.revision
    response = first.post(url, dimension_post(answer, Rating.FULLY, action="later"))
    assert response.status_code == 302
    stale = dimension_post(answer, Rating.NOT_AT_ALL, action="later")
    stale["revision"] = both_loaded_revision
    response = second.post(url, stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Officer A changed this dimension while you were editing it" in html
    assert "What they changed" in html
    assert "Fully describes us" in html
    assert set(StatementRating.objects.values_list("rating", flat=True)) == {Rating.FULLY}
    # The refused form now carries the current revision: saving again is a deliberate choice.
    answer.refresh_from_db()
    assert f'name="revision" value="{answer.revision}"' in html


def test_submission_lists_what_is_missing(client, tenants, assessment):
    signed_in(client, tenants.a.lead)
    response = client.post(reverse("assessments:check_answers", args=[assessment.pk]))
    html = response.content.decode()
    assert "You cannot submit the assessment yet" in html
    assert "Pre-model checklist: 6 of 6 items not answered" in html
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS


def test_only_a_lead_submits_and_results_appear(
    client, tenants, assessment, django_capture_on_commit_callbacks
):
    complete(assessment, tenants.a.officer)
    signed_in(client, tenants.a.officer)
    url = reverse("assessments:check_answers", args=[assessment.pk])
    assert "Submit the assessment" not in client.get(url).content.decode()
    assert client.post(url).status_code == 404
    signed_in(client, tenants.a.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.url == reverse("assessments:submitted", args=[assessment.pk])
    assert AssessmentResult.objects.filter(assessment=assessment).exists()
    html = client.get(reverse("assessments:results", args=[assessment.pk])).content.decode()
    assert "Overall level 1" in html
    assert "dmm-scoring/1" in html


def test_results_say_they_are_being_calculated_until_the_worker_stores_them(
    client, tenants, assessment
):
    complete(assessment, tenants.a.officer)
    services.assessment_submit(assessment=assessment, actor=tenants.a.lead)  # no commit: no task
    signed_in(client, tenants.a.viewer)
    html = client.get(reverse("assessments:results", args=[assessment.pk])).content.decode()
    assert "We are calculating the levels" in html
    assert "Refresh this page" in html


def test_the_history_page_lists_changes(client, tenants, assessment):
    answer_dimension(assessment.dimension_answers.first(), tenants.a.officer)
    signed_in(client, tenants.a.viewer)
    html = client.get(reverse("assessments:history", args=[assessment.pk])).content.decode()
    assert "Officer A" in html
    assert "Fully describes us" in html
    assert "Confirmed level" in html


def test_the_lead_assigns_dimensions(client, tenants, assessment):
    signed_in(client, tenants.a.lead)
    answer = assessment.dimension_answers.first()
    url = reverse("assessments:assign", args=[assessment.pk])
    response = client.post(url, {f"assignee_{answer.pk}": str(tenants.a.officer.pk)})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.assigned_to == tenants.a.officer
    response = client.post(url, {f"assignee_{answer.pk}": str(tenants.b.officer.pk)})
    assert "Choose someone from the list" in response.content.decode()
    signed_in(client, tenants.a.officer)
    assert client.get(url).status_code == 404


def test_the_task_list_and_dimension_page_run_a_constant_number_of_queries(
    client, tenants, assessment, django_assert_max_num_queries
):
    signed_in(client, tenants.a.officer)
    task_list = reverse("assessments:task_list", args=[assessment.pk])
    answer = assessment.dimension_answers.first()
    dimension = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    client.get(task_list)  # warm the session
    # The first dimension page in a process also reads the (published) model version, once.
    with django_assert_max_num_queries(18) as first_dimension:
        client.get(dimension)
    first_dimension_count = len(first_dimension.captured_queries)
    # Counts are read straight after each block: the next request clears Django's query log.
    with django_assert_max_num_queries(16) as empty_task_list:
        client.get(task_list)
    task_list_count = len(empty_task_list.captured_queries)
    with django_assert_max_num_queries(first_dimension_count - 6) as empty_dimension:
        client.get(dimension)
    dimension_count = len(empty_dimension.captured_queries)
    assert task_list_count > 0 and dimension_count > 0
    complete(assessment, tenants.a.officer)
    for _ in range(3):  # more history rows and ratings
        for answer in assessment.dimension_answers.all():
            answer_dimension(
                answer, tenants.a.officer, pattern=dict.fromkeys((1, 2, 3, 4), Rating.PARTLY)
            )
            answer_dimension(answer, tenants.a.officer)
    with django_assert_max_num_queries(task_list_count):
        client.get(task_list)
    with django_assert_max_num_queries(dimension_count):
        client.get(dimension)


def test_national_admins_open_rounds_and_others_get_404(client, tenants, version):
    url = reverse("assessments:round_manage")
    signed_in(client, tenants.a.lead)
    assert client.get(url).status_code == 404
    signed_in(client, tenants.national_admin)
    response = client.post(
        url,
        {
            "name": "2027 to 2028",
            "framework_version": version.pk,
            "opens_on_0": "1",
            "opens_on_1": "4",
            "opens_on_2": "2027",
            "closes_on_0": "31",
            "closes_on_1": "3",
            "closes_on_2": "2027",
        },
    )
    assert response.status_code == 200
    assert "The closing date must be on or after the opening date" in response.content.decode()
    response = client.post(
        url,
        {
            "name": "2027 to 2028",
            "framework_version": version.pk,
            "opens_on_0": "1",
            "opens_on_1": "4",
            "opens_on_2": "2027",
            "closes_on_0": "31",
            "closes_on_1": "3",
            "closes_on_2": "2028",
        },
    )
    assert response.status_code == 302
    assert "2027 to 2028" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "2", "2027"), ("1", "4", "99999999999999999999"), ("99999999999999999999", "1", "1")],
    ids=["no-such-day", "year-too-large-for-a-date", "day-too-large-for-a-number"],
)
def test_a_round_date_that_is_not_a_real_date_is_named_not_a_500(
    client, tenants, version, day, month, year
):
    signed_in(client, tenants.national_admin)
    response = client.post(
        reverse("assessments:round_manage"),
        {
            "name": "2027 to 2028",
            "framework_version": version.pk,
            "opens_on_0": day,
            "opens_on_1": month,
            "opens_on_2": year,
            "closes_on_0": "31",
            "closes_on_1": "3",
            "closes_on_2": "2028",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter the opening date as a real date" in page


def test_a_dimension_save_runs_a_constant_number_of_queries_and_reads_nothing_twice(
    client, tenants, assessment, django_assert_max_num_queries
):
    """The save reads the answer's ratings once (the view's rows, confirmed by the revision under
    the lock) and the published version's statements not at all once cached, whatever the number
    of statements and history rows."""
    signed_in(client, tenants.a.officer)
    answer = assessment.dimension_answers.select_related("dimension").first()
    url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    statements = list(answer.dimension.statements.values_list("pk", flat=True))
    client.get(url)  # warm the session

    def save(rating: str, notes: str):
        answer.refresh_from_db()
        form = {"revision": answer.revision, "notes": notes, "action": "later"}
        form.update({f"statement_{pk}": rating for pk in statements})
        return client.post(url, form)

    with django_assert_max_num_queries(17) as first:
        assert save("partly", "First save").status_code == 302
    # Read the count now: the next request clears Django's query log (request_started).
    first_count = len(first.captured_queries)
    for n in range(5):  # more ratings changed and more history rows
        assert save(("fully", "not_at_all")[n % 2], f"Save {n}").status_code == 302
    with django_assert_max_num_queries(first_count) as later:
        assert save("partly", "Last save").status_code == 302
    statement_reads = [
        q["sql"]
        for q in later.captured_queries
        if q["sql"].startswith('SELECT "frameworks_statement"')
    ]
    rating_reads = [
        q["sql"]
        for q in later.captured_queries
        if q["sql"].startswith('SELECT "assessments_statementrating"')
    ]
    # The published version's statements come from the process's cache; the ratings are read once.
    assert statement_reads == [] and len(rating_reads) == 1
    answer.refresh_from_db()
    assert answer.notes == "Last save"
    assert set(answer.ratings.values_list("rating", flat=True)) == {"partly"}
