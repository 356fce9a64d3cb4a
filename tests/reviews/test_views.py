import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AreaAssignment, Authority
from assessments import services as assessment_services
from assessments.models import Assessment, AssessmentStatus, HistoryEntry, HistoryKind
from reviews.models import Moderation
from tests.assessments.helpers import complete
from tests.factories.accounts import AuthorityFactory

pytestmark = pytest.mark.django_db


def key_of(assessment):
    return assessment.dimension_answers.order_by("dimension__order")[0].dimension.key


def test_the_area_lead_sees_their_area_s_authorities_only(client, tenants, submitted):
    client.force_login(tenants.a.area_lead)
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert "Authority A" in html and "Authority B" not in html
    assert reverse("reviews:review", args=[submitted.pk]) in html
    assert 'aria-sort="ascending"' in html


def test_national_admins_see_every_area_and_can_filter_by_area(client, tenants, submitted):
    client.force_login(tenants.national_admin)
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert "Authority A" in html and "Authority B" in html
    html = client.get(reverse("reviews:dashboard") + f"?area={tenants.b.area.pk}").content.decode()
    assert "Authority A" not in html and "Authority B" in html


@pytest.mark.parametrize("role", ["officer", "authority_lead", "viewer"])
def test_authority_members_cannot_reach_the_review_pages(client, tenants, submitted, role):
    client.force_login(tenants.a.member(role))
    for url in (
        reverse("reviews:dashboard"),
        reverse("reviews:review", args=[submitted.pk]),
        reverse("reviews:moderate", args=[submitted.pk, key_of(submitted)]),
        reverse("reviews:return", args=[submitted.pk]),
        reverse("reviews:agree", args=[submitted.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_another_area_s_lead_gets_404_and_changes_nothing(client, tenants, submitted):
    client.force_login(tenants.b.area_lead)
    key = key_of(submitted)
    assert client.get(reverse("reviews:review", args=[submitted.pk])).status_code == 404
    assert (
        client.post(
            reverse("reviews:moderate", args=[submitted.pk, key]),
            {"decision": "3", "reason": "x"},
        ).status_code
        == 404
    )
    assert client.post(reverse("reviews:agree", args=[submitted.pk]), {}).status_code == 404
    response = client.post(reverse("reviews:return", args=[submitted.pk]), {"comments": "x"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED
    assert not Moderation.objects.exists()


def test_moderating_through_the_page(client, tenants, submitted, committed):
    client.force_login(tenants.a.area_lead)
    key = key_of(submitted)
    url = reverse("reviews:moderate", args=[submitted.pk, key])
    assert "Moderate to level 3" in client.get(url).content.decode()
    response = client.post(url, {"decision": "3", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "Explain why you are moderating" in html
    assert not Moderation.objects.exists()
    with committed():
        response = client.post(url, {"decision": "3", "reason": "Strong evidence seen."})
    assert response.status_code == 302
    assert Moderation.objects.get().level == 3
    html = client.get(reverse("reviews:review", args=[submitted.pk])).content.decode()
    assert "Moderated to level 3: Strong evidence seen." in html


def test_returning_without_comments_shows_an_error(client, tenants, submitted):
    client.force_login(tenants.a.area_lead)
    response = client.post(reverse("reviews:return", args=[submitted.pk]), {"comments": ""})
    assert "Enter comments to tell the authority what to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.SUBMITTED


def test_return_then_agree_through_the_pages(client, tenants, submitted, committed):
    client.force_login(tenants.a.area_lead)
    mail.outbox.clear()
    with committed():
        response = client.post(
            reverse("reviews:return", args=[submitted.pk]), {"comments": "Add detail."}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    # The authority sees the comments on its task list and can submit again.
    client.force_login(tenants.a.lead)
    html = client.get(reverse("assessments:task_list", args=[submitted.pk])).content.decode()
    assert "Returned for changes" in html and "Add detail." in html
    with committed():
        assessment_services.assessment_submit(assessment=submitted, actor=tenants.a.lead)
    client.force_login(tenants.a.area_lead)
    with committed():
        client.post(reverse("reviews:agree", args=[submitted.pk]), {"comments": ""})
    submitted.refresh_from_db()
    assert submitted.status == AssessmentStatus.AGREED
    # Agreeing twice: a clear message, nothing written.
    entries = HistoryEntry.objects.filter(kind=HistoryKind.STATUS).count()
    response = client.post(reverse("reviews:agree", args=[submitted.pk]), {}, follow=True)
    assert "already been agreed" in response.content.decode()
    assert HistoryEntry.objects.filter(kind=HistoryKind.STATUS).count() == entries


def test_a_draft_cannot_be_reviewed(client, tenants, assessment):
    client.force_login(tenants.a.area_lead)
    assert client.get(reverse("reviews:review", args=[assessment.pk])).status_code == 404
    response = client.post(
        reverse("reviews:moderate", args=[assessment.pk, key_of(assessment)]),
        {"decision": "2", "reason": "x"},
        follow=True,
    )
    assert "not submitted, so you cannot moderate it" in response.content.decode()
    assert not Moderation.objects.exists()


def test_results_show_the_moderated_level_the_gap_and_comments(
    client, tenants, submitted, committed
):
    from reviews import services

    answer = submitted.dimension_answers.order_by("dimension__order")[0]
    with committed():
        services.dimension_moderate(
            assessment=submitted, answer=answer, actor=tenants.a.area_lead, level=3, reason="Seen"
        )
        services.assessment_agree(
            assessment=submitted, actor=tenants.a.area_lead, comments="Well evidenced."
        )
    client.force_login(tenants.a.viewer)
    html = client.get(reverse("assessments:results", args=[submitted.pk])).content.decode()
    assert "+2" in html  # self-assessed 1, moderated 3
    assert "Well evidenced." in html
    assert "moderated to level 3" in html


def _many_authorities(tenants, round_, count):
    lead = tenants.a.lead
    for n in range(count):
        authority = AuthorityFactory(name=f"Extra {n:03d}", area=tenants.a.area)
        assessment = Assessment.objects.create(
            authority=authority, round=round_, framework_version=round_.framework_version
        )
        if n % 2:
            assessment.status = AssessmentStatus.SUBMITTED
            assessment.submitted_at = assessment.started_at - datetime.timedelta(days=n)
            assessment.save()
    return lead


def test_the_dashboard_runs_a_constant_number_of_queries(
    client, tenants, submitted, django_assert_max_num_queries
):
    client.force_login(tenants.a.area_lead)
    url = reverse("reviews:dashboard") + "?sort=days&dir=desc"
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    _many_authorities(tenants, submitted.round, 40)
    assert Authority.objects.filter(area=tenants.a.area).count() == 41
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    assert "page 1 of 2" in html
    assert 'aria-sort="descending"' in html


def test_the_dashboard_filters_by_status_and_level(client, tenants, submitted):
    _many_authorities(tenants, submitted.round, 4)
    client.force_login(tenants.a.area_lead)
    html = client.get(reverse("reviews:dashboard") + "?status=in_progress").content.decode()
    assert "Extra 000" in html and "Extra 001" not in html and "Authority A" not in html
    html = client.get(reverse("reviews:dashboard") + "?level=1").content.decode()
    assert "Authority A" in html and "Extra 000" not in html
    html = client.get(reverse("reviews:dashboard") + "?level=4").content.decode()
    assert "No authorities match these filters." in html


def test_a_second_area_lead_of_the_same_area_may_review(client, tenants, submitted):
    from tests.factories.accounts import UserFactory

    other = UserFactory(email="second.lead@example.org")
    AreaAssignment.objects.create(user=other, area=tenants.a.area)
    client.force_login(other)
    assert client.get(reverse("reviews:review", args=[submitted.pk])).status_code == 200


def test_the_dashboard_selector_keeps_to_the_areas_it_is_given(tenants, other_assessment):
    from reviews.selectors import area_dashboard

    complete(other_assessment, tenants.b.lead)
    board = area_dashboard(areas=[tenants.a.area], round=other_assessment.round)
    assert [r.authority.name for r in board.rows] == ["Authority A"]


def test_an_area_lead_of_two_areas_reviews_only_the_area_acted_for(
    client, tenants, submitted, other_submitted
):
    from accounts.tenancy import SESSION_KEY, area_key

    AreaAssignment.objects.create(user=tenants.a.area_lead, area=tenants.b.area)
    client.force_login(tenants.a.area_lead)
    session = client.session
    session[SESSION_KEY] = area_key(tenants.a.area)
    session.save()
    assert client.get(reverse("reviews:review", args=[submitted.pk])).status_code == 200
    assert client.get(reverse("reviews:review", args=[other_submitted.pk])).status_code == 404
    html = client.get(reverse("reviews:dashboard") + f"?area={tenants.b.area.pk}").content.decode()
    assert "Authority A" in html and "Authority B" not in html


def test_national_admins_also_see_authorities_not_yet_in_an_area(client, tenants, submitted):
    lone = AuthorityFactory(name="Authority without an area", area=None)
    client.force_login(tenants.national_admin)
    html = client.get(reverse("reviews:dashboard")).content.decode()
    assert lone.name in html and "No area" in html
    html = client.get(reverse("reviews:dashboard") + f"?area={tenants.a.area.pk}").content.decode()
    assert lone.name not in html and "Authority A" in html
