"""Content checks for uploaded evidence files. A file is accepted only when its name is safe,
its extension is one of the allowed types and its content is that type:

- the content type is detected by `puremagic` (a maintained signature library), not a table of
  our own;
- OOXML (DOCX, XLSX, PPTX) and ODF (ODT, ODS) files are ZIP archives: the archive is opened
  (never extracted) and its entry count, declared uncompressed size and compression ratios are
  limited (zip bombs); the main content type (`[Content_Types].xml` or the ODF `mimetype`
  entry) must match the extension; macro parts (`vbaProject.bin`, macro-enabled content types,
  ODF `Basic/` and `Scripts/`) are refused;
- CSV and TXT must be UTF-8 text with no NUL bytes;
- a file may not also be something else (a polyglot): no HTML or script inside a PDF or an
  image, no ZIP archive appended to one, no JavaScript or launch actions in a PDF, nothing in
  front of an Office or OpenDocument archive.

Every refusal is an `EvidenceFileError` with a message for the GOV.UK error summary.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError

OOXML = "ooxml"
ODF = "odf"
TEXT = "text"
BINARY = "binary"


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    family: str
    # For OOXML: the main part's content type in [Content_Types].xml; for ODF: the mimetype entry.
    # For binary types: the extensions puremagic reports for matching content.
    signature: tuple[str, ...] = ()


ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", BINARY, (".pdf",)),
    "docx": FileType(
        "Word document (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        OOXML,
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",),
    ),
    "xlsx": FileType(
        "Excel spreadsheet (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        OOXML,
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",),
    ),
    "pptx": FileType(
        "PowerPoint presentation (PPTX)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        OOXML,
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",),
    ),
    "odt": FileType(
        "OpenDocument text (ODT)",
        "application/vnd.oasis.opendocument.text",
        ODF,
        ("application/vnd.oasis.opendocument.text",),
    ),
    "ods": FileType(
        "OpenDocument spreadsheet (ODS)",
        "application/vnd.oasis.opendocument.spreadsheet",
        ODF,
        ("application/vnd.oasis.opendocument.spreadsheet",),
    ),
    "csv": FileType("CSV", "text/csv", TEXT),
    "txt": FileType("text file (TXT)", "text/plain", TEXT),
    "png": FileType("PNG image", "image/png", BINARY, (".png",)),
    "jpg": FileType("JPEG image", "image/jpeg", BINARY, (".jpg", ".jpeg", ".jfif")),
    "jpeg": FileType("JPEG image", "image/jpeg", BINARY, (".jpg", ".jpeg", ".jfif")),
}

ALLOWED_LIST = "PDF, DOCX, XLSX, PPTX, ODT, ODS, CSV, TXT, PNG or JPEG"
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_TYPES)

MAX_NAME_LENGTH = 150
# Windows device names: a file called "CON.pdf" cannot be saved on Windows, and some tools hang.
RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
# Signals of macros or scripts inside an OOXML or ODF archive.
MACRO_ENTRY = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|^(Basic|Scripts)/", re.I)
MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "ms-office.activex")
TEXT_SNIFF_BYTES = 64 * 1024
# Polyglots: a file that is also something else. Web page code inside a PDF or an image, a ZIP
# archive appended to one, a PDF that runs scripts or programs, data in front of a ZIP document.
MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|object|embed)\b|<\?php|javascript:", re.I)
PDF_ACTIONS = re.compile(rb"/(JavaScript|JS|Launch)\b")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
SCAN_CHUNK_BYTES = 1024 * 1024


class EvidenceFileError(ValidationError):
    """A file refused, with the message to show."""


@dataclass(frozen=True)
class CheckedFile:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    if size >= 1024:
        return f"{size / 1024:g} KB"
    return f"{size} bytes"


# --- Names ----------------------------------------------------------------------------------------


def filename_check(name: str) -> str:
    """The uploader's file name, checked: no path parts, no control characters, not a reserved
    device name, not too long, with an allowed extension. Returns the name (NFC-normalised,
    surrounding spaces removed) to keep for display."""
    if name is None or not str(name).strip():
        raise EvidenceFileError("The selected file has no name")
    name = unicodedata.normalize("NFC", str(name))
    # Other spaces (no-break, thin, ...) become plain spaces, so the kept name is printable.
    name = "".join(" " if unicodedata.category(char) == "Zs" else char for char in name).strip()
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise EvidenceFileError("The file name must not contain folder names or slashes")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        raise EvidenceFileError("The file name must not contain control characters")
    if len(name) > MAX_NAME_LENGTH:
        raise EvidenceFileError(f"The file name must be {MAX_NAME_LENGTH} characters or fewer")
    if name.startswith("."):
        raise EvidenceFileError("The file name must not start with a full stop")
    stem = name.split(".", 1)[0].strip().lower()
    if stem in RESERVED_NAMES:
        raise EvidenceFileError(f"The file name must not be the reserved name {stem.upper()}")
    extension_of(name)
    return name


def extension_of(name: str) -> str:
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if not extension:
        raise EvidenceFileError(f"The selected file must be a {ALLOWED_LIST} (it has no extension)")
    if extension not in ALLOWED_TYPES:
        raise EvidenceFileError(
            f"The selected file must be a {ALLOWED_LIST} (.{extension[:20]} files are not allowed)"
        )
    return extension


# --- Content --------------------------------------------------------------------------------------


def _detected(stream: IO[bytes]) -> list[puremagic.PureMagicWithConfidence]:
    stream.seek(0)
    try:
        return list(puremagic.magic_stream(stream))
    except (puremagic.PureError, ValueError):
        return []
    finally:
        stream.seek(0)


def _describe(detected: list[puremagic.PureMagicWithConfidence]) -> str:
    if not detected:
        return "its content is not recognised"
    best = max(detected, key=lambda match: match.confidence)
    return f"its content is {best.name or best.extension.lstrip('.').upper()}"


def _check_binary(stream: IO[bytes], file_type: FileType) -> None:
    detected = _detected(stream)
    if not any(match.extension.lower() in file_type.signature for match in detected):
        raise EvidenceFileError(
            f"The selected file is not a real {file_type.label}: {_describe(detected)}"
        )


def _check_text(stream: IO[bytes], file_type: FileType) -> None:
    """UTF-8 throughout (read in chunks, so a large file is not held in memory), no NUL bytes."""
    binary = f"The selected file must be a {file_type.label} of plain text: it contains binary data"
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream.seek(0)
    try:
        while chunk := stream.read(TEXT_SNIFF_BYTES):
            if b"\x00" in chunk:
                raise EvidenceFileError(binary)
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise EvidenceFileError(
            f"The selected file must be a {file_type.label} saved as UTF-8 text"
        ) from None
    finally:
        stream.seek(0)


def _contains(stream: IO[bytes], pattern: re.Pattern[bytes], *, pdf_names: bool = False) -> bool:
    """Whether the pattern occurs anywhere in the file (read in overlapping chunks). For PDFs,
    #xx escapes in names are decoded first (/J#61vaScript is /JavaScript)."""
    stream.seek(0)
    tail = b""
    try:
        while chunk := stream.read(SCAN_CHUNK_BYTES):
            window = tail + chunk
            if pdf_names:
                window = PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), window)
            if pattern.search(window):
                return True
            tail = chunk[-64:]
        return False
    finally:
        stream.seek(0)


