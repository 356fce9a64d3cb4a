"""Demo evidence for the demo assessments of the current round (after `assessments.demo`).

``manage.py seed_demo`` calls :func:`seed` (listed in ``settings.PORTAL_DEMO_SEEDERS``). For each
demo authority's current-round assessment that has been started, the first dimension of each
strand gets a link and a written statement in the spirit of the strand's MEASURES, and information
governance gets a small PDF (an information-sharing protocol). Items are written directly, with
their history rows, dated at the assessment's last activity, because submitted assessments can no
longer be changed through the services. Idempotent: an assessment that has evidence is left alone.
"""

from __future__ import annotations

import io
from typing import TextIO

from django.core.files.base import ContentFile
from django.db import transaction

from assessments.demo import ROUNDS
from assessments.models import Assessment, HistoryEntry, HistoryKind
from assessments.services import history_entry_build

from .models import EvidenceItem, EvidenceKind
from .storage import evidence_storage, stored_name_new
from .validation import sha256_of

# By strand key: (link title, link path, text title, text statement).
EXAMPLES: dict[str, tuple[str, str, str, str]] = {
    "information_governance_and_data_sharing": (
        "Information-sharing agreements register",
        "governance/information-sharing",
        "Data protection compliance",
        "All early help staff completed data protection training this year; the DPO reviews "
        "sharing agreements annually.",
    ),
    "data_systems": (
        "Early help performance dashboard",
        "dashboards/early-help",
        "Data warehouse",
        "The warehouse matches children's and adults' records nightly to give a whole-family view "
        "to lead practitioners.",
    ),
    "casework_management_systems": (
        "Case management system roadmap",
        "systems/case-management",
        "Single case record",
        "Early help and social care share one case management system with a family-level record.",
    ),
    "cost_benefit_analysis": (
        "Cost-benefit model (council intranet)",
        "finance/early-help-cba",
        "Savings tracked",
        "Outcomes are costed with the national unit cost database and reported to the board.",
    ),
    "intelligent_service_design_and_commissioning": (
        "Joint strategic needs assessment",
        "jsna/early-help",
        "Research applied",
        "Commissioning of family hubs used the local needs analysis and published research.",
    ),
}


def _pdf(title: str = "Information-sharing protocol (demo)") -> bytes:
    """A one-page PDF with a line of text, built by hand: the demo needs no PDF library at run
    time (the embedded default installs only the run-time dependencies)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 18 Tf 72 770 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + text.encode("latin-1") + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _items_for(assessment: Assessment) -> int:
    answers = sorted(
        assessment.dimension_answers.select_related("dimension__strand"),
        key=lambda a: (a.dimension.strand.order, a.dimension.order),
    )
    first_of_strand = {}
    for answer in answers:
        first_of_strand.setdefault(answer.dimension.strand.key, answer)
    # Dated at the assessment's last activity, so its history stays in time order.
    at = assessment.last_activity_at
    actor = assessment.started_by
    slug = assessment.authority.name.lower().replace(" ", "-")
    created = 0
    for strand_key, answer in first_of_strand.items():
        example = EXAMPLES.get(strand_key)
        if example is None:
            continue
        link_title, path, text_title, statement = example
        items = [
            EvidenceItem(
                kind=EvidenceKind.LINK,
                title=link_title,
                description="Shows what we have in place for this dimension.",
                url=f"https://intranet.{slug}.example.gov.uk/{path}",
            ),
            EvidenceItem(
                kind=EvidenceKind.TEXT,
                title=text_title,
                description="A summary of the evidence, agreed with the service lead.",
                text=statement,
            ),
        ]
        if answer.dimension.key == "information_governance":
            data = _pdf()
            stored = evidence_storage().save(
                stored_name_new(authority_id=assessment.authority_id), ContentFile(data)
            )
            items.append(
                EvidenceItem(
                    kind=EvidenceKind.FILE,
                    title="Information-sharing protocol",
                    description="Signed by the council, health and police partners.",
                    original_name="information-sharing-protocol.pdf",
                    stored_name=stored,
                    content_type="application/pdf",
                    size=len(data),
                    sha256=sha256_of(io.BytesIO(data)),
                    no_personal_data_confirmed=True,
                )
            )
        for item in items:
            item.authority_id = assessment.authority_id
            item.assessment = assessment
            item.answer = answer
            item.added_by = actor
            item.added_at = at
            item.full_clean()
            item.save()
            history_entry_build(
                assessment,
                actor=actor,
                kind=HistoryKind.EVIDENCE,
                subject=f"{answer.dimension.name}: {item.title}",
                after=f"{item.get_kind_display()}: {item.title}. {item.description}",
                dimension_id=answer.dimension_id,
                at=at,
            ).save()
            created += 1
    return created


def seed(data, stdout: TextIO) -> None:
    """The ``PORTAL_DEMO_SEEDERS`` hook."""
    assessments = (
        Assessment.objects.filter(authority__is_demo=True, round__name=ROUNDS[-1].name)
        .exclude(evidence_items__isnull=False)
        .select_related("authority")
        .order_by("authority__name")
    )
    total = 0
    for assessment in assessments:
        if (
            not HistoryEntry.objects.filter(assessment=assessment)
            .exclude(kind=HistoryKind.STATUS)
            .exists()
        ):
            continue  # not started in earnest: no evidence either
        with transaction.atomic():
            total += _items_for(assessment)
    stdout.write(f"Demo evidence: {total} items added.\n")
