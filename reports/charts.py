"""SVG charts for the PDF reports: a radar of the five strands and a line chart of the trend across
rounds. Presentation attributes only (no style attributes). Each chart is an image with a title and
a description (role="img", aria-labelledby); every series differs by line pattern and marker shape
as well as colour, and the report prints each chart's figures as a data table beside it."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
GREY = "#b1b4b6"
FONT = "DejaVu Sans, sans-serif"
# (label, stroke colour, dash pattern, marker)
SERIES_STYLES = [
    ("Self-assessed", "#1d70b8", "", "circle"),
    ("Moderated", "#d4351c", "7 4", "square"),
    ("Peer median score", INK, "2 3", "triangle"),
]


def _id(value: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in value)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return (
            f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" '
            f'stroke="#ffffff" stroke-width="1"/>'
        )
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} L{x - 5:.1f},{y + 4:.1f} Z" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}" stroke="#ffffff"/>'


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" font-family="{FONT}">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]


def _legend(x: float, y: float, labels: Sequence[tuple[str, str, str, str]]) -> list[str]:
    parts = []
    for i, (label, colour, dash, marker) in enumerate(labels):
        lx = x + i * 150
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{lx}" y1="{y}" x2="{lx + 30}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
        parts.append(_marker(marker, lx + 15, y, colour))
        parts.append(
            f'<text x="{lx + 36}" y="{y + 4}" font-size="11" fill="{INK}">{escape(label)}</text>'
        )
    return parts


def _wrap(text: str, width: int = 18) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


def radar_svg(
    *,
    chart_id: str,
    title: str,
    axes: Sequence[str],
    series: Sequence[Sequence[float | None]],
) -> SafeString:
    """A radar of values from 0 to 4 on each axis (one per strand), one polygon per series in the
    order of SERIES_STYLES (self-assessed, moderated, peer median). A series with no values is
    left out (and out of the legend)."""
    chart_id = _id(chart_id)
    width, height = 520, 400
    cx, cy, radius = 260, 195, 125
    count = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        r = radius * value / 4
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    described = []
    for (label, *_), values in zip(SERIES_STYLES, series, strict=False):
        if any(v is not None for v in values):
            shown = ", ".join(
                f"{axis} {'no figure' if v is None else f'{v:g}'}"
                for axis, v in zip(axes, values, strict=True)
            )
            described.append(f"{label}: {shown}")
    parts = _open(chart_id, width, height, title, ". ".join(described) + ".")
    for ring in (1, 2, 3, 4):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{GREY}" stroke-width="1"/>')
        x, y = point(0, ring)
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="10" fill="{INK}">{ring}</text>'
        )
    for i, axis in enumerate(axes):
        x, y = point(i, 4)
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GREY}" '
            f'stroke-width="1"/>'
        )
        lx, ly = point(i, 4.55)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        lines = _wrap(axis)
        start = ly - (len(lines) - 1) * 6 + (4 if ly >= cy else 0)
        if i == 0:
            start = ly - (len(lines) - 1) * 12
        for j, text in enumerate(lines):
            parts.append(
                f'<text x="{lx:.1f}" y="{start + j * 12:.1f}" text-anchor="{anchor}" '
                f'font-size="10.5" fill="{INK}">{escape(text)}</text>'
            )
    shown_styles = []
    for style, values in zip(SERIES_STYLES, series, strict=False):
        label, colour, dash, marker = style
        if not any(v is not None for v in values):
            continue
        shown_styles.append(style)
        points = [point(i, v) for i, v in enumerate(values) if v is not None]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(points) == count:
            pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polygon points="{pts}" fill="none" stroke="{colour}" stroke-width="2.5"'
                f"{dash_attr}/>"
            )
        parts.extend(_marker(marker, x, y, colour) for x, y in points)
    parts.extend(_legend(30, height - 14, shown_styles))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def trend_svg(
    *,
    chart_id: str,
    title: str,
    rounds: Sequence[str],
    own: Sequence[float | None],
    peer: Sequence[float | None],
) -> SafeString:
    """Scores (1 to 4) across rounds: the authority's and the peer median (where published)."""
    chart_id = _id(chart_id)
    width, height = 520, 260
    left, right, top, bottom = 50, 20, 20, 200
    steps = max(len(rounds) - 1, 1)

    def x_of(i: int) -> float:
        if len(rounds) == 1:
            return (left + width - right) / 2
        return left + (width - left - right - 40) * i / steps + 20

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - 1) / 3

    described = "; ".join(
        f"{name}: your score {'none' if o is None else f'{o:.2f}'}, peer median "
        f"{'not shown' if p is None else f'{p:.2f}'}"
        for name, o, p in zip(rounds, own, peer, strict=True)
    )
    parts = _open(chart_id, width, height, title, described + ".")
    for level in (1, 2, 3, 4):
        y = y_of(level)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GREY}" '
            f'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="{INK}">{level}</text>'
        )
    parts.append(
        f'<text x="12" y="{(top + bottom) / 2:.0f}" font-size="10" fill="{INK}" '
        f'transform="rotate(-90 12 {(top + bottom) / 2:.0f})" text-anchor="middle">Score</text>'
    )
    for i, name in enumerate(rounds):
        parts.append(
            f'<text x="{x_of(i):.1f}" y="{bottom + 18}" text-anchor="middle" font-size="10.5" '
            f'fill="{INK}">{escape(name)}</text>'
        )
    styles = [("Your score", *SERIES_STYLES[0][1:]), ("Peer median", *SERIES_STYLES[2][1:])]
    for (label, colour, dash, marker), values in zip(styles, (own, peer), strict=True):
        points = [(x_of(i), y_of(v)) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"'
                f"{dash_attr}/>"
            )
        parts.extend(_marker(marker, x, y, colour) for x, y in points)
        del label
    parts.extend(_legend(left, height - 14, styles))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
