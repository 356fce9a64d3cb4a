"""The content checks, table-driven over the committed corpus, and the name rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from evidence.validation import (
    ALLOWED_TYPES,
    EvidenceFileError,
    file_check,
    filename_check,
    link_check,
)

from .conftest import CORPUS

GOOD = sorted(path.name for path in (CORPUS / "good").iterdir())

BAD = {
    "empty.pdf": "The selected file is empty",
    "pdf-renamed.docx": "is not a real Word document (DOCX): its content is Adobe Portable",
    "html-renamed.png": "is not a real PNG image: its content is HTML",
    "svg-renamed.png": "is not a real PNG image: its content is Scalable Vector Graphics",
    "zip-bomb.xlsx": "possible zip bomb",
    "macro.docx": "The selected file contains macros",
    "macro-enabled.docm": ".docm files are not allowed",
    "basic-macro.odt": "The selected file contains macros",
    "odt-renamed.ods": "is not a real OpenDocument spreadsheet (ODS): it is a different kind",
    "docx-renamed.xlsx": "is not a real Excel spreadsheet (XLSX): it is a different kind",
    "binary.txt": "it contains binary data",
    "latin1.csv": "saved as UTF-8 text",
    "program.exe": ".exe files are not allowed",
}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_every_corpus_file_has_a_case():
    assert sorted(BAD) == sorted(path.name for path in (CORPUS / "bad").iterdir())
    assert {name.rsplit(".", 1)[1] for name in GOOD} == set(ALLOWED_TYPES) - {"jpeg"}


@pytest.mark.parametrize("name", GOOD)
def test_allowed_files_pass_with_their_type_and_hash(name):
    import hashlib

    data = (CORPUS / "good" / name).read_bytes()
    checked = file_check(upload(name, data))
    assert checked.original_name == name
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.content_type == ALLOWED_TYPES[name.rsplit(".", 1)[1]].content_type


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_files_are_refused_naming_the_problem(name):
    data = (CORPUS / "bad" / name).read_bytes()
    with pytest.raises(EvidenceFileError) as refused:
        file_check(upload(name, data))
    assert BAD[name] in refused.value.messages[0]


def test_the_archive_size_and_entry_limits_come_from_settings(settings):
    data = (CORPUS / "good" / "returns.xlsx").read_bytes()
    settings.EVIDENCE_ZIP_MAX_ENTRIES = 3
    with pytest.raises(EvidenceFileError, match="holds .* parts"):
        file_check(upload("returns.xlsx", data))
    settings.EVIDENCE_ZIP_MAX_ENTRIES = 2000
    settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED_BYTES = 1000
    with pytest.raises(EvidenceFileError, match="would expand to"):
        file_check(upload("returns.xlsx", data))


def test_the_size_limit_comes_from_settings(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    data = (CORPUS / "good" / "protocol.pdf").read_bytes()
    with pytest.raises(EvidenceFileError, match="must be smaller than 100 bytes"):
        file_check(upload("protocol.pdf", data))


NAMES = {
    "../../etc/passwd": "must not contain folder names or slashes",
    "..\\..\\windows\\report.pdf": "must not contain folder names or slashes",
    "report\x00.pdf": "must not contain control characters",
    "report\x1b[31m.pdf": "must not contain control characters",
    "evil\u202etxt.pdf": "must not contain control characters",
    "line\nbreak.pdf": "must not contain control characters",
    ("a" * 296) + ".pdf": "must be 150 characters or fewer",
    "CON.pdf": "must not be the reserved name CON",
    "lpt1.report.pdf": "must not be the reserved name LPT1",
    ".hidden.pdf": "must not start with a full stop",
    "passwd": "it has no extension",
    "report.pdf.exe": ".exe files are not allowed",
    "   ": "has no name",
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_unsafe_names_are_refused(name):
    with pytest.raises(EvidenceFileError) as refused:
        filename_check(name)
    assert NAMES[name] in refused.value.messages[0]


def test_a_plain_name_is_kept_for_display():
    assert filename_check(" Protocol (signed) – 2026.PDF ") == "Protocol (signed) – 2026.PDF"


@given(st.text(max_size=300))
def test_any_accepted_name_is_safe(name):
    try:
        kept = filename_check(name)
    except EvidenceFileError:
        return
    assert "/" not in kept and "\\" not in kept
    assert kept.isprintable()
    assert len(kept) <= 150
    assert kept.rsplit(".", 1)[1].lower() in ALLOWED_TYPES


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "starts with https://"),
        ("  JavaScript:alert(1)", "starts with https://"),
        ("http://example.org/report", "starts with https://"),
        ("data:text/html,<b>x</b>", "starts with https://"),
        ("example.org", "starts with https://"),
        ("https://", "Enter a full web address"),
        ("https://exa mple.org", "Enter a full web address"),
    ],
)
def test_links_must_be_full_https_addresses(url, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        link_check(url)
    assert message in refused.value.message_dict["url"][0]


def test_an_https_link_passes():
    assert link_check(" https://data.example.gov.uk/dashboard ") == (
        "https://data.example.gov.uk/dashboard"
    )


def test_a_large_text_file_is_checked_in_chunks():
    data = ("line of text\n" * 200_000).encode()
    assert file_check(SimpleUploadedFile("big.txt", data)).size == len(data)
    with pytest.raises(EvidenceFileError):
        file_check(SimpleUploadedFile("big.txt", data + b"\x00"))


def test_unusual_spaces_become_plain_spaces():
    assert filename_check("annual\u00a0report\u2009v2.pdf") == "annual report v2.pdf"
