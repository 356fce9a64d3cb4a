"""Table-driven tests of the scoring rule (DESIGN.md section 5). Pure: no database.

Ratings are written one letter a statement: N = does not describe us (0), P = partly (0.5),
F = fully describes us (1). A dimension is four strings, levels 1 to 4. Expected values are worked
by hand; a[L] is the mean rating of level L, score = sum(L * a[L]) / sum(a[L]),
spread = sqrt(sum(a[L] * (L - score)^2) / sum(a[L])).
"""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring import (
    DEFAULT_SPREAD_THRESHOLD,
    RULE_VERSION,
    AssessmentInput,
    DimensionInput,
    Rating,
    StrandResult,
    StrandRule,
    dimension_level,
    level_means,
    overall_result,
    rating_score,
    score_assessment,
    strand_result,
    suggest,
)

LETTERS = {"N": Rating.NOT_AT_ALL, "P": Rating.PARTLY, "F": Rating.FULLY}


def dim(l1: str, l2: str, l3: str, l4: str) -> dict[int, list[Rating]]:
    return {
        level: [LETTERS[letter] for letter in letters]
        for level, letters in enumerate((l1, l2, l3, l4), start=1)
    }


# --- Ratings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        pytest.param(Rating.NOT_AT_ALL, Fraction(0), id="enum-not-at-all"),
        pytest.param(Rating.PARTLY, Fraction(1, 2), id="enum-partly"),
        pytest.param(Rating.FULLY, Fraction(1), id="enum-fully"),
        pytest.param("partly", Fraction(1, 2), id="stored-value"),
        pytest.param(0, Fraction(0), id="int-0"),
        pytest.param(0.5, Fraction(1, 2), id="float-half"),
        pytest.param(1.0, Fraction(1), id="float-1"),
        pytest.param(Decimal("0.5"), Fraction(1, 2), id="decimal-half"),
    ],
)
def test_rating_score(rating, expected):
    assert rating_score(rating) == expected


def test_rating_choices_are_in_answer_order_with_the_design_labels():
    assert Rating.choices() == [
        ("not_at_all", "Does not describe us"),
        ("partly", "Partly describes us"),
        ("fully", "Fully describes us"),
    ]


# --- One dimension -------------------------------------------------------------------------------

