"""The loader's checks: every kind of bad input gives messages naming the place in the file."""

import pytest
import yaml

from frameworks.document import MAX_FILE_BYTES, FrameworkFileError
from frameworks.validation import parse_framework_file
from tests.factories.frameworks import framework_document_build


def small_data() -> dict:
    return framework_document_build(strands=2, dimensions_per_strand=1).to_data()


def dump(data) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def problems(data: bytes | str) -> list[str]:
    with pytest.raises(FrameworkFileError) as caught:
        parse_framework_file(data)
    assert caught.value.messages, "a refusal always says why"
    return caught.value.messages


def test_a_valid_file_gives_its_document():
    document = parse_framework_file(dump(small_data()))
    assert document == framework_document_build(strands=2, dimensions_per_strand=1)


def test_the_example_message_from_the_issue():
    data = small_data()
    data["strands"][1]["dimensions"][0]["statements"]["maturing"][1]["text"] = "   "
    assert problems(dump(data)) == [
        "strands[1].dimensions[0].statements.maturing[1]: text is empty"
    ]


def test_every_problem_is_reported_at_once():
    data = small_data()
    data["strands"][0]["dimensions"][0]["statements"]["early"][0]["text"] = ""
    data["strands"][1]["name"] = 42
    data["levels"][0]["key"] = "Early Level"
    assert problems(dump(data)) == [
        "levels[0]: key 'Early Level' is not allowed: use lower-case letters, numbers and "
        "underscores, starting with a letter, like early",
        "strands[0].dimensions[0].statements: unknown level 'early' (the levels are: "
        "Early Level, developing, maturing, mature)",
        "strands[0].dimensions[0].statements: the level 'Early Level' is missing: every "
        "dimension needs at least one statement at every level",
        'strands[1]: name must be text, not a number (put it in quotes, like "42")',
        "strands[1].dimensions[0].statements: unknown level 'early' (the levels are: "
        "Early Level, developing, maturing, mature)",
        "strands[1].dimensions[0].statements: the level 'Early Level' is missing: every "
        "dimension needs at least one statement at every level",
    ]


def mutate(path, value):
    """Set data[path...] = value (or delete it when value is DELETE)."""

    def apply(data):
        target = data
        for step in path[:-1]:
            target = target[step]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return data

    return apply


DELETE = object()
S0 = ["strands", 0]
D0 = [*S0, "dimensions", 0]
CELL = [*D0, "statements", "developing"]

