"""HTML to PDF with WeasyPrint. The only module that imports WeasyPrint (a ruff banned-api rule).

PDFs are tagged (PDF/UA-1), in English (en-GB, from the page's lang attribute) and carry the
document's title. The report's stylesheet is static/reports/report.css; the running footer (the
authority or area, the date generated and the marking OFFICIAL) and page numbers are @page margin
boxes, whose font family is set there too.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import weasyprint  # noqa: TID251 - this is the one module that renders PDFs
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from . import charts
from .selectors import TEMPLATE_VERSION

PDF_VARIANT = "pdf/ua-1"
# WeasyPrint logs every page it lays out at INFO: keep the worker's log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
STYLESHEET = Path(settings.BASE_DIR) / "static" / "reports" / "report.css"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


@lru_cache(maxsize=1)
def _fonts() -> Any:
    from weasyprint.text.fonts import FontConfiguration  # noqa: TID251

    return FontConfiguration()


@lru_cache(maxsize=1)
def _stylesheet() -> Any:
    return weasyprint.CSS(filename=str(STYLESHEET), font_config=_fonts())


def css_string(value: str) -> str:
    """A value made safe inside a CSS double-quoted string."""
    cleaned = " ".join(str(value).split())
    return "".join(c if c.isalnum() or c in " -,.()'&" else f"\\{ord(c):x} " for c in cleaned)


def html_to_pdf(html: str) -> RenderedPdf:
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[_stylesheet()], font_config=_fonts()
    )
    content = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedPdf(content=content, pages=len(document.pages))


def _generated(now: datetime.datetime | None) -> str:
    return timezone.localtime(now or timezone.now()).strftime("%-d %B %Y")


def authority_report_html(data: dict[str, Any], *, now: datetime.datetime | None = None) -> str:
    context: dict[str, Any] = {
        "data": data,
        "generated_on": _generated(now),
        "footer_name": css_string(data["authority"]["name"]),
        "template_version": TEMPLATE_VERSION,
        "title": f"Data maturity report: {data['authority']['name']}, {data['round']['name']}",
    }
    strands = data.get("strands") or []
    if strands:
        moderated = data.get("moderated")
        context["radar"] = charts.radar_svg(
            chart_id="radar",
            title="Strand levels: self-assessed, moderated and peer median",
            axes=[s["name"] for s in strands],
            series=[
                [s["self_level"] for s in strands],
                [s["level"] for s in strands] if moderated else [None] * len(strands),
                [s["peer_median"] for s in strands],
            ],
        )
    trend = data.get("trend") or {}
    overall = next((r for r in trend.get("rows", []) if r["scope"] == "overall"), None)
    if overall and len(trend["rounds"]) > 1:
        context["trend_chart"] = charts.trend_svg(
            chart_id="trend",
            title="Overall score across rounds, with the median of all authorities",
            rounds=trend["rounds"],
            own=overall["scores"],
            peer=overall["peer_medians"],
        )
    return render_to_string("reports/pdf/authority.html", context)


def area_report_html(data: dict[str, Any], *, now: datetime.datetime | None = None) -> str:
    context = {
        "data": data,
        "generated_on": _generated(now),
        "footer_name": css_string(data["area"]["name"]),
        "template_version": TEMPLATE_VERSION,
        "title": f"Area report: {data['area']['name']}, {data['round']['name']}",
    }
    return render_to_string("reports/pdf/area.html", context)


def authority_report_pdf(
    data: dict[str, Any], *, now: datetime.datetime | None = None
) -> RenderedPdf:
    return html_to_pdf(authority_report_html(data, now=now))


def area_report_pdf(data: dict[str, Any], *, now: datetime.datetime | None = None) -> RenderedPdf:
    return html_to_pdf(area_report_html(data, now=now))


def baseline_pdf() -> RenderedPdf:
    """A one-page document with the same stylesheet and fonts (the benchmark's baseline)."""
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        "<title>Baseline</title></head><body><h1>Baseline</h1>"
        "<p>One page of text, rendered with the report's stylesheet and fonts.</p>"
        "</body></html>"
    )
    return html_to_pdf(html)
