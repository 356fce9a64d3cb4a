"""Server-side SVG charts (the same markup goes into PDF reports). Presentation attributes only,
never a ``style`` attribute (the CSP forbids inline styles). Each level's bar has its own pattern
and every bar carries its count and level as text, so the chart reads without colour; the page
puts a data table beside each chart too."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import LEVELS

WIDTH = 340
HEIGHT = 200
TOP = 40
BASE = 150  # y of the bars' baseline
LEFT = 30
STEP = 75  # distance between bar centres
BAR = 44
INK = "#0b0c0c"
# Pattern per level: hatch, dots, cross-hatch, solid; all dark on white.
PATTERNS = {
    1: '<path d="M0,8 L8,0" stroke="{ink}" stroke-width="1.5"/>',
    2: '<circle cx="4" cy="4" r="1.6" fill="{ink}"/>',
    3: '<path d="M0,0 L8,8 M8,0 L0,8" stroke="{ink}" stroke-width="1.2"/>',
    4: '<rect width="8" height="8" fill="#1d70b8"/>',
}


def _centre(level: int) -> float:
    return LEFT + BAR / 2 + (level - 1) * STEP


def _score_x(score: Decimal) -> float:
    # Scores run from 1 (level 1) to 4 (level 4): place them on the bars' centres' scale.
    value = min(max(float(score), 1.0), 4.0)
    return _centre(1) + (value - 1) * STEP


def distribution_svg(
    *,
    chart_id: str,
    title: str,
    counts: tuple[int, int, int, int] | list[int],
    median: Decimal,
    own_level: int | None = None,
) -> SafeString:
    """A bar chart of authorities per level, the median score marked, the authority's own level
    outlined and labelled "You"."""
    chart_id = "".join(c if c.isalnum() else "-" for c in chart_id)
    peak = max(max(counts), 1)
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" role="img" '
            'viewBox="0 0 {} {}" width="{}" height="{}" aria-labelledby="{}-t {}-d" '
            'font-family="Arial, sans-serif">',
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT,
            chart_id,
            chart_id,
        ),
        format_html('<title id="{}-t">{}</title>', chart_id, title),
    ]
    described = "; ".join(
        f"level {lv}: {c} {'authority' if c == 1 else 'authorities'}"
        for lv, c in zip(LEVELS, counts, strict=True)
    )
    described += f"; median score {float(median):.2f}"
    if own_level:
        described += f"; your level {own_level}"
    parts.append(format_html('<desc id="{}-d">{}.</desc>', chart_id, described))
    parts.append("<defs>")
    for level, shape in PATTERNS.items():
        parts.append(
            f'<pattern id="{chart_id}-p{level}" width="8" height="8" '
            f'patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#ffffff"/>'
            f"{shape.format(ink=INK)}</pattern>"
        )
    parts.append("</defs>")
    parts.append(
        f'<line x1="{LEFT - 10}" y1="{BASE}" x2="{WIDTH - 10}" y2="{BASE}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for level, count in zip(LEVELS, counts, strict=True):
        height = (BASE - TOP - 14) * count / peak
        x = _centre(level) - BAR / 2
        mine = own_level == level
        parts.append(
            f'<rect x="{x:.1f}" y="{BASE - height:.1f}" width="{BAR}" height="{height:.1f}" '
            f'fill="url(#{chart_id}-p{level})" stroke="{INK}" '
            f'stroke-width="{4 if mine else 1}"/>'
        )
        parts.append(
            f'<text x="{_centre(level):.1f}" y="{BASE - height - 5:.1f}" text-anchor="middle" '
            f'font-size="14" font-weight="bold" fill="{INK}">{count}</text>'
        )
        parts.append(
            f'<text x="{_centre(level):.1f}" y="{BASE + 17}" text-anchor="middle" '
            f'font-size="13" fill="{INK}">Level {level}</text>'
        )
        if mine:
            parts.append(
                f'<text x="{_centre(level):.1f}" y="{BASE + 34}" text-anchor="middle" '
                f'font-size="13" font-weight="bold" fill="{INK}">▲ You</text>'
            )
    mx = _score_x(median)
    parts.append(
        f'<line x1="{mx:.1f}" y1="22" x2="{mx:.1f}" y2="{BASE}" stroke="#d4351c" '
        f'stroke-width="3" stroke-dasharray="6 3"/>'
    )
    anchor = "end" if mx > WIDTH - 80 else "start"
    offset = -5 if anchor == "end" else 5
    parts.append(
        f'<text x="{mx + offset:.1f}" y="16" text-anchor="{anchor}" font-size="13" '
        f'fill="{INK}">Median {escape(f"{float(median):.2f}")}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - built from escaped parts