SUGGEST_CASES = [
    # id, ratings, suggested level, score, spread, means
    pytest.param(
        dim("NN", "NNN", "N", "NN"), 1, 1.0, 0.0, {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0}, id="all-zero"
    ),
    # a = 1, 1, 0, 0: tie at 1 and 2 goes to 1. score = (1 + 2) / 2 = 1.5;
    # spread = sqrt((1 * 0.25 + 1 * 0.25) / 2) = 0.5
    pytest.param(
        dim("F", "F", "N", "N"), 1, 1.5, 0.5, {1: 1.0, 2: 1.0, 3: 0.0, 4: 0.0}, id="tie-1-and-2"
    ),
    # a = 0, 0.5, 0, 0.5: tie at 2 and 4 goes to 2. score = (2 * 0.5 + 4 * 0.5) / 1 = 3;
    # spread = sqrt((0.5 * 1 + 0.5 * 1) / 1) = 1
    pytest.param(
        dim("N", "FN", "NN", "P"), 2, 3.0, 1.0, {1: 0.0, 2: 0.5, 3: 0.0, 4: 0.5}, id="tie-2-and-4"
    ),
    # a = 1, 1, 1, 1: all tie, lowest wins. score = 10 / 4 = 2.5;
    # spread = sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4) = sqrt(1.25) = 1.1180
    pytest.param(
        dim("F", "FF", "FFF", "F"),
        1,
        2.5,
        1.118,
        {1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0},
        id="all-equal-fully",
    ),
    # a = 0.5 everywhere: same shape as all fully, so the same score and spread.
    pytest.param(
        dim("P", "PP", "FN", "P"),
        1,
        2.5,
        1.118,
        {1: 0.5, 2: 0.5, 3: 0.5, 4: 0.5},
        id="all-equal-partly",
    ),
    pytest.param(
        dim("N", "N", "F", "N"), 3, 3.0, 0.0, {1: 0.0, 2: 0.0, 3: 1.0, 4: 0.0}, id="one-level-only"
    ),
    # one statement a level; a = 0.5, 1, 0.5, 0. score = (0.5 + 2 + 1.5) / 2 = 2;
    # spread = sqrt((0.5 * 1 + 0 + 0.5 * 1) / 2) = sqrt(0.5) = 0.7071
    pytest.param(
        dim("P", "F", "P", "N"),
        2,
        2.0,
        0.7071,
        {1: 0.5, 2: 1.0, 3: 0.5, 4: 0.0},
        id="one-statement-levels",
    ),
    pytest.param(
        dim("N", "N", "N", "F"), 4, 4.0, 0.0, {1: 0.0, 2: 0.0, 3: 0.0, 4: 1.0}, id="top-level-only"
    ),
    # a = 1/6, 1/2, 5/6, 1/6; sum a = 5/3; sum L*a = 1/6 + 1 + 15/6 + 4/6 = 13/3;
    # score = 13/5 = 2.6; variance = (1/6 * 2.56 + 1/2 * 0.36 + 5/6 * 0.16 + 1/6 * 1.96) / (5/3)
    #   = (16/15) / (5/3) = 16/25, spread = 0.8
    pytest.param(
        dim("NNP", "PFN", "FFP", "PNN"),
        3,
        2.6,
        0.8,
        {1: 0.1667, 2: 0.5, 3: 0.8333, 4: 0.1667},
        id="partial-ratings",
    ),
    # a = 1, 5/6, 1/6, 0; sum a = 2; sum L*a = 1 + 5/3 + 1/2 = 19/6; score = 19/12 = 1.5833;
    # variance = (49/144 + 5/6 * 25/144 + 1/6 * 289/144) / 2 = (59/72) / 2 = 59/144,
    # spread = sqrt(59) / 12 = 0.6401
    pytest.param(
        dim("FFF", "FFP", "PNN", "NNN"),
        1,
        1.5833,
        0.6401,
        {1: 1.0, 2: 0.8333, 3: 0.1667, 4: 0.0},
        id="partial-ratings-low",
    ),
    # a = 1, 0, 0, 1: score 2.5; spread = sqrt((2.25 + 2.25) / 2) = 1.5
    pytest.param(
        dim("F", "N", "N", "F"), 1, 2.5, 1.5, {1: 1.0, 2: 0.0, 3: 0.0, 4: 1.0}, id="split-1-and-4"
    ),
]


@pytest.mark.parametrize(("ratings", "level", "score", "spread", "means"), SUGGEST_CASES)
def test_suggest(ratings, level, score, spread, means):
    suggestion = suggest(ratings)
    assert suggestion.suggested_level == level
    assert suggestion.score == score
    assert suggestion.spread == spread
    assert suggestion.means == means
    assert level_means(ratings) == means
    assert suggestion.flagged is (spread > DEFAULT_SPREAD_THRESHOLD)


def test_plain_values_and_enum_members_give_the_same_suggestion():
    as_enum = dim("NNP", "PFN", "FFP", "PNN")
    as_values = {level: [rating.value for rating in ratings] for level, ratings in as_enum.items()}
    as_numbers = {
        level: [float(rating.value_score) for rating in ratings]
        for level, ratings in as_enum.items()
    }
    assert suggest(as_values) == suggest(as_enum) == suggest(as_numbers)


def test_exact_score_is_kept_beside_the_rounded_one():
    suggestion = suggest(dim("FFF", "FFP", "PNN", "NNN"))
    assert suggestion.exact_score == Fraction(19, 12)
    assert suggestion.score == 1.5833


