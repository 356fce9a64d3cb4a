"""The scoring rule (DESIGN.md section 5): pure functions over plain data, no ORM.

Everything that shows a level or a score reads what the worker stored from these functions; the same
functions give the live suggestion while a respondent answers. The rule's identity is RULE_VERSION,
stored beside every result so that a later change of rule never silently relabels old results.

Arithmetic is exact: ratings, level means, scores and the level means taken for strands and the
overall level are ``fractions.Fraction``, so a floor of a mean that is exactly 3 is never taken
of 2.9999999. Floats appear only at the edge: every score, spread and mean leaving this module is
rounded (half to even) to SCORE_PLACES decimal places. The exact value stays available as
``exact_score`` on each result (not shown in repr, not used in equality), and is what strand and
overall scores are computed from, so rounding happens once. The spread flag compares the exact
variance with the square of the threshold, so a spread exactly at the threshold is never flagged,
whatever float rounding ``sqrt`` would do. See docs/scoring.md for a worked example.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from numbers import Real
from typing import TypeAlias

RULE_VERSION = "dmm-scoring/1"

LEVELS: tuple[int, ...] = (1, 2, 3, 4)
MIN_LEVEL = LEVELS[0]
MAX_LEVEL = LEVELS[-1]

DEFAULT_SPREAD_THRESHOLD = 1.0
SCORE_PLACES = 4

FLAG_MESSAGE = "Answers pull in different directions"


class Rating(StrEnum):
    """How far a statement describes the authority."""

    NOT_AT_ALL = "not_at_all"
    PARTLY = "partly"
    FULLY = "fully"

    @property
    def label(self) -> str:
        return _RATING_LABELS[self]

    @property
    def value_score(self) -> Fraction:
        """The rating's score: 0, 1/2 or 1."""
        return _RATING_SCORES[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, in the order shown to respondents, for form and model fields."""
        return [(rating.value, rating.label) for rating in cls]


_RATING_LABELS: dict[Rating, str] = {
    Rating.NOT_AT_ALL: "Does not describe us",
    Rating.PARTLY: "Partly describes us",
    Rating.FULLY: "Fully describes us",
}

_RATING_SCORES: dict[Rating, Fraction] = {
    Rating.NOT_AT_ALL: Fraction(0),
    Rating.PARTLY: Fraction(1, 2),
    Rating.FULLY: Fraction(1),
}


# A rating as callers may hold it: a Rating, its stored value ("partly"), or its score (0, 0.5, 1).
RatingValue: TypeAlias = Rating | str | float
# Each level (1-4) to the ratings of that level's statements, in any order.
RatingsByLevel: TypeAlias = Mapping[int, Sequence[RatingValue]]


class StrandRule(StrEnum):
    """How a strand's level comes from its dimensions' levels (a framework version setting)."""

    MEAN_FLOOR = "mean_floor"
    MINIMUM = "minimum"


DEFAULT_STRAND_RULE = StrandRule.MEAN_FLOOR


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionSuggestion:
    """What the ratings of one dimension suggest, before anyone confirms a level."""

    suggested_level: int
    score: float  # 1.0-4.0, rounded to SCORE_PLACES
    spread: float  # >= 0, rounded to SCORE_PLACES
    flagged: bool  # spread above the threshold: "answers pull in different directions"
    means: dict[int, float]  # level -> mean rating (0-1), rounded to SCORE_PLACES
    exact_score: Fraction = field(repr=False, compare=False)


@dataclass(frozen=True)
class DimensionResult:
    """One dimension of a scored assessment."""

    key: str
    strand_key: str
    suggested_level: int
    score: float
    spread: float
    flagged: bool
    means: dict[int, float]
    confirmed_level: int | None
    moderated_level: int | None
    level: int  # moderated level if set, else confirmed level
    exact_score: Fraction = field(repr=False, compare=False)


@dataclass(frozen=True)
class StrandResult:
    level: int
    score: float
    exact_score: Fraction = field(repr=False, compare=False)


@dataclass(frozen=True)
class OverallResult:
    """The indicative overall level and score."""

    level: int
    score: float
    exact_score: Fraction = field(repr=False, compare=False)


@dataclass(frozen=True)
class DimensionInput:
    key: str
    strand_key: str
    ratings_by_level: RatingsByLevel
    confirmed_level: int | None = None
    moderated_level: int | None = None


@dataclass(frozen=True)
class AssessmentInput:
    """A whole assessment as plain data. Strands in display order; a strand's dimensions are the
    dimensions whose strand_key is its key, in the order given."""

    strand_keys: Sequence[str]
    dimensions: Sequence[DimensionInput]
    strand_rule: StrandRule | str = DEFAULT_STRAND_RULE
    threshold: float | Decimal | Fraction = DEFAULT_SPREAD_THRESHOLD


@dataclass(frozen=True)
class AssessmentResult:
    rule_version: str
    dimensions: dict[str, DimensionResult]  # by dimension key, in input order
    strands: dict[str, StrandResult]  # by strand key, in strand order
    overall: OverallResult


# --- Validation and exact arithmetic -------------------------------------------------------------


def _is_finite_number(value: object) -> bool:
    # bool is an int subclass; a True/False rating or level is a bug upstream, not a 1 or a 0.
    return (
        isinstance(value, Real | Decimal) and not isinstance(value, bool) and math.isfinite(value)  # type: ignore[arg-type]
    )


def rating_score(rating: RatingValue) -> Fraction:
    """The exact score of one rating: a Rating, its value ("partly"), or the number 0, 0.5 or 1."""
    if isinstance(rating, Rating):
        return rating.value_score
    if isinstance(rating, str):
        try:
            return Rating(rating).value_score
        except ValueError:
            pass
    elif _is_finite_number(rating):
        number = Fraction(rating)
        if number in _RATING_SCORES.values():
            return number
    allowed = ", ".join(r.value for r in Rating)
    raise ValueError(f"Unknown rating {rating!r}: expected one of {allowed} or 0, 0.5, 1")


def _check_level(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_LEVEL <= value <= MAX_LEVEL:
        raise ValueError(
            f"{what} must be a whole number from {MIN_LEVEL} to {MAX_LEVEL}, not {value!r}"
        )
    return value


def _threshold(value: object) -> Fraction:
    if not _is_finite_number(value):
        raise ValueError(f"Spread threshold must be a finite number, not {value!r}")
    # A float is taken as the decimal the setting was written as (0.7, not 0.69999999999999995559).
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]
    if exact < 0:
        raise ValueError(f"Spread threshold must not be negative, not {value!r}")
    return exact


def _strand_rule(value: object) -> StrandRule:
    try:
        return StrandRule(value)
    except ValueError:
        allowed = ", ".join(rule.value for rule in StrandRule)
        raise ValueError(f"Unknown strand rule {value!r}: expected one of {allowed}") from None


def _exact_means(ratings_by_level: RatingsByLevel) -> dict[int, Fraction]:
    if not isinstance(ratings_by_level, Mapping):
        raise ValueError(
            "Ratings must be given as a mapping from level (1-4) to that level's ratings"
        )
    unknown = [
        level for level in ratings_by_level if level not in LEVELS or isinstance(level, bool)
    ]
    if unknown:
        raise ValueError(f"Ratings given for unknown level(s) {unknown!r}: levels are 1 to 4")
    means: dict[int, Fraction] = {}
    for level in LEVELS:
        ratings = ratings_by_level.get(level)
        if isinstance(ratings, str | bytes) or (
            ratings is not None and not isinstance(ratings, Sequence)
        ):
            raise ValueError(f"Level {level}'s ratings must be a list of ratings, not {ratings!r}")
        if not ratings:
            raise ValueError(f"Level {level} has no statements: every level needs at least one")
        scores = [rating_score(rating) for rating in ratings]
        means[level] = sum(scores, Fraction(0)) / len(scores)
    return means


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _rounded(value: Fraction) -> float:
    return float(round(value, SCORE_PLACES))


def _exact_number(value: object, what: str) -> Fraction:
    if not _is_finite_number(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return Fraction(value)  # type: ignore[arg-type]


# --- The rule ------------------------------------------------------------------------------------


def level_means(ratings_by_level: RatingsByLevel) -> dict[int, float]:
    """a[L]: the mean rating (0-1) of each level's statements, rounded to SCORE_PLACES."""
    return {level: _rounded(mean) for level, mean in _exact_means(ratings_by_level).items()}


def suggest(
    ratings_by_level: RatingsByLevel,
    *,
    threshold: float | Decimal | Fraction = DEFAULT_SPREAD_THRESHOLD,
) -> DimensionSuggestion:
    """Suggested level, score and consistency of one dimension from its statements' ratings."""
    limit = _threshold(threshold)
    means = _exact_means(ratings_by_level)
    # max() keeps the first of equal values, and LEVELS ascend: ties go to the lower level, and
    # all-zero ratings give level 1.
    suggested_level = max(LEVELS, key=lambda level: means[level])
    weight = sum(means.values(), Fraction(0))
    if weight == 0:
        score, variance = Fraction(MIN_LEVEL), Fraction(0)
    else:
        score = sum((level * means[level] for level in LEVELS), Fraction(0)) / weight
        variance = (
            sum((means[level] * (level - score) ** 2 for level in LEVELS), Fraction(0)) / weight
        )
    return DimensionSuggestion(
        suggested_level=suggested_level,
        score=_rounded(score),
        spread=round(math.sqrt(variance), SCORE_PLACES),
        flagged=variance > limit * limit,
        means={level: _rounded(mean) for level, mean in means.items()},
        exact_score=score,
    )


def dimension_level(*, confirmed: int | None, moderated: int | None) -> int | None:
    """The level a dimension counts at: the moderated level if set, else the confirmed level."""
    if moderated is not None:
        _check_level(moderated, "Moderated level")
    if confirmed is not None:
        _check_level(confirmed, "Confirmed level")
    return moderated if moderated is not None else confirmed


def _strand(levels: Sequence[int], scores: Sequence[Fraction], rule: StrandRule) -> StrandResult:
    if rule is StrandRule.MINIMUM:
        level = min(levels)
    else:
        level = math.floor(_mean([Fraction(level) for level in levels]))
    score = _mean(scores)
    return StrandResult(level=level, score=_rounded(score), exact_score=score)


def strand_result(
    dimension_levels: Sequence[int],
    dimension_scores: Sequence[float | Fraction],
    *,
    rule: StrandRule | str = DEFAULT_STRAND_RULE,
) -> StrandResult:
    """A strand's level (floor of the mean, or the minimum, of its dimension levels) and score (the
    mean of its dimension scores). Pass exact scores (``exact_score``) to avoid rounding twice."""
    strand_rule = _strand_rule(rule)
    if not dimension_levels:
        raise ValueError("A strand needs at least one dimension")
    if len(dimension_levels) != len(dimension_scores):
        raise ValueError(
            f"A strand needs one score per dimension level: got {len(dimension_levels)} levels "
            f"and {len(dimension_scores)} scores"
        )
    levels = [_check_level(level, "Dimension level") for level in dimension_levels]
    scores = [_exact_number(score, "Dimension score") for score in dimension_scores]
    for score in scores:
        if not MIN_LEVEL <= score <= MAX_LEVEL:
            raise ValueError(f"Dimension score must be from 1 to 4, not {float(score)!r}")
    return _strand(levels, scores, strand_rule)


def overall_result(strand_results: Sequence[StrandResult]) -> OverallResult:
    """The indicative overall level (floor of the mean of strand levels) and score (mean of strand
    scores, from their exact values)."""
    if not strand_results:
        raise ValueError("The overall result needs at least one strand")
    level = math.floor(_mean([Fraction(strand.level) for strand in strand_results]))
    score = _mean([strand.exact_score for strand in strand_results])
    return OverallResult(level=level, score=_rounded(score), exact_score=score)


def score_assessment(assessment: AssessmentInput) -> AssessmentResult:
    """Every dimension, strand and overall result of a whole assessment, with the rule version.

    Every dimension must have a level (confirmed or moderated): submission requires it."""
    rule = _strand_rule(assessment.strand_rule)
    strand_keys = list(assessment.strand_keys)
    if not strand_keys:
        raise ValueError("An assessment needs at least one strand")
    duplicates = sorted({key for key in strand_keys if strand_keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"Strand key(s) given more than once: {', '.join(duplicates)}")

    dimensions: dict[str, DimensionResult] = {}
    for dimension in assessment.dimensions:
        if dimension.key in dimensions:
            raise ValueError(f"Dimension {dimension.key!r} is given more than once")
        if dimension.strand_key not in strand_keys:
            raise ValueError(
                f"Dimension {dimension.key!r} belongs to unknown strand {dimension.strand_key!r}"
            )
        try:
            suggestion = suggest(dimension.ratings_by_level, threshold=assessment.threshold)
            level = dimension_level(
                confirmed=dimension.confirmed_level, moderated=dimension.moderated_level
            )
        except ValueError as error:
            raise ValueError(f"Dimension {dimension.key!r}: {error}") from error
        if level is None:
            raise ValueError(
                f"Dimension {dimension.key!r} has no level: it is neither confirmed nor moderated"
            )
        dimensions[dimension.key] = DimensionResult(
            key=dimension.key,
            strand_key=dimension.strand_key,
            suggested_level=suggestion.suggested_level,
            score=suggestion.score,
            spread=suggestion.spread,
            flagged=suggestion.flagged,
            means=suggestion.means,
            confirmed_level=dimension.confirmed_level,
            moderated_level=dimension.moderated_level,
            level=level,
            exact_score=suggestion.exact_score,
        )

    strands: dict[str, StrandResult] = {}
    for strand_key in strand_keys:
        members = [result for result in dimensions.values() if result.strand_key == strand_key]
        if not members:
            raise ValueError(f"Strand {strand_key!r} has no dimensions")
        strands[strand_key] = _strand(
            [member.level for member in members], [member.exact_score for member in members], rule
        )

    return AssessmentResult(
        rule_version=RULE_VERSION,
        dimensions=dimensions,
        strands=strands,
        overall=overall_result(list(strands.values())),
    )
