"""Benchmark: whole assessments scored per second by the rule (assessments/scoring.py).

    .venv/bin/python benchmarks/scoring_throughput.py                  # 10,000 assessments
    .venv/bin/python benchmarks/scoring_throughput.py --assessments 2000 --repeat 5

What it does, in this process only (no database, no network):

1. reads the shipped model (``fixtures/frameworks/dmm-early-help-1.0.yaml``: 5 strands, 8
   dimensions, the number of statements of each level of each dimension) and builds a random but
   realistic set of assessments: every statement rated with a stored rating value ("not_at_all",
   "partly", "fully"), each authority leaning towards a level of its own, every dimension given a
   confirmed level near that level and one in ten a moderated level;
2. times ``scoring.score_assessment`` over the whole set (best of ``--repeat`` runs);
3. times the baseline in the same run over the same ratings: a plain Python loop that turns each
   rating into 0, 0.5 or 1 and sums them per dimension (the least any scoring must do to read the
   ratings);
4. checks a sample of results against the rule's invariants (levels 1-4, scores 1.0-4.0), and
   prints assessments per second for both, the ratio and the RESULT lines.

There is no target in the design for this figure: it is recorded to see a change of the rule's
cost. Exit status 0 (1 if a result breaks an invariant).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from _results import result  # benchmarks/_results.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessments import scoring  # noqa: E402 - after the path is set

FRAMEWORK_FILE = ROOT / "fixtures/frameworks/dmm-early-help-1.0.yaml"
RATINGS = ("not_at_all", "partly", "fully")
RATING_NUMBERS = {"not_at_all": 0.0, "partly": 0.5, "fully": 1.0}


def model_shape() -> tuple[list[str], list[tuple[str, str, list[int]]]]:
    """Strand keys, and (dimension key, strand key, statements per level 1-4) per dimension."""
    import yaml

    document = yaml.safe_load(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    level_keys = [level["key"] for level in document["levels"]]  # in order, level 1 first
    strands, dimensions = [], []
    for strand in document["strands"]:
        strands.append(strand["key"])
        for dimension in strand["dimensions"]:
            counts = [len(dimension["statements"][key]) for key in level_keys]
            dimensions.append((dimension["key"], strand["key"], counts))
    return strands, dimensions


def random_assessments(count: int, seed: int) -> list[scoring.AssessmentInput]:
    strands, dimensions = model_shape()
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    assessments = []
    for _ in range(count):
        lean = rng.randint(1, 4)  # the level this authority is mostly at
        inputs = []
        for key, strand_key, counts in dimensions:
            ratings_by_level = {}
            for level, n in zip(scoring.LEVELS, counts, strict=True):
                # Fully below the lean, partly at it, mostly not above, with noise.
                weights = (1, 2, 7) if level < lean else (3, 5, 2) if level == lean else (7, 2, 1)
                ratings_by_level[level] = rng.choices(RATINGS, weights=weights, k=n)
            confirmed = min(4, max(1, lean + rng.choice((-1, 0, 0, 0, 0, 1))))
            moderated = rng.randint(1, 4) if rng.random() < 0.1 else None
            inputs.append(
                scoring.DimensionInput(
                    key=key,
                    strand_key=strand_key,
                    ratings_by_level=ratings_by_level,
                    confirmed_level=confirmed,
                    moderated_level=moderated,
                )
            )
        assessments.append(scoring.AssessmentInput(strand_keys=strands, dimensions=inputs))
    return assessments


def run_scoring(assessments: list[scoring.AssessmentInput]) -> list[scoring.AssessmentResult]:
    return [scoring.score_assessment(assessment) for assessment in assessments]


def run_baseline(assessments: list[scoring.AssessmentInput]) -> list[list[float]]:
    """The same ratings, read and summed per dimension with a plain loop."""
    numbers = RATING_NUMBERS
    out = []
    for assessment in assessments:
        sums = []
        for dimension in assessment.dimensions:
            total = 0.0
            for ratings in dimension.ratings_by_level.values():
                for rating in ratings:
                    total += numbers[rating]
            sums.append(total)
        out.append(sums)
    return out


def best_of(repeat: int, function, data) -> tuple[float, object]:
    times, output = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        output = function(data)
        times.append(time.perf_counter() - started)
    return min(times), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assessments", type=int, default=10_000, help="how many (10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts (3)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    started = time.perf_counter()
    assessments = random_assessments(args.assessments, args.seed)
    statements = sum(len(r) for d in assessments[0].dimensions for r in d.ratings_by_level.values())
    print(
        f"Built {len(assessments):,} random assessments ({len(assessments[0].dimensions)} "
        f"dimensions, {statements} statement ratings each) in "
        f"{time.perf_counter() - started:.1f} s."
    )
    baseline_seconds, _ = best_of(args.repeat, run_baseline, assessments)
    scoring_seconds, results = best_of(args.repeat, run_scoring, assessments)

    broken = 0
    for outcome in results[:: max(1, len(results) // 500)]:  # type: ignore[index]
        levels = [d.level for d in outcome.dimensions.values()]
        levels += [s.level for s in outcome.strands.values()] + [outcome.overall.level]
        scores = [d.score for d in outcome.dimensions.values()] + [outcome.overall.score]
        if not all(1 <= x <= 4 for x in levels) or not all(1.0 <= x <= 4.0 for x in scores):
            broken += 1

    rate = len(assessments) / scoring_seconds
    baseline_rate = len(assessments) / baseline_seconds
    print()
    print(f"{'':<44} {'seconds':>9} {'assessments/s':>14}")
    print(f"{'scoring.score_assessment (best of ' + str(args.repeat) + ')':<44} "
          f"{scoring_seconds:>9.3f} {rate:>14,.0f}")  # fmt: skip
    print(f"{'baseline: plain loop summing the ratings':<44} "
          f"{baseline_seconds:>9.3f} {baseline_rate:>14,.0f}")  # fmt: skip
    print(
        f"Scoring costs {scoring_seconds / baseline_seconds:.1f}x the plain loop; "
        f"{scoring_seconds / len(assessments) * 1e6:.0f} microseconds per assessment."
    )
    sample = len(results[:: max(1, len(results) // 500)])  # type: ignore[index]
    print(f"Results breaking an invariant (sample of {sample}): {broken}")
    result(
        f"scoring throughput, {len(assessments):,} assessments x "
        f"{len(assessments[0].dimensions)} dimensions",
        rate,
        "assessments/s",
        baseline="plain Python loop summing the same ratings",
        baseline_value=baseline_rate,
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
