"""The files open in a spreadsheet: the workbook is a valid Office Open XML package that openpyxl
reads back (and LibreOffice converts, where it is installed; it is not a dependency)."""

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import service_missing

from .conftest import read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def workbook_bytes(client, tenants, submitted):
    client.force_login(tenants.a.viewer)
    response = client.get(reverse("exports:authority_download"), {"round": "all", "format": "xlsx"})
    assert response.status_code == 200
    return response.content


def test_the_workbook_is_a_valid_package(workbook_bytes, tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(workbook_bytes)
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        names = set(package.namelist())
    assert {"[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"} <= names
    workbook = read_xlsx(type("R", (), {"content": workbook_bytes}))
    sheet = workbook["Results"]
    assert sheet.auto_filter.ref.startswith("A1:")
    assert all(sheet.column_dimensions[c].width for c in ("A", "B", "Y"))


def test_libreoffice_converts_the_workbook_where_installed(workbook_bytes, tmp_path):
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        service_missing(
            "LibreOffice", "it is not installed (apt-get install libreoffice-calc-nogui)"
        )
    source = tmp_path / "export.xlsx"
    source.write_bytes(workbook_bytes)
    subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
        [office, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    converted = Path(tmp_path / "export.csv").read_text("utf-8", errors="replace")
    assert converted.startswith("Authority,ONS code,")
    assert "Authority A" in converted


def test_the_documentation_lists_every_column():
    from exports.builders import PEER_FIELDS, RESULT_COLUMNS

    text = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text()
    for column in RESULT_COLUMNS:
        assert f"| {column.heading} |" in text, column.heading
    for name, _ in PEER_FIELDS:
        assert name in text, name
