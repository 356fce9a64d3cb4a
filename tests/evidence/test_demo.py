"""Demo evidence added by `manage.py seed_demo` (evidence/demo.py)."""

import hashlib
import io

import pytest
from django.core.management import call_command

from assessments.models import HistoryEntry, HistoryKind
from evidence.models import EvidenceItem, EvidenceKind
from evidence.selectors import evidence_counts
from evidence.storage import evidence_storage
from tests.factories.frameworks import shipped_framework_version

pytestmark = pytest.mark.django_db


def test_demo_evidence_is_coherent_and_idempotent(evidence_storage_root):
    shipped_framework_version()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo evidence:" in out.getvalue()
    items = list(EvidenceItem.objects.select_related("assessment__authority", "answer"))
    assert items, "demo evidence expected for started current-round assessments"
    for item in items:
        assert item.authority_id == item.assessment.authority_id == item.answer.authority_id
        assert item.assessment.authority.is_demo
        assert item.added_at <= item.assessment.last_activity_at
        if item.kind == EvidenceKind.LINK:
            assert item.url.startswith("https://")
        if item.kind == EvidenceKind.FILE:
            with evidence_storage().open(item.stored_name, "rb") as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == item.sha256
    assert HistoryEntry.objects.filter(kind=HistoryKind.EVIDENCE).count() == len(items)
    counts = evidence_counts(assessment=items[0].assessment)
    assert sum(counts.values()) == sum(
        1 for i in items if i.assessment_id == items[0].assessment_id
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert EvidenceItem.objects.count() == len(items)
