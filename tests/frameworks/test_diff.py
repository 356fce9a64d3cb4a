from dataclasses import replace

from frameworks.diff import (
    ADDED,
    REMOVED,
    SAME,
    WordPart,
    framework_diff,
    word_diff,
    word_diff_html,
)
from frameworks.document import StatementDocument
from tests.factories.frameworks import framework_document_build


def test_word_diff_marks_only_the_changed_words():
    assert word_diff("The cat sat on the mat.", "The dog sat on the mat today.") == [
        WordPart(SAME, "The"),
        WordPart(REMOVED, "cat"),
        WordPart(ADDED, "dog"),
        WordPart(SAME, "sat on the"),
        WordPart(REMOVED, "mat."),
        WordPart(ADDED, "mat today."),
    ]


def test_word_diff_keeps_paragraph_breaks():
    parts = word_diff("One.\nTwo.", "One.\nTwo and three.")
    assert parts[0] == WordPart(SAME, "One.\n")


def test_word_diff_html_is_escaped_and_announced():
    html = word_diff_html(word_diff("Use <b>old</b> data", "Use new & better data"))
    assert "&lt;b&gt;old&lt;/b&gt;" in html
    assert "new &amp; better" in html
    assert (
        '<del class="portal-diff__removed"><span class="govuk-visually-hidden">[removed: </span>'
        in html
    )
    assert (
        '<ins class="portal-diff__added"><span class="govuk-visually-hidden">[added: </span>'
        in html
    )
    assert "<b>" not in html


def _with_statements(document, dimension_index, level_key, statements):
    strands = list(document.strands)
    strand = strands[0]
    dimensions = list(strand.dimensions)
    dimension = dimensions[dimension_index]
    cells = tuple(
        (key, tuple(statements) if key == level_key else cell) for key, cell in dimension.statements
    )
    dimensions[dimension_index] = replace(dimension, statements=cells)
    strands[0] = replace(strand, dimensions=tuple(dimensions))
    return replace(document, strands=tuple(strands))


def test_the_same_content_gives_an_empty_diff():
    old = framework_document_build()
    diff = framework_diff(old, replace(old, version="1.1"))
    assert diff.is_empty
    assert (diff.old_label, diff.new_label) == ("test-model 1.0", "test-model 1.1")


def test_added_removed_and_changed_statements():
    old = framework_document_build()
    early = old.strands[0].dimensions[0].statements_at("early")
    new = _with_statements(
        old,
        0,
        "early",
        [
            replace(early[0], text="Statement 1 of dimension 1.1, reworded."),
            StatementDocument(key="dimension_1_1.early.3", text="Brand new."),
        ],
    )
    statements = framework_diff(old, new).section("statement")
    assert [e.key for e in statements.added] == ["dimension_1_1.early.3"]
    assert [e.key for e in statements.removed] == ["dimension_1_1.early.2"]
    assert [c.element.key for c in statements.changed] == ["dimension_1_1.early.1"]
    change = statements.changed[0].changes[0]
    assert change.name == "text"
    assert change.is_text
    assert [p for p in change.words if p.kind != SAME] == [
        WordPart(REMOVED, "1.1 at the early level."),
        WordPart(ADDED, "1.1, reworded."),
    ]
    assert statements.added[0].context == "Dimension 1.1, Early"


def test_a_statement_moved_to_another_level_is_a_change_not_a_removal():
    old = framework_document_build()
    moving = old.strands[0].dimensions[0].statements_at("early")[0]
    new = _with_statements(old, 0, "early", old.strands[0].dimensions[0].statements_at("early")[1:])
    new = _with_statements(
        new, 0, "mature", [*new.strands[0].dimensions[0].statements_at("mature"), moving]
    )
    section = framework_diff(old, new).section("statement")
    assert not section.added and not section.removed
    (changed,) = section.changed
    assert [(c.name, c.old, c.new) for c in changed.changes] == [("level", "Early", "Mature")]


def test_dimensions_and_strands():
    old = framework_document_build(strands=2, dimensions_per_strand=2)
    strands = list(old.strands)
    strands[0] = replace(strands[0], name="Strand one", measures="Other evidence.")
    moved = strands[1].dimensions[0]
    strands[0] = replace(strands[0], dimensions=(*strands[0].dimensions, moved))
    strands[1] = replace(strands[1], dimensions=strands[1].dimensions[1:])
    renamed = replace(strands[1].dimensions[0], name="Dimension renamed")
    strands[1] = replace(strands[1], dimensions=(renamed,))
    new = replace(old, strands=tuple(strands))
    diff = framework_diff(old, new)
    strand_changes = diff.section("strand").changed
    assert [c.element.key for c in strand_changes] == ["strand_1"]
    assert [c.name for c in strand_changes[0].changes] == ["name", "measures"]
    dimension_changes = {c.element.key: c.changes for c in diff.section("dimension").changed}
    assert [(c.name, c.old, c.new) for c in dimension_changes["dimension_2_1"]] == [
        ("strand", "Strand 2", "Strand one")
    ]
    assert [c.name for c in dimension_changes["dimension_2_2"]] == ["name"]


def test_removing_a_dimension_lists_it_and_its_statements():
    old = framework_document_build(strands=1, dimensions_per_strand=2)
    new = replace(old, strands=(replace(old.strands[0], dimensions=old.strands[0].dimensions[:1]),))
    diff = framework_diff(old, new)
    assert [e.key for e in diff.section("dimension").removed] == ["dimension_1_2"]
    assert len(diff.section("statement").removed) == 8


def test_levels_checklist_case_studies_and_details():
    old = framework_document_build()
    levels = list(old.levels)
    levels[0] = replace(levels[0], whole_family_view=("A new point",))
    new = replace(
        old,
        title="Renamed model",
        consistency_threshold=old.consistency_threshold * 2,
        levels=tuple(levels),
        checklist=old.checklist[:1],
    )
    diff = framework_diff(old, new)
    assert [c.name for c in diff.details] == ["title", "consistency threshold"]
    (level_change,) = diff.section("level").changed
    summary = level_change.changes[0]
    assert summary.is_list
    assert summary.items_added == ("A new point",)
    assert summary.items_removed == ("Early families are seen in part",)
    assert [e.key for e in diff.section("checklist item").removed] == ["analyst"]