SPREAD_FLAG_CASES = [
    # a = 0, 0.5, 0, 0.5: spread exactly 1 (see tie-2-and-4).
    pytest.param(dim("N", "FN", "NN", "P"), 0.99, True, id="spread-1-just-above-0.99"),
    pytest.param(dim("N", "FN", "NN", "P"), 1.0, False, id="spread-1-at-threshold-1"),
    pytest.param(dim("N", "FN", "NN", "P"), 1.01, False, id="spread-1-just-below-1.01"),
    # a = 1, 0, 1/9, 0: score = (1 + 3/9) / (10/9) = 1.2;
    # variance = (1 * 0.04 + 1/9 * 3.24) / (10/9) = 0.36, spread exactly 0.6.
    pytest.param(dim("F", "NN", "FNNNNNNNN", "N"), 0.59, True, id="spread-0.6-above-0.59"),
    pytest.param(dim("F", "NN", "FNNNNNNNN", "N"), 0.6, False, id="spread-0.6-at-0.6"),
    pytest.param(dim("F", "NN", "FNNNNNNNN", "N"), 0.61, False, id="spread-0.6-below-0.61"),
    # a = 0, 1/4, 5/8, 3/8: score = (31/8) / (5/4) = 3.1;
    # variance = (1/4 * 1.21 + 5/8 * 0.01 + 3/8 * 0.81) / 1.25 = 0.6125 / 1.25 = 0.49, spread 0.7.
    # Float arithmetic gives 0.7000000000000001 here, which would wrongly flag it.
    pytest.param(dim("N", "NP", "NPFF", "NNPF"), 0.7, False, id="spread-0.7-at-0.7-float-trap"),
    pytest.param(dim("N", "NP", "NPFF", "NNPF"), 0.6999, True, id="spread-0.7-above-0.6999"),
    # a = 0.5, 0.5, 1/6, 0.5: score = 4 / (5/3) = 2.4;
    # variance = (0.5 * 1.96 + 0.5 * 0.16 + 1/6 * 0.36 + 0.5 * 2.56) / (5/3) = 2.4 / (5/3) = 1.44,
    # spread exactly 1.2 (float arithmetic: 1.2000000000000002).
    pytest.param(dim("P", "P", "NNP", "P"), 1.2, False, id="spread-1.2-at-1.2-float-trap"),
    pytest.param(dim("P", "P", "NNP", "P"), Decimal("1.2"), False, id="decimal-threshold"),
    pytest.param(dim("P", "P", "NNP", "P"), Fraction(6, 5), False, id="fraction-threshold"),
    pytest.param(dim("P", "P", "NNP", "P"), 1, True, id="int-threshold"),
    pytest.param(dim("NN", "N", "N", "N"), 0, False, id="all-zero-never-flagged"),
    pytest.param(dim("N", "F", "N", "N"), 0, False, id="one-level-at-threshold-0"),
]


@pytest.mark.parametrize(("ratings", "threshold", "flagged"), SPREAD_FLAG_CASES)
def test_spread_flag_is_strictly_above_the_threshold(ratings, threshold, flagged):
    assert suggest(ratings, threshold=threshold).flagged is flagged


# --- Dimension level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confirmed", "moderated", "expected"),
    [
        pytest.param(None, None, None, id="neither"),
        pytest.param(3, None, 3, id="confirmed-only"),
        pytest.param(3, 2, 2, id="moderated-overrides-lower"),
        pytest.param(1, 4, 4, id="moderated-overrides-higher"),
        pytest.param(2, 2, 2, id="moderation-agrees"),
        pytest.param(None, 4, 4, id="moderated-only"),
    ],
)
def test_dimension_level(confirmed, moderated, expected):
    assert dimension_level(confirmed=confirmed, moderated=moderated) == expected


# --- Strands and overall -------------------------------------------------------------------------

