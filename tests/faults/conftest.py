import datetime

import pytest
from django.utils import timezone

from tests.factories.accounts import two_tenants
from tests.factories.frameworks import shipped_framework_version

from .support import own_redis_and_worker, production_static  # noqa: F401 - a fixture


@pytest.fixture
def tenants(db):
    return two_tenants()


@pytest.fixture
def assessment(tenants):
    """Authority A's assessment in an open round."""
    from assessments.models import Round
    from assessments.services import assessment_start

    today = timezone.localdate()
    current = Round.objects.create(
        name="2026 to 2027",
        framework_version=shipped_framework_version(),
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )
    return assessment_start(authority=tenants.a.authority, round=current, actor=tenants.a.lead)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once for the gunicorn-served portal."""
    return production_static(tmp_path_factory.mktemp("static"))
