"""tools/backup and tools/restore against a real PostgreSQL: demo data with evidence files is backed
up, restored into a new database and a new folder, and compared table by table and file by file.
Needs DATABASE_URL pointing at PostgreSQL and pg_dump/pg_restore of the server's major version."""

import hashlib
import io
import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from assessments.models import Assessment
from evidence.models import EvidenceItem, EvidenceKind
from reports.models import Report, ReportKind, ReportStatus
from reports.services import report_storage
from tests.conftest import ROOT, service_missing
from tests.factories.frameworks import shipped_framework_version
from tools.backup_helper import dump_summary

pytestmark = pytest.mark.django_db(transaction=True)


def _url(settings_dict: dict, name: str) -> str:
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{name}"


def _run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(ROOT / "tools" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _row_counts(dsn: str) -> dict[str, int]:
    with psycopg.connect(dsn) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def pg_tools() -> None:
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            service_missing(tool, "install postgresql-client of the server's major version")


@pytest.fixture
def restored_database(postgres, pg_tools):
    """A new, empty database beside the test database; dropped afterwards."""
    name = f"mp_ops_restored_{secrets.token_hex(4)}"
    admin = _url(connection.settings_dict, "postgres").replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restore_round_trip(restored_database, settings, tmp_path):
    source_files, source_reports = tmp_path / "source-evidence", tmp_path / "source-reports"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": source_files, "base_url": None},
        },
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": source_reports, "base_url": None},
        },
    }
    shipped_framework_version()
    call_command("seed_demo", stdout=io.StringIO())
    files = EvidenceItem.objects.filter(kind=EvidenceKind.FILE).exclude(stored_name="")
    assert files.count() > 0, "the demo data must hold evidence files"
    assessment = Assessment.objects.select_related("authority").first()
    stored = report_storage().save(
        f"authority-{assessment.authority_id}/report", ContentFile(b"%PDF-1.7 a stored report")
    )
    Report.objects.create(
        kind=ReportKind.AUTHORITY,
        authority=assessment.authority,
        assessment=assessment,
        title="Authority report",
        status=ReportStatus.READY,
        fingerprint="0" * 64,
        template_version="1",
        stored_name=stored,
    )

    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maturity_portal.settings.test",
        "PYTHON": str(ROOT / ".venv" / "bin" / "python"),
    }
    source_db = connection.settings_dict["NAME"]
    source_env = {
        **base_env,
        "DATABASE_URL": _url(connection.settings_dict, source_db),
        "VAR_DIR": str(tmp_path / "source-var"),
        "EVIDENCE_ROOT": str(source_files),
        "REPORTS_ROOT": str(source_reports),
        "MEDIA_ROOT": str(tmp_path / "source-media"),
    }
    backup = tmp_path / "backup"
    done = _run("backup", "--output", str(backup), env=source_env)
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    source_counts = _row_counts(source_env["DATABASE_URL"])
    assert manifest["database"]["row_counts"] == source_counts
    assert manifest["app"]["version"]
    assert "evidence.0001_initial" in manifest["database"]["migrations"]
    evidence_manifest = manifest["storages"]["evidence"]["files"]
    assert {name: info["sha256"] for name, info in evidence_manifest.items()} == _file_hashes(
        source_files
    )
    assert set(evidence_manifest) == set(files.values_list("stored_name", flat=True))
    assert (backup / "database.dump").stat().st_mode & 0o077 == 0  # readable by its owner only

    restored_files = tmp_path / "restored-evidence"
    target_env = {
        **base_env,
        "DATABASE_URL": _url(connection.settings_dict, restored_database),
        "VAR_DIR": str(tmp_path / "restored-var"),
        "EVIDENCE_ROOT": str(restored_files),
        "REPORTS_ROOT": str(tmp_path / "restored-reports"),
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
    }
    done = _run("restore", str(backup), env=target_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "verify: ok" in done.stdout

    # Compared independently of the scripts: every table's rows and every file's bytes.
    assert _row_counts(target_env["DATABASE_URL"]) == source_counts
    assert source_counts["evidence_evidenceitem"] > 0
    assert source_counts["accounts_user"] > 0
    assert _file_hashes(restored_files) == _file_hashes(source_files)
    assert _file_hashes(tmp_path / "restored-reports") == _file_hashes(source_reports) != {}

    # A second restore into the same, now full, database and folder is refused.
    again = _run("restore", str(backup), env=target_env)
    assert again.returncode != 0
    assert "is not empty" in again.stderr

    # Verification notices a changed file and a lost row.
    changed = restored_files / next(iter(evidence_manifest))
    changed.write_bytes(b"not the evidence")
    with psycopg.connect(target_env["DATABASE_URL"].replace("postgres://", "postgresql://")) as c:
        c.execute(
            "DELETE FROM notifications_notification WHERE id = (SELECT min(id) FROM "
            "notifications_notification)"
        )
    checked = _run("restore", "--verify-only", str(backup), env=target_env)
    assert checked.returncode == 1
    assert "does not match its checksum" in checked.stderr
    assert "table notifications_notification" in checked.stderr

    # A damaged backup is refused before anything is touched.
    (backup / "database.dump").write_bytes(b"damaged")
    damaged = _run("restore", str(backup), env=target_env)
    assert damaged.returncode == 1
    assert "CHECKSUM MISMATCH" in damaged.stdout


def test_dump_summary_counts_copy_blocks():
    text = io.StringIO(
        "-- Dumped from database version 16.4\n"
        "-- Dumped by pg_dump version 16.4\n"
        "COPY public.django_migrations (id, app, name, applied) FROM stdin;\n"
        "1\tcontenttypes\t0001_initial\t2026-01-01 00:00:00+00\n"
        "2\tevidence\t0001_initial\t2026-01-01 00:00:00+00\n"
        "\\.\n"
        'COPY public."empty_table" (id) FROM stdin;\n'
        "\\.\n"
        "COPY public.notes (id, text) FROM stdin;\n"
        "1\tline one\\nline two\n"
        "\\.\n"
    )
    summary = dump_summary(text)
    assert summary["row_counts"] == {"django_migrations": 2, "empty_table": 0, "notes": 1}
    assert summary["migrations"] == ["contenttypes.0001_initial", "evidence.0001_initial"]
    assert summary["server"] == "16.4"
    assert summary["pg_dump"] == "16.4"
