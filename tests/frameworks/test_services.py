"""Import, clone, edit, publish, retire."""

from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from frameworks import services
from frameworks.document import FrameworkFileError
from frameworks.export import framework_document_from_version
from frameworks.models import FrameworkVersion, FrameworkVersionEvent, Level, Statement
from tests.factories.frameworks import framework_document_build, framework_version_build

pytestmark = pytest.mark.django_db


def test_import_makes_a_draft_whatever_the_file_says(national_admin):
    version = services.framework_version_import_draft(
        document=framework_document_build(status="published"), actor=national_admin
    )
    assert version.status == "draft"
    assert version.published_on is None
    event = FrameworkVersionEvent.objects.get(framework_version=version)
    assert (event.action, event.actor) == ("imported", national_admin)


def test_import_refuses_a_version_number_in_use(national_admin):
    framework_version_build()
    with pytest.raises(ValidationError, match=r"Version 1.0 of test-model already exists"):
        services.framework_version_import_draft(
            document=framework_document_build(), actor=national_admin
        )


def test_clone_copies_everything_and_keeps_keys(shipped_version, national_admin):
    clone = services.framework_version_clone(
        source=shipped_version, version="1.1", actor=national_admin
    )
    assert (clone.status, clone.version, clone.cloned_from) == ("draft", "1.1", shipped_version)
    original = framework_document_from_version(shipped_version)
    copied = framework_document_from_version(clone)
    assert copied.content_equals(replace(original, version="1.1"), ignore_status=True)
    assert Statement.objects.filter(framework_version=clone).count() == 79


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1.0", "Version 1.0 of dmm-early-help already exists"),
        ("", "Enter a version number"),
        ("v2", "Enter a version number made of numbers and dots"),
    ],
)
def test_clone_needs_a_new_valid_version_number(shipped_version, national_admin, number, message):
    with pytest.raises(ValidationError, match=message):
        services.framework_version_clone(
            source=shipped_version, version=number, actor=national_admin
        )


def test_publish_freezes_the_draft_and_dates_it(national_admin):
    draft = framework_version_build(status="draft")
    services.framework_version_publish(framework_version=draft, actor=national_admin)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.published_on is not None
    assert draft.events.first().action == "published"


def test_publish_refuses_a_draft_that_breaks_the_rules(national_admin):
    draft = framework_version_build(status="draft", statements_per_cell=1)
    # The service would refuse to empty a cell; the model layer lets a draft get there.
    Statement.objects.filter(framework_version=draft, key="dimension_1_1.maturing.1").delete()
    with pytest.raises(ValidationError) as caught:
        services.framework_version_publish(framework_version=draft, actor=national_admin)
    assert caught.value.messages == [
        "strands[0].dimensions[0].statements.maturing: has no statements: every dimension needs "
        "at least one statement at every level"
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_retire_only_a_published_version(national_admin):
    draft = framework_version_build(status="draft")
    with pytest.raises(ValidationError, match="only a published version can be retired"):
        services.framework_version_retire(framework_version=draft, actor=national_admin)
    published = framework_version_build(version="2.0")
    services.framework_version_retire(framework_version=published, actor=national_admin)
    published.refresh_from_db()
    assert published.status == "retired"
    assert published.retired_at is not None


def test_edit_a_statement_keeps_its_key_unless_asked(national_admin):
    draft = framework_version_build(status="draft")
    statement = Statement.objects.get(framework_version=draft, key="dimension_1_1.early.1")
    services.statement_update(statement=statement, actor=national_admin, text="  New   words ")
    statement.refresh_from_db()
    assert (statement.key, statement.text) == ("dimension_1_1.early.1", "New words")

    services.statement_update(
        statement=statement, actor=national_admin, text="Another meaning", new_key=True
    )
    statement.refresh_from_db()
    assert statement.key == "dimension_1_1.early.3"


def test_new_statement_keys_are_never_reused_across_versions(national_admin):
    published = framework_version_build(statements_per_cell=3)
    draft = services.framework_version_clone(source=published, version="1.1", actor=national_admin)
    doomed = Statement.objects.get(framework_version=draft, key="dimension_1_1.early.3")
    services.statement_delete(statement=doomed, actor=national_admin)
    level = Level.objects.get(framework_version=draft, key="early")
    added = services.statement_create(
        dimension=doomed.dimension, level=level, actor=national_admin, text="A new idea"
    )
    # .3 existed in 1.0 with another meaning: answers to it must not carry to the new statement.
    assert added.key == "dimension_1_1.early.4"
    assert added.order == 3


def test_moving_a_statement_to_another_level(national_admin):
    draft = framework_version_build(status="draft")
    statement = Statement.objects.get(framework_version=draft, key="dimension_1_1.early.1")
    mature = Level.objects.get(framework_version=draft, key="mature")
    services.statement_update(
        statement=statement, actor=national_admin, text=statement.text, level=mature
    )
    statement.refresh_from_db()
    assert (statement.level, statement.order, statement.key) == (mature, 3, "dimension_1_1.early.1")


def test_the_last_statement_of_a_cell_cannot_go(national_admin):
    draft = framework_version_build(status="draft", statements_per_cell=1)
    statement = Statement.objects.get(framework_version=draft, key="dimension_1_1.early.1")
    with pytest.raises(ValidationError, match="only statement at its level"):
        services.statement_delete(statement=statement, actor=national_admin)
    mature = Level.objects.get(framework_version=draft, key="mature")
    with pytest.raises(ValidationError, match="only statement at its level"):
        services.statement_update(statement=statement, actor=national_admin, text="x", level=mature)


def test_empty_text_is_refused(national_admin):
    draft = framework_version_build(status="draft")
    statement = Statement.objects.get(framework_version=draft, key="dimension_1_1.early.1")
    with pytest.raises(ValidationError, match="Statement is empty"):
        services.statement_update(statement=statement, actor=national_admin, text="   ")


def test_edit_details_and_levels(national_admin):
    draft = framework_version_build(status="draft")
    services.framework_version_update_details(
        framework_version=draft,
        actor=national_admin,
        title="Renamed",
        introduction="One.\n\n\nTwo.",
        strand_rule="minimum",
        consistency_threshold="1.25",
    )
    draft.refresh_from_db()
    assert (draft.title, draft.introduction, draft.strand_rule) == (
        "Renamed",
        "One.\nTwo.",
        "minimum",
    )
    level = Level.objects.get(framework_version=draft, key="early")
    services.level_update(
        level=level, actor=national_admin, name="Starting", whole_family_view=["A", " ", "B"]
    )
    level.refresh_from_db()
    assert (level.name, level.whole_family_view) == ("Starting", ["A", "B"])


def test_load_is_atomic(monkeypatch):
    """A failure halfway through writing leaves nothing behind."""
    from frameworks import services as module

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module.CaseStudy.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        services.framework_version_load(document=framework_document_build())
    assert not FrameworkVersion.objects.exists()
    assert not Statement.objects.exists()


def test_load_refusal_for_a_published_version_is_a_file_error():
    framework_version_build()
    changed = framework_document_build(statements_per_cell=3)
    with pytest.raises(FrameworkFileError, match="a published version cannot be changed"):
        services.framework_version_load(document=changed)