BAD_DOCUMENTS = [
    # Missing fields
    ("missing slug", mutate(["slug"], DELETE), "slug is missing"),
    ("missing strands", mutate(["strands"], DELETE), "strands is missing"),
    (
        "missing statement text",
        mutate([*CELL, 0, "text"], DELETE),
        "strands[0].dimensions[0].statements.developing[0]: text is missing",
    ),
    (
        "missing dimension name",
        mutate([*D0, "name"], DELETE),
        "strands[0].dimensions[0]: name is missing",
    ),
    ("missing key", mutate([*S0, "key"], DELETE), "strands[0]: key is missing"),
    # Wrong types
    (
        "version as a number",
        mutate(["version"], 1.1),
        'version must be text, not a number (put it in quotes, like "1.1")',
    ),
    (
        "strands not a list",
        mutate(["strands"], {"a": 1}),
        "strands: must be a list of strands, not a set of fields",
    ),
    (
        "statement as plain text",
        mutate([*CELL, 0], "Just text"),
        "strands[0].dimensions[0].statements.developing[0]: must be a set of fields "
        "(name: value), not text",
    ),
    (
        "statements as a list",
        mutate([*D0, "statements"], ["a"]),
        "strands[0].dimensions[0].statements: must list the statements under each level's key "
        "(early, developing, maturing, mature), not a list",
    ),
    ("name as a list", mutate([*S0, "name"], ["x"]), "strands[0]: name must be text, not a list"),
    (
        "threshold as text",
        mutate(["scoring", "consistency_threshold"], "high"),
        "scoring: consistency_threshold must be a number like 1.0, not text",
    ),
    (
        "threshold out of range",
        mutate(["scoring", "consistency_threshold"], 7),
        "scoring: consistency_threshold must be between 0.01 and 3",
    ),
    (
        "threshold as true",
        mutate(["scoring", "consistency_threshold"], True),
        "scoring: consistency_threshold must be a number like 1.0, not true or false",
    ),
    (
        "unknown strand rule",
        mutate(["scoring", "strand_rule"], "median"),
        "scoring: strand_rule 'median' is not one of: mean_floor, minimum",
    ),
    (
        "unknown status",
        mutate(["status"], "live"),
        "status 'live' is not one of: draft, published, retired",
    ),
    (
        "whole family view not a list",
        mutate(["levels", 0, "whole_family_view"], "text"),
        "levels[0]: whole_family_view must be a list, not text",
    ),
    # Empty text
    (
        "empty statement",
        mutate([*CELL, 1, "text"], ""),
        "strands[0].dimensions[0].statements.developing[1]: text is empty",
    ),
    (
        "null statement",
        mutate([*CELL, 1, "text"], None),
        "strands[0].dimensions[0].statements.developing[1]: text is empty",
    ),
    ("empty title", mutate(["title"], " "), "title is empty"),
    (
        "empty summary point",
        mutate(["levels", 1, "whole_family_view"], ["ok", ""]),
        "levels[1]: whole_family_view[1] is empty",
    ),
    (
        "empty cell",
        mutate(CELL, []),
        "strands[0].dimensions[0].statements.developing: has no statements: every dimension "
        "needs at least one statement at every level",
    ),
    (
        "no dimensions",
        mutate([*S0, "dimensions"], []),
        "strands[0].dimensions: needs at least 1 dimension",
    ),
    # Unknown and missing levels
    (
        "unknown level",
        mutate([*D0, "statements", "expert"], [{"key": "x.y.1", "text": "T"}]),
        "strands[0].dimensions[0].statements: unknown level 'expert' (the levels are: early, "
        "developing, maturing, mature)",
    ),
    (
        "missing level",
        mutate(CELL, DELETE),
        "strands[0].dimensions[0].statements: the level 'developing' is missing: every dimension "
        "needs at least one statement at every level",
    ),
    (
        "too few levels",
        mutate(["levels"], [{"key": "only", "name": "Only"}]),
        "levels: needs at least 2 levels",
    ),
    # Unknown fields, bad keys
    (
        "unknown field",
        mutate([*S0, "colour"], "red"),
        "strands[0]: unknown field 'colour' (the fields here are: key, name, dimensions, measures)",
    ),
    (
        "bad slug",
        mutate(["slug"], "DMM Early Help"),
        "slug 'DMM Early Help' is not allowed: use lower-case letters, numbers and hyphens, like "
        "dmm-early-help",
    ),
    (
        "bad version",
        mutate(["version"], "one"),
        "version 'one' is not allowed: use numbers and dots, like \"1.1\"",
    ),
    (
        "bad statement key",
        mutate([*CELL, 0, "key"], "Dimension 1"),
        "strands[0].dimensions[0].statements.developing[0]: key 'Dimension 1' is not allowed: use "
        "lower-case letters, numbers and underscores, starting with a letter, like "
        "information_governance.early.1",
    ),
    (
        "control character",
        mutate([*CELL, 0, "text"], "Bad\x00text"),
        "strands[0].dimensions[0].statements.developing[0]: text contains a control or invalid "
        "character",
    ),
    (
        "too long",
        mutate([*CELL, 0, "text"], "word " * 2000),
        "strands[0].dimensions[0].statements.developing[0]: text is too long (9,999 characters; "
        "the most allowed is 5,000)",
    ),
    (
        "draft with a date",
        lambda d: {**d, "status": "draft", "published_on": "2026-01-01"},
        "published_on is set but the status is draft: a draft has no publication date",
    ),
    (
        "bad date",
        mutate(["published_on"], "April 2026"),
        "published_on 'April 2026' is not a date like 2026-04-01",
    ),
    (
        "not a mapping",
        lambda d: ["a", "list"],
        "the file: must be a set of fields (name: value), not a list",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [pytest.param(change, expected, id=name) for name, change, expected in BAD_DOCUMENTS],
)
def test_bad_documents_are_refused_with_a_message_naming_the_place(change, expected):
    assert expected in problems(dump(change(small_data())))


def test_duplicate_keys_name_both_places():
    data = small_data()
    data["strands"][1]["dimensions"][0]["key"] = data["strands"][0]["dimensions"][0]["key"]
    data["strands"][0]["dimensions"][0]["statements"]["mature"][1]["key"] = data["strands"][0][
        "dimensions"
    ][0]["statements"]["early"][0]["key"]
    messages = problems(dump(data))
    assert (
        "strands[1].dimensions[0]: key 'dimension_1_1' is used more than once "
        "(also at strands[0].dimensions[0])" in messages
    )
    assert (
        "strands[0].dimensions[0].statements.mature[1]: key 'dimension_1_1.early.1' is used more "
        "than once (also at strands[0].dimensions[0].statements.early[0])" in messages
    )


def test_a_strand_and_a_dimension_may_share_a_key():
    # The shipped model has a strand and a dimension both called data_systems.
    data = small_data()
    data["strands"][0]["dimensions"][0]["key"] = data["strands"][0]["key"]
    parse_framework_file(dump(data))


def test_duplicate_level_keys_are_refused():
    data = small_data()
    data["levels"][1]["key"] = "early"
    assert "levels[1]: key 'early' is used more than once (also at levels[0])" in problems(
        dump(data)
    )


def test_a_field_written_twice_in_the_yaml_is_refused():
    text = dump(small_data()).decode().replace("title: ", "title: First\ntitle: ", 1)
    assert problems(text) == ["line 4, column 1: the field 'title' appears twice in the same place"]


def test_malformed_yaml_names_the_line():
    messages = problems(b"slug: x\nstrands: [\n  {key: a\n")
    assert len(messages) == 1
    assert messages[0].startswith("line 4, column 1: the file is not valid YAML")


def test_tabs_for_indentation_are_malformed_yaml():
    messages = problems(b"slug: x\nlevels:\n\t- key: a\n")
    assert messages[0].startswith("line 3, column 1: the file is not valid YAML")


def test_non_utf8_bytes_are_refused_with_the_line():
    data = dump(small_data()).replace(b"Strand 1", b"Strand \xe9 1", 1)
    messages = problems(data)
    assert len(messages) == 1
    assert messages[0].startswith("line ")
    assert "the file is not UTF-8 text (byte 0xe9 at position" in messages[0]


def test_a_utf8_byte_order_mark_is_fine():
    parse_framework_file(b"\xef\xbb\xbf" + dump(small_data()))


def test_a_file_over_1_mb_is_refused_before_reading():
    data = dump(small_data()) + b"#" * MAX_FILE_BYTES
    assert problems(data) == [
        f"the file is too big ({len(data):,} bytes); the largest allowed is 1 MB"
    ]


def test_an_empty_file_is_refused():
    assert problems(b"") == ["the file is empty"]
    assert problems(b"# only a comment\n") == ["the file is empty"]


def test_aliases_are_refused():
    assert problems(b"slug: &a x\nversion: *a\n") == [
        "line 2, column 10: aliases (*name) are not allowed; write the value out"
    ]


def test_python_tags_are_refused():
    messages = problems(b"slug: !!python/object/apply:os.system ['true']\n")
    assert messages[0].startswith("line 1, column 7: the file is not valid YAML")


def test_an_impossible_date_is_refused():
    data = dump(small_data()) + b"published_on: 2026-13-45\n"
    assert problems(data)[0].startswith("the file holds a value that cannot be read")


def test_several_documents_in_one_file_are_refused():
    messages = problems(dump(small_data()) + b"---\nslug: again\n")
    assert (
        "the file is not valid YAML (expected a single document in the stream, but found"
        in messages[0]
    )


def test_white_space_is_tidied():
    data = small_data()
    data["strands"][0]["dimensions"][0]["statements"]["early"][0]["text"] = "  Two\n spaces   here "
    data["introduction"] = "First paragraph\n  continues.\n\n\nSecond."
    document = parse_framework_file(dump(data))
    assert document.strands[0].dimensions[0].statements[0][1][0].text == "Two spaces here"
    assert document.introduction == "First paragraph\ncontinues.\nSecond."


def test_a_file_may_leave_out_the_optional_parts():
    data = small_data()
    for name in ("status", "scoring", "pre_model_checklist", "case_studies", "introduction"):
        data.pop(name, None)
    document = parse_framework_file(dump(data))
    assert document.status == "draft"
    assert document.strand_rule == "mean_floor"
    assert str(document.consistency_threshold) == "1.0"
    assert document.checklist == ()


def test_the_statement_order_in_a_cell_follows_the_level_order_not_the_file():
    data = small_data()
    cells = data["strands"][0]["dimensions"][0]["statements"]
    data["strands"][0]["dimensions"][0]["statements"] = dict(reversed(list(cells.items())))
    document = parse_framework_file(dump(data))
    assert [level for level, _ in document.strands[0].dimensions[0].statements] == [
        "early",
        "developing",
        "maturing",
        "mature",
    ]


def test_the_message_list_is_capped():
    data = small_data()
    data["strands"] = [{"name": ""} for _ in range(300)]
    messages = problems(dump(data))
    assert len(messages) == 201
    assert messages[-1].startswith("... and ")


def test_the_documented_example_is_a_valid_file():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs/framework-format.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    document = parse_framework_file(example)
    assert document.summary() == (
        "2 levels, 1 strands, 1 dimensions, 2 statements, 1 checklist items, 1 case studies"
    )
