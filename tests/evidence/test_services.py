"""Services: state checks, history, retention and deletion of stored files."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Assessment, AssessmentStatus, HistoryEntry, HistoryKind, Round
from evidence import services, tasks
from evidence.models import EvidenceItem

from .conftest import CORPUS, stored_files

pytestmark = pytest.mark.django_db
PDF = (CORPUS / "good" / "protocol.pdf").read_bytes()


def add_file(answer, actor, name="protocol.pdf"):
    return services.evidence_file_add(
        answer=answer,
        actor=actor,
        uploaded=SimpleUploadedFile(name, PDF),
        title="Protocol",
        description="Signed.",
        no_personal_data_confirmed=True,
    )


def test_the_confirmation_is_required_by_the_service_too(
    tenants, assessment, evidence_storage_root
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.evidence_file_add(
            answer=assessment.dimension_answers.first(),
            actor=tenants.a.officer,
            uploaded=SimpleUploadedFile("protocol.pdf", PDF),
            title="Protocol",
            description="Signed.",
            no_personal_data_confirmed=False,
        )
    assert "no_personal_data_confirmed" in refused.value.message_dict
    assert stored_files(evidence_storage_root) == []


def test_a_failure_after_the_file_is_written_deletes_it(
    tenants, assessment, evidence_storage_root, monkeypatch
):
    def broken_history(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_history", broken_history)
    with pytest.raises(RuntimeError):
        add_file(assessment.dimension_answers.first(), tenants.a.officer)
    assert stored_files(evidence_storage_root) == []
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize("status", [AssessmentStatus.SUBMITTED, AssessmentStatus.AGREED])
def test_nothing_changes_once_submitted(tenants, assessment, status, evidence_storage_root):
    answer = assessment.dimension_answers.first()
    item = services.evidence_text_add(
        answer=answer, actor=tenants.a.officer, text="t", title="T", description="d"
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    with pytest.raises(services.EvidenceError):
        add_file(answer, tenants.a.officer)
    with pytest.raises(services.EvidenceError):
        services.evidence_update(item=item, actor=tenants.a.officer, title="X", description="d")
    with pytest.raises(services.EvidenceError):
        services.evidence_remove(item=item, actor=tenants.a.officer)
    assert stored_files(evidence_storage_root) == []


def test_a_returned_assessment_can_be_changed_again(tenants, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.RETURNED)
    item = services.evidence_text_add(
        answer=assessment.dimension_answers.first(),
        actor=tenants.a.officer,
        text="t",
        title="T",
        description="d",
    )
    assert item.pk
    entry = HistoryEntry.objects.get(kind=HistoryKind.EVIDENCE)
    assert entry.dimension_id == item.answer.dimension_id


def _age(assessment, days):
    """Move the assessment's round and last activity `days` into the past."""
    past = timezone.localdate() - datetime.timedelta(days=days)
    Round.objects.filter(pk=assessment.round_id).update(
        opens_on=past - datetime.timedelta(days=60), closes_on=past
    )
    Assessment.objects.filter(pk=assessment.pk).update(
        last_activity_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_retention_deletes_old_files_only_and_is_idempotent(
    tenants,
    assessment,
    other_assessment,
    evidence_storage_root,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EVIDENCE_RETENTION_DAYS = 365
    old = add_file(assessment.dimension_answers.first(), tenants.a.officer)
    recent = add_file(other_assessment.dimension_answers.first(), tenants.b.officer)
    _age(assessment, 400)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_files.delay().get() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.stored_name == "" and old.file_deleted_at is not None
    assert old.sha256 and old.original_name == "protocol.pdf"  # the record stays
    assert recent.stored_name and recent.file_deleted_at is None
    assert [p.name for p in stored_files(evidence_storage_root)] == [
        recent.stored_name.rsplit("/", 1)[1]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evidence_files_expire() == 0


def test_retention_waits_for_the_last_activity_too(tenants, assessment, settings):
    settings.EVIDENCE_RETENTION_DAYS = 365
    item = add_file(assessment.dimension_answers.first(), tenants.a.officer)
    _age(assessment, 400)
    Assessment.objects.filter(pk=assessment.pk).update(last_activity_at=timezone.now())
    assert services.evidence_files_expire() == 0
    item.refresh_from_db()
    assert item.stored_name


def test_deleting_an_assessment_deletes_its_files_after_commit(
    tenants,
    assessment,
    other_assessment,
    evidence_storage_root,
    django_capture_on_commit_callbacks,
):
    add_file(assessment.dimension_answers.first(), tenants.a.officer)
    kept = add_file(other_assessment.dimension_answers.first(), tenants.b.officer)
    assert len(stored_files(evidence_storage_root)) == 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Assessment.objects.filter(pk=assessment.pk).delete()
    assert len(stored_files(evidence_storage_root)) == 2  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [p.name for p in stored_files(evidence_storage_root)] == [
        kept.stored_name.rsplit("/", 1)[1]
    ]
    assert EvidenceItem.objects.count() == 1


def test_the_retention_task_is_scheduled(settings):
    from maturity_portal.settings import base

    entry = base.CELERY_BEAT_SCHEDULE["evidence-retention"]
    assert entry["task"] == tasks.expire_files.name == "evidence.tasks.expire_files"