STRAND_CASES = [
    # levels, scores, rule, level, score
    pytest.param([3], [2.5], "mean_floor", 3, 2.5, id="one-dimension-mean-floor"),
    pytest.param([3], [2.5], "minimum", 3, 2.5, id="one-dimension-minimum"),
    # mean 2.5 floors to 2; scores (2.5 + 3) / 2 = 2.75
    pytest.param([2, 3], [2.5, 3.0], "mean_floor", 2, 2.75, id="2-3-mean-floor"),
    pytest.param([2, 3], [2.5, 3.0], StrandRule.MINIMUM, 2, 2.75, id="2-3-minimum"),
    # mean 11/3 = 3.67 floors to 3; minimum 3
    pytest.param([3, 4, 4], [3.0, 4.0, 3.5], "mean_floor", 3, 3.5, id="3-4-4-mean-floor"),
    pytest.param([3, 4, 4], [3.0, 4.0, 3.5], "minimum", 3, 3.5, id="3-4-4-minimum"),
    # mean 2.5 floors to 2, minimum 1: the rules differ
    pytest.param([1, 4], [1.0, 4.0], StrandRule.MEAN_FLOOR, 2, 2.5, id="1-4-mean-floor"),
    pytest.param([1, 4], [1.0, 4.0], "minimum", 1, 2.5, id="1-4-minimum"),
    # mean 11/4 = 2.75 floors to 2; scores (1.5 + 2 + 3 + 3.25) / 4 = 2.4375
    pytest.param(
        [2, 2, 3, 4], [1.5, 2.0, 3.0, 3.25], "mean_floor", 2, 2.4375, id="2-2-3-4-mean-floor"
    ),
    # mean exactly 4
    pytest.param([4, 4], [4.0, 3.5], "mean_floor", 4, 3.75, id="4-4-mean-floor"),
    # scores (1 + 1 + 2) / 3 = 4/3 = 1.3333 (rounded at the edge)
    pytest.param([1, 1, 2], [1.0, 1.0, 2.0], "mean_floor", 1, 1.3333, id="rounded-score"),
]


@pytest.mark.parametrize(("levels", "scores", "rule", "level", "score"), STRAND_CASES)
def test_strand_result(levels, scores, rule, level, score):
    result = strand_result(levels, scores, rule=rule)
    assert (result.level, result.score) == (level, score)


def test_strand_rule_defaults_to_mean_floor():
    assert strand_result([1, 4], [1.0, 4.0]).level == 2


def test_strand_level_floor_is_safe_from_float_error():
    levels = [3] * 10
    # Adding up level / count in floats lands just under 3, and its floor would be 2.
    assert math.floor(sum(level / len(levels) for level in levels)) == 2
    assert strand_result(levels, [3.0] * 10, rule="mean_floor").level == 3


def strand(level: int, score: float) -> StrandResult:
    return StrandResult(level=level, score=score, exact_score=Fraction(score))


OVERALL_CASES = [
    # strand levels, strand scores, overall level, overall score
    # levels mean 14/5 = 2.8 floors to 2; scores (2 + 3 + 3 + 2 + 4) / 5 = 2.8
    pytest.param([2, 3, 3, 2, 4], [2.0, 3.0, 3.0, 2.0, 4.0], 2, 2.8, id="floor-2.8"),
    # levels mean 19/5 = 3.8 floors to 3; scores (4 * 3.75 + 3) / 5 = 3.6
    pytest.param([4, 4, 4, 4, 3], [3.75, 3.75, 3.75, 3.75, 3.0], 3, 3.6, id="floor-3.8"),
    pytest.param([1, 1, 1, 1, 1], [1.0, 1.0, 1.0, 1.5, 1.0], 1, 1.1, id="all-1"),
    pytest.param([3, 3, 3, 3, 3], [2.5, 3.0, 3.0, 3.0, 3.5], 3, 3.0, id="all-3-exact"),
    # the float trap again: ten strands at level 3 is exactly 3
    pytest.param([3] * 10, [3.0] * 10, 3, 3.0, id="float-safe-floor"),
    # scores (1.5 + 1.75 + 2) / 3 = 1.75
    pytest.param([2, 1, 2], [1.5, 1.75, 2.0], 1, 1.75, id="floor-5/3"),
]


@pytest.mark.parametrize(("levels", "scores", "level", "score"), OVERALL_CASES)
def test_overall_result(levels, scores, level, score):
    result = overall_result([strand(lv, sc) for lv, sc in zip(levels, scores, strict=True)])
    assert (result.level, result.score) == (level, score)


# --- A whole assessment --------------------------------------------------------------------------

