import datetime

import pytest
from django.utils import timezone

from assessments.models import Round
from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version


@pytest.fixture
def version(db):
    return shipped_framework_version()


@pytest.fixture
def tenants(db):
    return two_tenants()


@pytest.fixture
def open_round(version):
    today = timezone.localdate()
    return Round.objects.create(
        name="2026 to 2027",
        framework_version=version,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )


@pytest.fixture
def assessment(tenants, open_round):
    from assessments.services import assessment_start

    return assessment_start(authority=tenants.a.authority, round=open_round, actor=tenants.a.lead)


@pytest.fixture
def other_assessment(tenants, open_round):
    from assessments.services import assessment_start

    return assessment_start(authority=tenants.b.authority, round=open_round, actor=tenants.b.lead)
