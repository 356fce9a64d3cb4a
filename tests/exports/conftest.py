import csv
import datetime
import io

import pytest
from django.utils import timezone

from assessments.models import Round
from tests.reviews import conftest as review_fixtures

# The assessment and review tests' fixtures, shared.
version = review_fixtures.version
tenants = review_fixtures.tenants
open_round = review_fixtures.open_round
assessment = review_fixtures.assessment
other_assessment = review_fixtures.other_assessment
committed = review_fixtures.committed
submitted = review_fixtures.submitted
other_submitted = review_fixtures.other_submitted


@pytest.fixture(autouse=True)
def _no_two_factor(settings):
    settings.PORTAL_REQUIRE_2FA = False


def make_round(version, name: str, days_ago: int) -> Round:
    opens = timezone.localdate() - datetime.timedelta(days=days_ago)
    return Round.objects.create(
        name=name,
        framework_version=version,
        opens_on=opens,
        closes_on=opens + datetime.timedelta(days=90),
    )


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response).decode("utf-8-sig") if response.streaming else None
    text = text or response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(response.content))


def xlsx_rows(workbook, sheet: str = "Results") -> list[dict[str, object]]:
    rows = list(workbook[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]
