"""Upload attacks through the real request stack: each file is refused with a GOV.UK error summary
naming the problem, linked to the file field, and nothing is stored (no row, no file, no history).

The committed corpus (tests/evidence/corpus, tested by tests/evidence/test_views.py) already holds
wrong extensions, HTML and SVG renamed as images, an XLSX zip bomb, macros, a zero-byte file,
binary data in text files and an executable; tests/evidence/test_views.py covers path traversal,
control characters, reserved and over-long names through the multipart parser, and oversize
uploads. This file adds what the corpus lacked: polyglots (a PDF that is also a ZIP, HTML or
JavaScript; images carrying HTML or PHP; a DOCX with a PDF in front), zip bombs shaped as DOCX
(by size and by part count), HTML disguised as a PDF, double extensions and an SVG with script,
built here from the corpus generator's helpers."""

import io
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import HistoryEntry, HistoryKind
from evidence.models import EvidenceItem
from tests.evidence.test_validation import BAD as CORPUS_BAD
from tests.evidence.test_validation import NAMES as CORPUS_NAMES

CORPUS = Path(__file__).resolve().parents[1] / "evidence" / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

pytestmark = pytest.mark.django_db

KEY = "information_governance"
PDF = (CORPUS / "good" / "protocol.pdf").read_bytes()
DOCX = (CORPUS / "good" / "protocol.docx").read_bytes()
PNG = (CORPUS / "good" / "dashboard.png").read_bytes()
JPEG = (CORPUS / "good" / "warehouse-diagram.jpg").read_bytes()
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
DOCX_TYPES = make_corpus.CONTENT_TYPES.format(
    extra="", main="word/document.xml", main_type=make_corpus.OOXML_MAIN["docx"][1]
)


def zip_of(entries, level=6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_expanding_past_the_limit() -> bytes:
    """210 parts of 1 MB of zeros each (each under the ratio check's 1 MB floor): 210 MB."""
    zeros = b"\x00" * (1024 * 1024)
    return zip_of(
        [("[Content_Types].xml", DOCX_TYPES)]
        + [(f"word/media/image{i}.bin", zeros) for i in range(210)],
        level=9,
    )


def docx_with_too_many_parts() -> bytes:
    return zip_of([("[Content_Types].xml", DOCX_TYPES)] + [(f"p{i}.xml", "x") for i in range(2001)])


def pdf_with_javascript(name=b"/JavaScript") -> bytes:
    action = b"/OpenAction << /S " + name + b" /JS (app.alert(1)) >>"
    return PDF.replace(b"/Type /Catalog", b"/Type /Catalog " + action)


# name -> (how to build the file, the message the page must show)
ATTACKS = {
    "pdf-zip-polyglot.pdf": (lambda: PDF + zip_of([("index.html", HTML)]), "also holds a ZIP"),
    "pdf-html-polyglot.pdf": (lambda: b"%PDF-1.4\n" + HTML + PDF, "also holds web page code"),
    "pdf-javascript.pdf": (pdf_with_javascript, "contains JavaScript"),
    "pdf-escaped-javascript.pdf": (
        lambda: pdf_with_javascript(b"/J#61vaScript"),
        "contains JavaScript",
    ),
    "pdf-launch.pdf": (
        lambda: PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /Launch >>"),
        "action that starts a program",
    ),
    "html-disguised.pdf": (lambda: HTML, "is not a real PDF: its content is HTML"),
    "png-with-html.png": (lambda: PNG + HTML, "not only a PNG image: it also holds web page code"),
    "jpeg-with-php.jpg": (
        lambda: JPEG + b"<?php system($_GET['c']); ?>",
        "not only a JPEG image: it also holds web page code",
    ),
    "pdf-in-front-of.docx": (lambda: PDF + DOCX, "other content in front of the document"),
    "expands-past-the-limit.docx": (docx_expanding_past_the_limit, "would expand to 210 MB"),
    "too-many-parts.docx": (docx_with_too_many_parts, "holds 2002 parts"),
    "report.pdf.html": (lambda: HTML, ".html files are not allowed"),
    "report.exe.pdf": (lambda: b"MZ\x90\x00\x03" + b"\x00" * 59, "is not a real PDF"),
    "drawing.svg": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ".svg files are not allowed",
    ),
}


@pytest.fixture
def storage_root(settings, tmp_path):
    root = tmp_path / "evidence-storage"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


def post_file(client, assessment, name, data):
    client.force_login(assessment.authority.memberships.get(role="officer").user)
    return client.post(
        reverse("evidence:add_file", args=[assessment.pk, KEY]),
        {
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
            "title": "Information-sharing protocol",
            "description": "Signed by health, police and the council.",
            "no_personal_data_confirmed": "on",
        },
    )


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_file_is_refused_naming_the_problem_and_nothing_is_stored(
    client, assessment, storage_root, name
):
    build, message = ATTACKS[name]
    items_before = EvidenceItem.objects.count()
    response = post_file(client, assessment, name, build())
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "There is a problem" in html
    assert message in html.replace("&#x27;", "'")
    assert 'href="#id_file"' in html
    assert EvidenceItem.objects.count() == items_before
    assert [path for path in storage_root.rglob("*") if path.is_file()] == []
    assert not HistoryEntry.objects.filter(kind=HistoryKind.EVIDENCE).exists()


def test_the_good_corpus_still_passes_the_polyglot_checks(client, assessment, storage_root):
    """The checks refuse files that are two things at once, not ordinary documents."""
    for path in sorted((CORPUS / "good").iterdir()):
        response = post_file(client, assessment, path.name, path.read_bytes())
        assert response.status_code == 302, path.name
    assert EvidenceItem.objects.filter(answer__assessment=assessment).count() >= 10


def test_the_committed_corpus_covers_the_other_attacks():
    """What this file does not repeat, tests/evidence covers (kept in step here)."""
    assert {
        "empty.pdf",  # zero bytes
        "pdf-renamed.docx",  # content not matching the extension
        "html-renamed.png",  # HTML disguised as an image
        "svg-renamed.png",  # SVG with a script disguised as an image
        "zip-bomb.xlsx",  # one part expanding 1,000 times
        "macro.docx",
        "program.exe",
    } <= set(CORPUS_BAD)
    assert {
        "../../etc/passwd",  # path traversal
        "..\\..\\windows\\report.pdf",
        "report\x00.pdf",  # control characters
        "evil\u202etxt.pdf",  # right-to-left override
        "report.pdf.exe",  # double extension
        "CON.pdf",
    } <= set(CORPUS_NAMES)
