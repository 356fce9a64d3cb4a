"""The shipped model, fixtures/frameworks/dmm-early-help-1.0.yaml: every statement in its cell,
verbatim."""

from collections import Counter

import pytest

from frameworks.validation import parse_framework_file
from tests.factories.frameworks import SHIPPED_FRAMEWORK_PATH

# Statements per strand and level, from the reconstruction of the source document.
EXPECTED_COUNTS = {
    "information_governance_and_data_sharing": {
        "early": 5,
        "developing": 5,
        "maturing": 5,
        "mature": 6,
    },
    "data_systems": {"early": 6, "developing": 4, "maturing": 6, "mature": 5},
    "casework_management_systems": {"early": 2, "developing": 3, "maturing": 3, "mature": 3},
    "cost_benefit_analysis": {"early": 2, "developing": 2, "maturing": 6, "mature": 4},
    "intelligent_service_design_and_commissioning": {
        "early": 2,
        "developing": 2,
        "maturing": 3,
        "mature": 5,
    },
}
DIMENSIONS = [
    ("information_governance_and_data_sharing", "information_governance", "Information governance"),
    ("information_governance_and_data_sharing", "data_sharing", "Data sharing"),
    ("data_systems", "data_systems", "Data systems"),
    ("data_systems", "training_and_development", "Training and development"),
    ("casework_management_systems", "casework_management_system", "Casework management system"),
    ("cost_benefit_analysis", "cost_benefit_analysis", "Cost Benefit Analysis"),
    ("intelligent_service_design_and_commissioning", "commissioning", "Commissioning"),
    ("intelligent_service_design_and_commissioning", "research", "Research"),
]


@pytest.fixture(scope="module")
def document():
    return parse_framework_file(SHIPPED_FRAMEWORK_PATH.read_bytes())


def test_identity(document):
    assert (document.slug, document.version, document.status) == (
        "dmm-early-help",
        "1.0",
        "published",
    )
    assert document.title == "Data Maturity Model for Early Help Services"
    assert document.strand_rule == "mean_floor"
    assert float(document.consistency_threshold) == 1.0
    assert document.introduction.count("\n") == 3  # four paragraphs


def test_the_shape_of_the_model(document):
    assert [level.key for level in document.levels] == ["early", "developing", "maturing", "mature"]
    assert [level.name for level in document.levels] == [
        "Early",
        "Developing",
        "Maturing",
        "Mature",
    ]
    assert [len(level.whole_family_view) for level in document.levels] == [7, 6, 6, 7]
    assert [
        (strand.key, dimension.key, dimension.name)
        for strand in document.strands
        for dimension in strand.dimensions
    ] == DIMENSIONS
    assert all(strand.measures for strand in document.strands)
    assert len(document.checklist) == 6
    assert [case.name for case in document.case_studies] == [
        "West Sussex",
        "Hackney",
        "Tri-Borough",
        "Walsall",
        "Greater Manchester Combined Authority",
    ]
    assert document.statement_count() == 79


def test_statements_per_strand_and_level(document):
    counts = {
        strand.key: dict(
            Counter(
                level_key
                for dimension in strand.dimensions
                for level_key, cell in dimension.statements
                for _ in cell
            )
        )
        for strand in document.strands
    }
    assert counts == EXPECTED_COUNTS


def test_statement_keys_name_their_cell(document):
    for dimension in document.dimensions():
        for level_key, cell in dimension.statements:
            assert [s.key for s in cell] == [
                f"{dimension.key}.{level_key}.{n}" for n in range(1, len(cell) + 1)
            ]


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("data_systems.mature.1", "automated data feds (SQL/Access/Web Portals or similar)"),
        ("data_sharing.mature.1", "The Authority and it’s partners"),
        ("research.mature.2", "across the Authority and its’ partners."),
        ("research.mature.1", "used to optimised performance"),
        ("research.mature.1", "The Authority continuously adapt and improve"),
        ("commissioning.developing.1", "a focus on evidencebased commissioning."),
        ("cost_benefit_analysis.maturing.3", "in terms of the cost–benefit ratio."),
        ("cost_benefit_analysis.developing.1", "high ‘uncertainty’ levels."),
    ],
)
def test_statements_keep_the_source_wording_typos_included(document, key, words):
    texts = {s.key: s.text for d in document.dimensions() for _, cell in d.statements for s in cell}
    assert words in texts[key]


def test_summaries_and_checklist_keep_their_wording(document):
    assert "imbed transformation" in " ".join(document.levels[2].whole_family_view)
    assert "plans are in place to move to a one" in " ".join(document.levels[1].whole_family_view)
    assert "due to be full enacted in March 2018" in document.checklist[3].text


def test_uncertain_placements_carry_a_note(document):
    notes = {
        s.key: s.note
        for d in document.dimensions()
        for _, cell in d.statements
        for s in cell
        if s.note
    }
    assert set(notes) >= {
        "training_and_development.developing.1",
        "data_systems.early.4",
        "cost_benefit_analysis.maturing.4",
    }
    assert all(note.startswith("Placement:") for note in notes.values())
    assert {c.key for c in document.case_studies if c.note} == {"west_sussex", "greater_manchester"}
