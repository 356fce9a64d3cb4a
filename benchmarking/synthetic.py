"""Synthetic pools of results, written directly with bulk_create (no scoring, no history): for the
tests and ``benchmarks/benchmark_recompute.py``. Never used by the running portal."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    DimensionResult,
    Round,
    StrandResult,
)
from frameworks.models import Dimension, Strand


def _score(level: int, rng: random.Random) -> Decimal:
    return Decimal(f"{level + rng.randint(0, 99) / 100:.4f}")


def pool_bulk_create(
    *,
    round: Round,
    authorities: Sequence,
    status: str = AssessmentStatus.AGREED,
    seed: int = 0,
    levels: Sequence[int] | None = None,
    batch_size: int = 2000,
) -> list[AssessmentResult]:
    """One assessment with stored results per authority in the round. `levels[i]` fixes the
    i-th authority's levels everywhere; otherwise they are random (seeded)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    now = timezone.now()
    version_id = round.framework_version_id
    strands = list(Strand.objects.filter(framework_version_id=version_id))
    dimensions = list(Dimension.objects.filter(framework_version_id=version_id))
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                authority=a,
                round=round,
                framework_version_id=version_id,
                status=status,
                submitted_at=now,
                submission_count=1,
                results_revision=1,
                agreed_at=now if status == AssessmentStatus.AGREED else None,
            )
            for a in authorities
        ],
        batch_size=batch_size,
    )
    chosen = [
        levels[i] if levels is not None else rng.randint(1, 4) for i in range(len(authorities))
    ]
    results = AssessmentResult.objects.bulk_create(
        [
            AssessmentResult(
                authority_id=a.authority_id,
                assessment=a,
                rule_version="synthetic",
                revision=1,
                computed_at=now,
                overall_level=lv,
                overall_score=_score(lv, rng),
            )
            for a, lv in zip(assessments, chosen, strict=True)
        ],
        batch_size=batch_size,
    )

    def near(lv: int) -> int:
        return lv if levels is not None else min(4, max(1, lv + rng.choice((-1, 0, 0, 1))))

    DimensionResult.objects.bulk_create(
        [
            DimensionResult(
                authority_id=r.authority_id,
                result=r,
                dimension=d,
                suggested_level=(dl := near(r.overall_level)),
                confirmed_level=dl,
                level=dl,
                score=_score(dl, rng),
                spread=Decimal("0"),
                flagged=False,
            )
            for r in results
            for d in dimensions
        ],
        batch_size=batch_size,
    )
    StrandResult.objects.bulk_create(
        [
            StrandResult(
                authority_id=r.authority_id,
                result=r,
                strand=s,
                level=(sl := near(r.overall_level)),
                score=_score(sl, rng),
            )
            for r in results
            for s in strands
        ],
        batch_size=batch_size,
    )
    return results
