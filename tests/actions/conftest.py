import pytest

from assessments.scoring import Rating
from tests.assessments import conftest as assessment_fixtures
from tests.assessments.helpers import answer_dimension

# Fully at level 1, partly at 2, not at 3 and 4: every dimension at level 1 with gaps at level 2.
GAPPY = {1: Rating.FULLY, 2: Rating.PARTLY, 3: Rating.NOT_AT_ALL, 4: Rating.NOT_AT_ALL}


def complete(assessment, actor):
    from assessments.services import checklist_save

    checklist_save(
        assessment=assessment,
        actor=actor,
        answers={a.item_id: ("in_place", "") for a in assessment.checklist_answers.all()},
    )
    for answer in assessment.dimension_answers.all():
        answer_dimension(answer, actor, pattern=GAPPY)
    return assessment


# The assessment tests' fixtures, shared.
version = assessment_fixtures.version
tenants = assessment_fixtures.tenants
open_round = assessment_fixtures.open_round
assessment = assessment_fixtures.assessment
other_assessment = assessment_fixtures.other_assessment


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (outbox publishing, eager tasks) of what is done inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def submitted(tenants, assessment, committed):
    """Authority A's assessment, answered and submitted (results computed eagerly)."""
    from assessments.services import assessment_submit

    complete(assessment, tenants.a.lead)
    with committed():
        return assessment_submit(assessment=assessment, actor=tenants.a.lead)


@pytest.fixture
def other_submitted(tenants, other_assessment, committed):
    from assessments.services import assessment_submit

    complete(other_assessment, tenants.b.lead)
    with committed():
        return assessment_submit(assessment=other_assessment, actor=tenants.b.lead)
