"""`manage.py render_report` renders one report synchronously to a file, for operators."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports.models import Report

pytestmark = pytest.mark.django_db


def test_render_report_for_an_assessment_and_an_area(assessment, tenants, open_round, tmp_path):
    out = io.StringIO()
    path = tmp_path / "authority.pdf"
    call_command("render_report", assessment=assessment.pk, output=str(path), stdout=out)
    assert f"Wrote {path}:" in out.getvalue()
    text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert tenants.a.authority.name in text
    area_path = tmp_path / "area.pdf"
    call_command(
        "render_report", area=tenants.a.area.pk, round=open_round.pk, output=str(area_path),
        stdout=out,
    )  # fmt: skip
    assert area_path.read_bytes().startswith(b"%PDF-")
    assert Report.objects.count() == 0  # no record, nobody notified


def test_render_report_says_what_is_missing(db, tmp_path):
    with pytest.raises(CommandError, match="no assessment with id 999"):
        call_command("render_report", assessment=999, output=str(tmp_path / "x.pdf"))