STRANDS = [
    "information_governance_and_data_sharing",
    "data_systems",
    "casework_management_systems",
    "cost_benefit_analysis",
    "intelligent_service_design_and_commissioning",
]


def demo_assessment(rule: str = "mean_floor", threshold: float = 1.0) -> AssessmentInput:
    """The worked example in docs/scoring.md."""

    def d(key, strand_key, ratings, confirmed, moderated=None):
        return DimensionInput(
            key=key,
            strand_key=strand_key,
            ratings_by_level=ratings,
            confirmed_level=confirmed,
            moderated_level=moderated,
        )

    return AssessmentInput(
        strand_keys=STRANDS,
        dimensions=[
            d("information_governance", STRANDS[0], dim("N", "P", "F", "N"), 3),
            d("data_sharing", STRANDS[0], dim("F", "P", "N", "N"), 2, moderated=1),
            d("data_systems", STRANDS[1], dim("NN", "FF", "FP", "NN"), 2),
            d("training_and_development", STRANDS[1], dim("N", "N", "P", "P"), 4, moderated=3),
            d("casework_management_system", STRANDS[2], dim("F", "N", "N", "F"), 2),
            d("cost_benefit_analysis", STRANDS[3], dim("N", "N", "N", "N"), 1),
            d("commissioning", STRANDS[4], dim("N", "N", "F", "F"), 4),
            d("research", STRANDS[4], dim("N", "N", "N", "F"), 4),
        ],
        strand_rule=rule,
        threshold=threshold,
    )


# key: suggested level, score, spread, flagged, level
EXPECTED_DIMENSIONS = {
    # a = 0, 0.5, 1, 0: score = 4 / 1.5 = 8/3; variance = (0.5 * 4/9 + 1/9) / 1.5 = 2/9
    "information_governance": (3, 2.6667, 0.4714, False, 3),
    # a = 1, 0.5, 0, 0: score = 2 / 1.5 = 4/3; variance = (1/9 + 0.5 * 4/9) / 1.5 = 2/9
    "data_sharing": (1, 1.3333, 0.4714, False, 1),
    # a = 0, 1, 0.75, 0: score = 4.25 / 1.75 = 17/7; variance = (9/49 + 0.75 * 16/49) / 1.75
    #   = 12/49, spread = sqrt(12) / 7
    "data_systems": (2, 2.4286, 0.4949, False, 2),
    # a = 0, 0, 0.5, 0.5: tie goes to 3; score 3.5; spread 0.5
    "training_and_development": (3, 3.5, 0.5, False, 3),
    "casework_management_system": (1, 2.5, 1.5, True, 2),
    "cost_benefit_analysis": (1, 1.0, 0.0, False, 1),
    "commissioning": (3, 3.5, 0.5, False, 4),
    "research": (4, 4.0, 0.0, False, 4),
}


@pytest.mark.parametrize(
    ("rule", "strands", "overall"),
    [
        # strand levels: IG floor((3 + 1) / 2) = 2, DS floor((2 + 3) / 2) = 2, CMS 2, CBA 1, ISD 4;
        # overall floor(11/5 = 2.2) = 2.
        # strand scores: IG (8/3 + 4/3) / 2 = 2, DS (17/7 + 7/2) / 2 = 83/28 = 2.9643, CMS 2.5,
        # CBA 1, ISD (3.5 + 4) / 2 = 3.75; overall (2 + 83/28 + 2.5 + 1 + 3.75) / 5 = 171/70
        pytest.param(
            "mean_floor",
            {
                STRANDS[0]: (2, 2.0),
                STRANDS[1]: (2, 2.9643),
                STRANDS[2]: (2, 2.5),
                STRANDS[3]: (1, 1.0),
                STRANDS[4]: (4, 3.75),
            },
            (2, 2.4429),
            id="mean-floor",
        ),
        # minimum: IG 1, DS 2, CMS 2, CBA 1, ISD 4; overall floor(10/5) = 2; scores unchanged
        pytest.param(
            "minimum",
            {
                STRANDS[0]: (1, 2.0),
                STRANDS[1]: (2, 2.9643),
                STRANDS[2]: (2, 2.5),
                STRANDS[3]: (1, 1.0),
                STRANDS[4]: (4, 3.75),
            },
            (2, 2.4429),
            id="minimum",
        ),
    ],
)
def test_score_assessment(rule, strands, overall):
    result = score_assessment(demo_assessment(rule))
    assert result.rule_version == RULE_VERSION == "dmm-scoring/1"
    assert list(result.dimensions) == list(EXPECTED_DIMENSIONS)
    for key, (suggested, score, spread, flagged, level) in EXPECTED_DIMENSIONS.items():
        dimension = result.dimensions[key]
        assert (
            dimension.suggested_level,
            dimension.score,
            dimension.spread,
            dimension.flagged,
            dimension.level,
        ) == (suggested, score, spread, flagged, level), key
    assert {key: (s.level, s.score) for key, s in result.strands.items()} == strands
    assert list(result.strands) == STRANDS
    assert (result.overall.level, result.overall.score) == overall
    assert result.overall.exact_score == Fraction(171, 70)
    assert overall_result(list(result.strands.values())) == result.overall


