"""load_framework and export_framework."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from frameworks.document import MAX_FILE_BYTES, dump_framework_yaml
from frameworks.export import framework_document_from_version, framework_version_export_yaml
from frameworks.models import (
    CaseStudy,
    ChecklistItem,
    Dimension,
    FrameworkVersion,
    FrameworkVersionEvent,
    Level,
    Statement,
    Strand,
)
from frameworks.validation import parse_framework_file
from tests.factories.frameworks import SHIPPED_FRAMEWORK_PATH, framework_document_build

pytestmark = pytest.mark.django_db

ALL_MODELS = (FrameworkVersion, Level, Strand, Dimension, Statement, ChecklistItem, CaseStudy)


def load(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_framework", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def load_refused(path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="could not be loaded"):
        call_command("load_framework", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def write(tmp_path, text: str | bytes, name="model.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_loading_the_shipped_model():
    out, err = load(SHIPPED_FRAMEWORK_PATH)
    assert "Loaded dmm-early-help 1.0 (published): 4 levels, 5 strands, 8 dimensions, " in out
    assert "79 statements, 6 checklist items, 5 case studies" in out
    assert err == ""
    version = FrameworkVersion.objects.get(slug="dmm-early-help", version="1.0")
    assert version.status == "published"
    assert version.published_on is not None
    assert counts() == {
        "FrameworkVersion": 1,
        "Level": 4,
        "Strand": 5,
        "Dimension": 8,
        "Statement": 79,
        "ChecklistItem": 6,
        "CaseStudy": 5,
    }


def test_loading_the_same_file_again_changes_nothing():
    load(SHIPPED_FRAMEWORK_PATH)
    before = counts()
    statement_ids = set(Statement.objects.values_list("pk", flat=True))
    updated_at = FrameworkVersion.objects.get().updated_at
    out, _ = load(SHIPPED_FRAMEWORK_PATH)
    assert (
        out.strip() == "dmm-early-help 1.0 is already loaded and matches the file: nothing changed."
    )
    assert counts() == before
    assert set(Statement.objects.values_list("pk", flat=True)) == statement_ids
    assert FrameworkVersion.objects.get().updated_at == updated_at
    assert FrameworkVersionEvent.objects.count() == 1


def test_different_content_under_a_published_version_is_refused(tmp_path):
    load(SHIPPED_FRAMEWORK_PATH)
    changed = SHIPPED_FRAMEWORK_PATH.read_text(encoding="utf-8").replace(
        "Information governance is largely manual", "Information governance is mostly manual"
    )
    err = load_refused(write(tmp_path, changed))
    assert "not loaded; nothing was written" in err
    assert (
        "dmm-early-help 1.0 is already published with different content, and a published version "
        "cannot be changed. Give your changes a new version number (set version: to something "
        'like "1.1") and load the file again.' in " ".join(err.split())
    )
    assert Statement.objects.get(key="information_governance.early.1").text.startswith(
        "Information governance is largely manual"
    )


def test_the_same_content_as_a_new_version_loads_alongside(tmp_path):
    load(SHIPPED_FRAMEWORK_PATH)
    text = SHIPPED_FRAMEWORK_PATH.read_text(encoding="utf-8").replace(
        "version: '1.0'", "version: '1.1'"
    )
    load(write(tmp_path, text))
    assert sorted(FrameworkVersion.objects.values_list("version", flat=True)) == ["1.0", "1.1"]
    assert Statement.objects.count() == 158


def test_a_status_change_in_the_file_does_not_undo_the_portal(tmp_path):
    load(SHIPPED_FRAMEWORK_PATH)
    FrameworkVersion.objects.filter(version="1.0").update(status="retired")
    out, _ = load(SHIPPED_FRAMEWORK_PATH)
    assert "nothing changed" in out
    assert "It is retired in the portal and the file says published" in out
    assert FrameworkVersion.objects.get().status == "retired"


def test_a_draft_is_replaced_by_a_changed_file_and_then_published(tmp_path):
    document = framework_document_build(status="draft")
    path = write(tmp_path, dump_framework_yaml(document))
    load(path)
    version = FrameworkVersion.objects.get()
    assert version.status == "draft"

    text = path.read_text().replace("Statement 1 of dimension 1.1 at the early level.", "Changed.")
    out, _ = load(write(tmp_path, text, "changed.yaml"))
    assert "Replaced the draft test-model 1.0 (draft)" in out
    assert Statement.objects.get(key="dimension_1_1.early.1").text == "Changed."

    published = text.replace("status: draft", "status: published")
    out, _ = load(write(tmp_path, published, "published.yaml"))
    assert "Updated the status of test-model 1.0 (published)" in out
    version.refresh_from_db()
    assert version.status == "published"


def test_a_bad_file_writes_nothing_and_lists_every_problem(tmp_path):
    data = framework_document_build().to_data()
    data["strands"][1]["dimensions"][0]["statements"]["maturing"][1]["text"] = ""
    data["strands"][0]["name"] = ""
    err = load_refused(write(tmp_path, yaml.safe_dump(data, sort_keys=False)))
    assert "strands[0]: name is empty" in err
    assert "strands[1].dimensions[0].statements.maturing[1]: text is empty" in err
    assert sum(counts().values()) == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"slug: [unclosed\n", "the file is not valid YAML"),
        (b"slug: caf\xe9\n", "the file is not UTF-8 text"),
        (b"", "the file is empty"),
        (b"- a list\n", "must be a set of fields"),
        (b"x" * (MAX_FILE_BYTES + 1), "the file is too big"),
    ],
    ids=["malformed", "not-utf8", "empty", "wrong-type", "too-big"],
)
def test_unreadable_files_are_refused(tmp_path, content, expected):
    assert expected in load_refused(write(tmp_path, content))
    assert sum(counts().values()) == 0


def test_a_missing_file_is_refused(tmp_path):
    assert "the file cannot be read (No such file or directory)" in load_refused(
        tmp_path / "nowhere.yaml"
    )


def test_one_bad_file_among_several_still_exits_non_zero(tmp_path):
    bad = write(tmp_path, b"slug: [\n", "bad.yaml")
    with pytest.raises(CommandError, match="1 of 2 files could not be loaded"):
        call_command(
            "load_framework",
            str(SHIPPED_FRAMEWORK_PATH),
            str(bad),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert FrameworkVersion.objects.count() == 1


def test_the_command_exits_with_a_non_zero_status(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    bad = write(tmp_path, b"slug: x\n")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "load_framework", str(bad)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={
            **__import__("os").environ,
            "DJANGO_SETTINGS_MODULE": "maturity_portal.settings.test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        },
        check=False,
    )
    assert result.returncode == 1
    assert "version is missing" in result.stderr


# --- Export and the round trip ------------------------------------------------------------------


def test_export_prints_yaml_in_the_same_schema():
    load(SHIPPED_FRAMEWORK_PATH)
    out = StringIO()
    call_command("export_framework", "dmm-early-help", "1.0", stdout=out)
    document = parse_framework_file(out.getvalue().encode())
    assert document.label == "dmm-early-help 1.0"
    assert document.statement_count() == 79
    version = FrameworkVersion.objects.get()
    assert document == framework_document_from_version(version)


def test_export_to_a_file(tmp_path):
    load(SHIPPED_FRAMEWORK_PATH)
    target = tmp_path / "out.yaml"
    call_command(
        "export_framework", "dmm-early-help", "1.0", "--output", str(target), stderr=StringIO()
    )
    assert parse_framework_file(target.read_bytes()).statement_count() == 79


def test_export_of_an_unknown_version_says_which_exist():
    load(SHIPPED_FRAMEWORK_PATH)
    with pytest.raises(
        CommandError,
        match="There is no version 9.9 of dmm-early-help. Known versions: dmm-early-help 1.0",
    ):
        call_command("export_framework", "dmm-early-help", "9.9", stdout=StringIO())


def test_load_of_an_export_gives_the_same_version_back(tmp_path, django_db_blocker):
    """load(export(v)) == v: export, delete everything, load the export, compare."""
    load(SHIPPED_FRAMEWORK_PATH)
    original = framework_document_from_version(FrameworkVersion.objects.get())
    exported = framework_version_export_yaml(FrameworkVersion.objects.get())

    # A published version is frozen, so empty the tables below the models' guard.
    from django.db import connection

    with connection.cursor() as cursor:
        for model in (
            FrameworkVersionEvent,
            Statement,
            Dimension,
            Strand,
            Level,
            ChecklistItem,
            CaseStudy,
            FrameworkVersion,
        ):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
    assert counts()["Statement"] == 0

    load(write(tmp_path, exported))
    reloaded = FrameworkVersion.objects.get()
    assert framework_document_from_version(reloaded) == original
    assert framework_version_export_yaml(reloaded) == exported
    # Keys and orders survive too.
    assert list(
        Statement.objects.filter(framework_version=reloaded)
        .order_by("dimension__order", "level__order", "order")
        .values_list("key", flat=True)
    )[:3] == [
        "information_governance.early.1",
        "information_governance.early.2",
        "information_governance.early.3",
    ]


def test_round_trip_of_a_draft_and_of_a_small_model(tmp_path):
    document = framework_document_build(status="draft", strands=3, statements_per_cell=3)
    path = write(tmp_path, dump_framework_yaml(document))
    load(path)
    version = FrameworkVersion.objects.get()
    assert framework_document_from_version(version) == document
    assert parse_framework_file(framework_version_export_yaml(version).encode()) == document
