import pytest

from tests.assessments import conftest as assessment_fixtures
from tests.assessments.helpers import complete

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