def test_score_assessment_keeps_both_confirmed_and_moderated_levels():
    result = score_assessment(demo_assessment())
    data_sharing = result.dimensions["data_sharing"]
    assert (data_sharing.confirmed_level, data_sharing.moderated_level) == (2, 1)
    assert data_sharing.level == 1
    assert data_sharing.strand_key == STRANDS[0]


def test_score_assessment_uses_the_version_threshold():
    # casework_management_system has spread 1.5: flagged at 1.0, not at 1.5
    assert (
        score_assessment(demo_assessment(threshold=1.5))
        .dimensions["casework_management_system"]
        .flagged
        is False
    )
    # information_governance has spread 0.4714
    assert (
        score_assessment(demo_assessment(threshold=0.47))
        .dimensions["information_governance"]
        .flagged
        is True
    )


# --- Invalid input -------------------------------------------------------------------------------

GOOD = dim("F", "P", "N", "N")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: rating_score("sometimes"), "Unknown rating 'sometimes'", id="unknown-rating"
        ),
        pytest.param(lambda: rating_score(0.3), "Unknown rating 0.3", id="rating-0.3"),
        pytest.param(lambda: rating_score(True), "Unknown rating True", id="rating-bool"),
        pytest.param(lambda: rating_score(None), "Unknown rating None", id="rating-none"),
        pytest.param(lambda: rating_score(float("nan")), "Unknown rating nan", id="rating-nan"),
        pytest.param(
            lambda: suggest({**GOOD, 2: ["F", "P"]}), "Unknown rating 'F'", id="rating-letter"
        ),
        pytest.param(
            lambda: suggest({1: GOOD[1], 2: GOOD[2], 3: GOOD[3]}),
            "Level 4 has no statements",
            id="missing-level",
        ),
        pytest.param(
            lambda: suggest({**GOOD, 2: []}), "Level 2 has no statements", id="empty-level"
        ),
        pytest.param(
            lambda: suggest({**GOOD, 2: "partly"}),
            "Level 2's ratings must be a list of ratings, not 'partly'",
            id="level-given-a-string",
        ),
        pytest.param(
            lambda: suggest({**GOOD, 5: [Rating.FULLY]}),
            r"unknown level\(s\) \[5\]",
            id="level-5",
        ),
        pytest.param(
            lambda: suggest({**GOOD, 0: [Rating.FULLY]}),
            r"unknown level\(s\) \[0\]",
            id="level-0",
        ),
        pytest.param(
            lambda: suggest([["fully"]] * 4), "must be given as a mapping", id="not-a-mapping"
        ),
        pytest.param(
            lambda: suggest(GOOD, threshold=-0.1), "must not be negative", id="negative-threshold"
        ),
        pytest.param(
            lambda: suggest(GOOD, threshold=float("nan")),
            "must be a finite number",
            id="nan-threshold",
        ),
        pytest.param(
            lambda: suggest(GOOD, threshold="1.0"),
            "must be a finite number, not '1.0'",
            id="string-threshold",
        ),
        pytest.param(
            lambda: suggest(GOOD, threshold=Decimal("NaN")),
            "must be a finite number",
            id="decimal-nan-threshold",
        ),
        pytest.param(
            lambda: rating_score(Decimal("0.25")), "Unknown rating Decimal", id="rating-decimal"
        ),
        pytest.param(
            lambda: suggest({**GOOD, 3: {Rating.FULLY}}),
            "Level 3's ratings must be a list of ratings",
            id="level-given-a-set",
        ),
        pytest.param(
            lambda: strand_result([2], [float("inf")], rule="minimum"),
            "Dimension score must be a finite number, not inf",
            id="strand-score-inf",
        ),
        pytest.param(
            lambda: dimension_level(confirmed=5, moderated=None),
            "Confirmed level must be a whole number from 1 to 4, not 5",
            id="confirmed-5",
        ),
        pytest.param(
            lambda: dimension_level(confirmed=2, moderated=0),
            "Moderated level must be a whole number from 1 to 4, not 0",
            id="moderated-0",
        ),
        pytest.param(
            lambda: dimension_level(confirmed="3", moderated=None),
            "not '3'",
            id="confirmed-string",
        ),
        pytest.param(
            lambda: dimension_level(confirmed=2.0, moderated=None),
            "not 2.0",
            id="confirmed-float",
        ),
        pytest.param(
            lambda: dimension_level(confirmed=True, moderated=None),
            "not True",
            id="confirmed-bool",
        ),
        pytest.param(
            lambda: strand_result([], [], rule="mean_floor"),
            "needs at least one dimension",
            id="empty-strand",
        ),
        pytest.param(
            lambda: strand_result([2, 3], [2.0], rule="mean_floor"),
            "one score per dimension level",
            id="levels-and-scores-differ",
        ),
        pytest.param(
            lambda: strand_result([2], [2.0], rule="median"),
            "Unknown strand rule 'median': expected one of mean_floor, minimum",
            id="unknown-strand-rule",
        ),
        pytest.param(
            lambda: strand_result([2, 5], [2.0, 3.0], rule="minimum"),
            "Dimension level must be a whole number from 1 to 4, not 5",
            id="strand-level-5",
        ),
        pytest.param(
            lambda: strand_result([2, None], [2.0, 3.0], rule="minimum"),
            "not None",
            id="strand-level-missing",
        ),
        pytest.param(
            lambda: strand_result([2], [4.5], rule="minimum"),
            "Dimension score must be from 1 to 4",
            id="strand-score-4.5",
        ),
        pytest.param(lambda: overall_result([]), "at least one strand", id="overall-no-strands"),
    ],
)
def test_invalid_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def replace_dimensions(assessment: AssessmentInput, **changes) -> AssessmentInput:
    return AssessmentInput(
        strand_keys=changes.get("strand_keys", assessment.strand_keys),
        dimensions=changes.get("dimensions", assessment.dimensions),
        strand_rule=changes.get("strand_rule", assessment.strand_rule),
        threshold=changes.get("threshold", assessment.threshold),
    )


