import pytest

from assessments import services
from assessments.models import AssessmentStatus
from benchmarking.services import RECOMPUTE_TASK
from core.models import OutboxTask

from .helpers import complete

pytestmark = pytest.mark.django_db


def test_stored_results_of_an_agreed_assessment_ask_for_the_rounds_benchmarks(assessment, tenants):
    complete(assessment, tenants.a.officer)
    services.assessment_submit(assessment=assessment, actor=tenants.a.lead)
    services.assessment_results_compute(assessment_id=assessment.pk, revision=1)
    assert not OutboxTask.objects.filter(task_name=RECOMPUTE_TASK).exists()

    assessment.refresh_from_db()
    assessment.status = AssessmentStatus.AGREED
    assessment.results_revision = 2
    assessment.save(update_fields=["status", "results_revision"])
    services.assessment_results_compute(assessment_id=assessment.pk, revision=2)
    task = OutboxTask.objects.get(task_name=RECOMPUTE_TASK)
    assert task.kwargs == {"round_id": assessment.round_id}
