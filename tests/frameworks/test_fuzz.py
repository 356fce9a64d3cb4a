"""Fuzzing the loader: whatever it is given, it returns a document or raises FrameworkFileError,
never anything else. And whatever it accepts can be written to the database."""

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frameworks.document import FrameworkFileError
from frameworks.services import framework_version_load
from frameworks.validation import parse_framework_file
from tests.factories.frameworks import framework_document_build

VALID = framework_document_build(strands=2, dimensions_per_strand=1, statements_per_cell=1)
VALID_DATA = VALID.to_data()
VALID_TEXT = yaml.safe_dump(VALID_DATA, allow_unicode=True, sort_keys=False)


def parse_or_refuse(data):
    try:
        return parse_framework_file(data)
    except FrameworkFileError as exc:
        assert exc.messages and all(isinstance(m, str) and m for m in exc.messages)
        return None


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["", " ", "early", "draft", "published", "1.0", "a.b.1", "\x00", "\ud800"]),
)
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    [
                        "slug",
                        "version",
                        "title",
                        "levels",
                        "strands",
                        "key",
                        "name",
                        "text",
                        "statements",
                        "dimensions",
                        "early",
                        "scoring",
                        "status",
                        "note",
                    ]
                ),
                st.text(max_size=8),
                st.integers(),
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    parse_or_refuse(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_random_text(text):
    parse_or_refuse(text)


@settings(max_examples=300, deadline=None)
@given(yaml_values)
def test_random_yaml_structures(value):
    try:
        text = yaml.safe_dump(value, allow_unicode=True)
    except yaml.YAMLError:
        return
    parse_or_refuse(text.encode("utf-8", "surrogatepass"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


ALL_PATHS = [path for path in _paths(VALID_DATA) if path]


def _mutated(path, replacement, delete):
    import copy

    data = copy.deepcopy(VALID_DATA)
    target = data
    for step in path[:-1]:
        target = target[step]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = replacement
    return data


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(ALL_PATHS), yaml_values, st.booleans())
def test_one_change_to_a_valid_file(path, replacement, delete):
    try:
        text = yaml.safe_dump(_mutated(path, replacement, delete), allow_unicode=True)
    except yaml.YAMLError:
        return
    parse_or_refuse(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(VALID_TEXT)), st.text(max_size=20))
def test_text_spliced_into_a_valid_file(position, insert):
    parse_or_refuse(VALID_TEXT[:position] + insert + VALID_TEXT[position:])


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from([p for p in ALL_PATHS if p[-1] in ("text", "name", "title", "measures")]),
    st.text(min_size=1, max_size=300),
)
def test_whatever_the_loader_accepts_the_database_stores(path, text):
    document = parse_or_refuse(
        yaml.safe_dump(_mutated(path, text, False), allow_unicode=True).encode(
            "utf-8", "surrogatepass"
        )
    )
    if document is None:
        return
    with transaction.atomic():
        result = framework_version_load(document=document)
        assert result.outcome == "created"
        transaction.set_rollback(True)