DEMO = demo_assessment()


@pytest.mark.parametrize(
    ("assessment", "message"),
    [
        pytest.param(
            replace_dimensions(DEMO, strand_keys=[*STRANDS, "extra_strand"]),
            "Strand 'extra_strand' has no dimensions",
            id="empty-strand",
        ),
        pytest.param(
            replace_dimensions(DEMO, strand_keys=STRANDS[1:]),
            "Dimension 'information_governance' belongs to unknown strand "
            "'information_governance_and_data_sharing'",
            id="unknown-strand",
        ),
        pytest.param(
            replace_dimensions(DEMO, strand_keys=[*STRANDS, STRANDS[0]]),
            "Strand key\\(s\\) given more than once: information_governance_and_data_sharing",
            id="duplicate-strand",
        ),
        pytest.param(
            replace_dimensions(DEMO, dimensions=[*DEMO.dimensions, DEMO.dimensions[0]]),
            "Dimension 'information_governance' is given more than once",
            id="duplicate-dimension",
        ),
        pytest.param(
            replace_dimensions(DEMO, strand_keys=[], dimensions=[]),
            "at least one strand",
            id="no-strands",
        ),
        pytest.param(
            replace_dimensions(DEMO, strand_rule="average"),
            "Unknown strand rule 'average'",
            id="unknown-strand-rule",
        ),
        pytest.param(
            replace_dimensions(
                DEMO,
                dimensions=[
                    DimensionInput(
                        key="research",
                        strand_key=STRANDS[4],
                        ratings_by_level=GOOD,
                        confirmed_level=None,
                    ),
                    *DEMO.dimensions[:-1],
                ],
            ),
            "Dimension 'research' has no level: it is neither confirmed nor moderated",
            id="unconfirmed-dimension",
        ),
        pytest.param(
            replace_dimensions(
                DEMO,
                dimensions=[
                    DimensionInput(
                        key="research",
                        strand_key=STRANDS[4],
                        ratings_by_level={**GOOD, 3: ["mostly"]},
                        confirmed_level=2,
                    ),
                    *DEMO.dimensions[:-1],
                ],
            ),
            "Dimension 'research': Unknown rating 'mostly'",
            id="bad-rating-names-the-dimension",
        ),
        pytest.param(
            replace_dimensions(
                DEMO,
                dimensions=[
                    DimensionInput(
                        key="research",
                        strand_key=STRANDS[4],
                        ratings_by_level=GOOD,
                        confirmed_level=3,
                        moderated_level=7,
                    ),
                    *DEMO.dimensions[:-1],
                ],
            ),
            "Dimension 'research': Moderated level must be a whole number from 1 to 4, not 7",
            id="bad-moderated-level-names-the-dimension",
        ),
    ],
)
def test_invalid_assessment_raises_a_clear_value_error(assessment, message):
    with pytest.raises(ValueError, match=message):
        score_assessment(assessment)


