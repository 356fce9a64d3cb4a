"""Regenerate the evidence test corpus (real small files, good and bad):

    .venv/bin/python tests/evidence/corpus/make_corpus.py

The files are committed; this script documents how each was made."""
# ruff: noqa: E501

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
GOOD = HERE / "good"
BAD = HERE / "bad"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
{extra}<Override PartName="/{main}" ContentType="{main_type}"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/>
</Relationships>"""
OOXML_MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}


def ooxml(kind: str, *, macro: bool = False) -> bytes:
    main, main_type = OOXML_MAIN[kind]
    extra = ""
    if macro:
        main_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
        extra = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>\n'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", CONTENT_TYPES.format(extra=extra, main=main, main_type=main_type)
        )
        archive.writestr("_rels/.rels", RELS.format(main=main))
        archive.writestr(main, "<document>Information-sharing protocol, signed 2026</document>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    return buffer.getvalue()


def odf(mimetype: str, *, basic: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
        archive.writestr("content.xml", "<office:document-content/>")
        if basic:
            archive.writestr(
                "Basic/Standard/Module1.xml", "<script:module>Sub Main</script:module>"
            )
    return buffer.getvalue()


def xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Families supported (aggregate)"
    workbook.active["B1"] = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image(kind: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (29, 112, 184)).save(buffer, format=kind)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A spreadsheet-shaped archive whose one sheet expands about a thousand times (64 MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(
                extra="",
                main="xl/workbook.xml",
                main_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            ),
        )
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (64 * 1024 * 1024))
    return buffer.getvalue()


def main() -> None:
    GOOD.mkdir(exist_ok=True)
    BAD.mkdir(exist_ok=True)
    good = {
        "protocol.pdf": pdf(),
        "protocol.docx": ooxml("docx"),
        "returns.xlsx": xlsx(),
        "board-briefing.pptx": ooxml("pptx"),
        "strategy.odt": odf("application/vnd.oasis.opendocument.text"),
        "dashboard-extract.ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
        "training-records.csv": b"course,completed\nData protection,42\nWhole-family view,17\n",
        "research-notes.txt": "Research applied: the whole-family view pilot — summary.\n".encode(),
        "dashboard.png": image("PNG"),
        "warehouse-diagram.jpg": image("JPEG"),
    }
    pdf_bytes = good["protocol.pdf"]
    bad = {
        "empty.pdf": b"",
        "pdf-renamed.docx": pdf_bytes,
        "html-renamed.png": b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n",
        "svg-renamed.png": (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="8"/></svg>\n'
        ),
        "zip-bomb.xlsx": zip_bomb(),
        "macro.docx": ooxml("docx", macro=True),
        "macro-enabled.docm": ooxml("docx", macro=True),
        "basic-macro.odt": odf("application/vnd.oasis.opendocument.text", basic=True),
        "odt-renamed.ods": odf("application/vnd.oasis.opendocument.text"),
        "docx-renamed.xlsx": ooxml("docx"),
        "binary.txt": b"looks like text\x00\x01\x02 but is not",
        "latin1.csv": "caf\xe9,na\xefve\n".encode("latin-1"),
        "program.exe": b"MZ\x90\x00\x03" + b"\x00" * 59,
    }
    for folder, files in ((GOOD, good), (BAD, bad)):
        for name, data in files.items():
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
