"""Hypothesis fuzzing of the dimension and level forms: whatever is posted, the answer is a page
(with errors) or a redirect, never a 500, and nothing outside this dimension is written."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import HistoryEntry, StatementRating

from .helpers import answer_dimension

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["fully", "partly", "not_at_all", "", "0", "-1", "1e9", "None", "\x00"]),
    st.just("x" * 5001),
)


@pytest.fixture
def officer_client(tenants):
    client = Client()
    client.force_login(tenants.a.officer)
    return client


@FUZZ
@given(data=st.data())
def test_the_dimension_form_never_fails_badly(officer_client, assessment, other_assessment, data):
    answer = assessment.dimension_answers.select_related("dimension").first()
    own = [f"statement_{pk}" for pk in answer.dimension.statements.values_list("pk", flat=True)]
    foreign_answer = other_assessment.dimension_answers.exclude(dimension=answer.dimension).first()
    foreign = [
        f"statement_{pk}" for pk in foreign_answer.dimension.statements.values_list("pk", flat=True)
    ]
    keys = st.sampled_from([*own, *foreign, "revision", "notes", "action", "level", "x"])
    post = data.draw(st.dictionaries(keys, text, max_size=25))
    url = reverse("assessments:dimension", args=[assessment.pk, answer.dimension.key])
    response = officer_client.post(url, post)
    assert response.status_code in (200, 302)
    assert not StatementRating.objects.filter(answer=foreign_answer).exists()
    assert set(
        StatementRating.objects.filter(answer__assessment=assessment).values_list(
            "answer_id", flat=True
        )
    ) <= {answer.pk}


@FUZZ
@given(
    post=st.dictionaries(st.sampled_from(["revision", "level", "justification", "action"]), text)
)
def test_the_level_form_never_fails_badly(officer_client, assessment, tenants, post):
    answer = assessment.dimension_answers.select_related("dimension").first()
    if not answer.ratings.exists():
        answer_dimension(answer, tenants.a.officer)
    before = HistoryEntry.objects.count()
    url = reverse("assessments:dimension_level", args=[assessment.pk, answer.dimension.key])
    response = officer_client.post(url, post)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert HistoryEntry.objects.count() == before  # an error page wrote nothing