# --- Properties ----------------------------------------------------------------------------------

level_ratings = st.lists(st.sampled_from(list(Rating)), min_size=1, max_size=8)
ratings_strategy = st.fixed_dictionaries(dict.fromkeys((1, 2, 3, 4), level_ratings))
levels_strategy = st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=6)


@given(ratings_strategy)
def test_score_is_between_1_and_4_and_spread_is_not_negative(ratings):
    suggestion = suggest(ratings)
    assert 1.0 <= suggestion.score <= 4.0
    assert 1 <= suggestion.exact_score <= 4
    assert suggestion.spread >= 0.0


@given(ratings_strategy)
def test_suggested_level_is_the_lowest_level_with_the_highest_mean(ratings):
    suggestion = suggest(ratings)
    means = suggestion.means
    assert means[suggestion.suggested_level] == max(means.values())
    assert all(means[level] < max(means.values()) for level in range(1, suggestion.suggested_level))


@given(ratings_strategy, st.data())
def test_order_of_statements_within_a_level_changes_nothing(ratings, data):
    shuffled = {level: data.draw(st.permutations(values)) for level, values in ratings.items()}
    assert suggest(shuffled) == suggest(ratings)
    assert suggest(shuffled).exact_score == suggest(ratings).exact_score


@given(levels_strategy, st.sampled_from(list(StrandRule)))
def test_strand_level_lies_between_the_lowest_and_highest_dimension_level(levels, rule):
    result = strand_result(levels, [2.0] * len(levels), rule=rule)
    assert min(levels) <= result.level <= max(levels)
    if rule is StrandRule.MINIMUM:
        assert result.level == min(levels)
    else:
        assert result.level == sum(levels) // len(levels)


@given(st.lists(st.tuples(levels_strategy, st.sampled_from([1.0, 2.5, 4.0])), min_size=1))
def test_overall_level_lies_between_the_lowest_and_highest_strand_level(strands):
    results = [strand_result(levels, [score] * len(levels)) for levels, score in strands]
    overall = overall_result(results)
    strand_levels = [result.level for result in results]
    assert min(strand_levels) <= overall.level <= max(strand_levels)
    assert overall.level == sum(strand_levels) // len(strand_levels)