def _check_polyglot(stream: IO[bytes], file_type: FileType) -> None:
    not_only = f"The selected file is not only a {file_type.label}"
    if file_type.family in (OOXML, ODF):
        stream.seek(0)
        starts_as_zip = stream.read(4) == b"PK\x03\x04"
        stream.seek(0)
        if not starts_as_zip:
            raise EvidenceFileError(f"{not_only}: it has other content in front of the document")
        return
    if file_type.family != BINARY:
        return
    stream.seek(0)
    try:
        hides_zip = zipfile.is_zipfile(stream)
    finally:
        stream.seek(0)
    if hides_zip:
        raise EvidenceFileError(f"{not_only}: it also holds a ZIP archive")
    if _contains(stream, MARKUP):
        raise EvidenceFileError(f"{not_only}: it also holds web page code (HTML or script)")
    if file_type.content_type == "application/pdf" and _contains(
        stream, PDF_ACTIONS, pdf_names=True
    ):
        raise EvidenceFileError(
            "The selected PDF contains JavaScript or an action that starts a program: save or "
            "print it as a new PDF without them and try again"
        )


def _check_archive(stream: IO[bytes], file_type: FileType) -> None:
    max_entries = int(getattr(settings, "EVIDENCE_ZIP_MAX_ENTRIES", 2000))
    max_total = int(getattr(settings, "EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024))
    max_ratio = int(getattr(settings, "EVIDENCE_ZIP_MAX_RATIO", 200))
    not_real = f"The selected file is not a real {file_type.label}"
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        detected = _detected(stream)
        raise EvidenceFileError(f"{not_real}: {_describe(detected)}") from None
    try:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise EvidenceFileError(
                f"The selected file cannot be checked safely: it holds {len(entries)} parts "
                f"(the limit is {max_entries})"
            )
        total = sum(entry.file_size for entry in entries)
        if total > max_total:
            raise EvidenceFileError(
                "The selected file cannot be checked safely: it would expand to "
                f"{human_size(total)} (the limit is {human_size(max_total)})"
            )
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > max_ratio * max(
                entry.compress_size, 1
            ):
                raise EvidenceFileError(
                    "The selected file cannot be checked safely: it is compressed suspiciously "
                    "far (a possible zip bomb)"
                )
            if MACRO_ENTRY.search(entry.filename):
                raise EvidenceFileError(
                    "The selected file contains macros: save it without macros (for example "
                    f"as .{'docx' if file_type.family == OOXML else 'odt'}) and try again"
                )
        if file_type.family == OOXML:
            _check_ooxml(archive, file_type, not_real)
        else:
            _check_odf(archive, file_type, not_real)
    except zipfile.BadZipFile:
        raise EvidenceFileError(f"{not_real}: the archive is damaged") from None
    except (RuntimeError, NotImplementedError):  # encrypted or unsupported compression
        raise EvidenceFileError(
            f"{not_real}: it is encrypted or uses an unsupported format"
        ) from None
    finally:
        archive.close()
        stream.seek(0)


def _read_entry(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        return None
    with archive.open(info) as handle:
        return handle.read(limit + 1)[:limit]


def _check_ooxml(archive: zipfile.ZipFile, file_type: FileType, not_real: str) -> None:
    data = _read_entry(archive, "[Content_Types].xml", 1024 * 1024)
    if data is None:
        raise EvidenceFileError(f"{not_real}: it has no Office content types")
    content_types = data.decode("utf-8", errors="replace").lower()
    if any(marker in content_types for marker in MACRO_CONTENT_TYPES):
        raise EvidenceFileError(
            "The selected file contains macros: save it without macros (as "
            f".{file_type.label.rsplit('(', 1)[-1].rstrip(')').lower()}) and try again"
        )
    if not any(signature.lower() in content_types for signature in file_type.signature):
        raise EvidenceFileError(f"{not_real}: it is a different kind of Office file")


def _check_odf(archive: zipfile.ZipFile, file_type: FileType, not_real: str) -> None:
    data = _read_entry(archive, "mimetype", 200)
    if data is None:
        raise EvidenceFileError(f"{not_real}: it has no OpenDocument type")
    if data.decode("ascii", errors="replace").strip() not in file_type.signature:
        raise EvidenceFileError(f"{not_real}: it is a different kind of OpenDocument file")


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def file_check(uploaded) -> CheckedFile:
    """Check an uploaded file (Django `UploadedFile` or any named, seekable file object) and
    return what to record about it, or raise EvidenceFileError naming the problem."""
    name = filename_check(getattr(uploaded, "name", "") or "")
    extension = extension_of(name)
    size = getattr(uploaded, "size", None)
    if size is None:
        uploaded.seek(0, os.SEEK_END)
        size = uploaded.tell()
    if size == 0:
        raise EvidenceFileError("The selected file is empty")
    limit = max_upload_bytes()
    if size > limit:
        raise EvidenceFileError(f"The selected file must be smaller than {human_size(limit)}")
    file_type = ALLOWED_TYPES[extension]
    stream = uploaded.file if hasattr(uploaded, "file") and uploaded.file else uploaded
    if file_type.family == BINARY:
        _check_binary(stream, file_type)
    elif file_type.family == TEXT:
        _check_text(stream, file_type)
    else:
        _check_archive(stream, file_type)
    _check_polyglot(stream, file_type)
    return CheckedFile(
        original_name=name,
        extension=extension,
        content_type=file_type.content_type,
        size=size,
        sha256=sha256_of(stream),
    )


# --- Links ----------------------------------------------------------------------------------------


def link_check(url: str) -> str:
    """A link must be a full https address: no `javascript:`, `data:` or plain `http:`."""
    from urllib.parse import urlsplit

    from django.core.validators import URLValidator

    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": "Enter the link's web address"})
    scheme = urlsplit(url).scheme.lower() if ":" in url else ""
    if scheme != "https":
        raise ValidationError(
            {"url": "Enter a link that starts with https:// (other kinds of link are not allowed)"}
        )
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise ValidationError(
            {"url": "Enter a full web address, like https://www.example.org/report"}
        ) from None
    return url
