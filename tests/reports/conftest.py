"""A submitted assessment with stored results (tasks run eagerly), and a private report storage
in a temporary folder for each test."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assessments.models import Round
from tests.assessments.helpers import complete
from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version


@pytest.fixture(autouse=True)
def reports_root(settings, tmp_path):
    root = tmp_path / "reports"
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def tenants(db):
    return two_tenants()


@pytest.fixture
def open_round(db):
    version = shipped_framework_version()
    today = timezone.localdate()
    return Round.objects.create(
        name="2026 to 2027",
        framework_version=version,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction's commit (the outbox's dispatch) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def submitted_assessment(tenant, round_, committed):
    from assessments.services import assessment_start, assessment_submit

    assessment = assessment_start(authority=tenant.authority, round=round_, actor=tenant.lead)
    complete(assessment, tenant.lead)
    answer = assessment.dimension_answers.select_related("dimension").first()
    from evidence.services import evidence_text_add

    evidence_text_add(
        answer=answer,
        actor=tenant.lead,
        text="Our information sharing agreement, signed by every partner.",
        title="Information sharing agreement",
        description="Signed in March",
    )
    with committed():
        assessment_submit(assessment=assessment, actor=tenant.lead)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def assessment(tenants, open_round, committed):
    return submitted_assessment(tenants.a, open_round, committed)


@pytest.fixture
def other_assessment(tenants, open_round, committed):
    return submitted_assessment(tenants.b, open_round, committed)
