"""The evidence pages through the real request stack: adding, changing, removing, downloading;
the bad-input corpus through the multipart parser; read-only after submission; other tenants 404.
"""

import hashlib
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import AssessmentStatus, HistoryEntry, HistoryKind
from evidence import services
from evidence.models import EvidenceItem, EvidenceKind

from .conftest import CORPUS, stored_files
from .test_validation import BAD

pytestmark = pytest.mark.django_db

KEY = "information_governance"
PDF = (CORPUS / "good" / "protocol.pdf").read_bytes()


def signed_in(client, user):
    client.force_login(user)
    return client


def urls(assessment, key=KEY):
    return {
        "file": reverse("evidence:add_file", args=[assessment.pk, key]),
        "link": reverse("evidence:add_link", args=[assessment.pk, key]),
        "text": reverse("evidence:add_text", args=[assessment.pk, key]),
        "dimension": reverse("assessments:dimension", args=[assessment.pk, key]),
        "task_list": reverse("assessments:task_list", args=[assessment.pk]),
    }


def file_post(name="protocol.pdf", data=PDF, **extra):
    fields = {
        "file": SimpleUploadedFile(name, data, content_type="application/octet-stream"),
        "title": "Information-sharing protocol",
        "description": "Signed by health, police and the council in 2026.",
        "no_personal_data_confirmed": "on",
    }
    fields.update(extra)
    return fields


def answer_of(assessment, key=KEY):
    return assessment.dimension_answers.get(dimension__key=key)


def raw_multipart(filename: str, data: bytes, boundary="----EvidenceBoundary7MA4YWxk"):
    """A multipart body built by hand, so the file name reaches Django's parser exactly as a
    browser or a script could send it (the test client would strip folders itself)."""
    parts = []
    for name, value in (
        ("title", "Protocol"),
        ("description", "Signed."),
        ("no_personal_data_confirmed", "on"),
    ):
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    header = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f"filename*=UTF-8''{quote(filename, safe='')}\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    parts.append(header + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- Adding ---------------------------------------------------------------------------------------


def test_an_officer_uploads_a_file_stored_privately_under_a_random_name(
    client, tenants, assessment, evidence_storage_root
):
    signed_in(client, tenants.a.officer)
    response = client.post(urls(assessment)["file"], file_post())
    assert response.status_code == 302
    assert response.url.endswith("#evidence")
    item = EvidenceItem.objects.get()
    assert item.kind == EvidenceKind.FILE
    assert item.authority == tenants.a.authority
    assert item.answer == answer_of(assessment)
    assert item.original_name == "protocol.pdf"
    assert item.content_type == "application/pdf"
    assert item.sha256 == hashlib.sha256(PDF).hexdigest()
    assert item.no_personal_data_confirmed is True
    assert item.added_by == tenants.a.officer
    assert "protocol" not in item.stored_name and str(tenants.a.authority.pk) in item.stored_name
    [stored] = stored_files(evidence_storage_root)
    assert stored.read_bytes() == PDF
    entry = HistoryEntry.objects.get(kind=HistoryKind.EVIDENCE)
    assert "protocol.pdf" in entry.after and entry.actor == tenants.a.officer
    page = client.get(urls(assessment)["dimension"]).content.decode()
    assert "Information-sharing protocol" in page
    assert reverse("evidence:download", args=[assessment.pk, item.pk]) in page
    assert "1 evidence item" in client.get(urls(assessment)["task_list"]).content.decode()


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_bad_corpus_file_is_refused_with_a_message_and_nothing_stored(
    client, tenants, assessment, evidence_storage_root, name
):
    signed_in(client, tenants.a.officer)
    data = (CORPUS / "bad" / name).read_bytes()
    response = client.post(urls(assessment)["file"], file_post(name, data))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert BAD[name].replace("'", "&#x27;").split(":")[0] in html
    assert 'href="#id_file"' in html
    assert not EvidenceItem.objects.exists()
    assert stored_files(evidence_storage_root) == []
    assert not HistoryEntry.objects.filter(kind=HistoryKind.EVIDENCE).exists()


@pytest.mark.parametrize(
    ("raw_name", "message"),
    [
        # Django's parser drops folders and control characters from the name before the view;
        # what is left is still refused.
        ("../../etc/passwd", "it has no extension"),
        ("report.pdf\x00.exe", ".exe files are not allowed"),
        ("..\\..\\Windows\\system.ini", ".ini files are not allowed"),
        (("a" * 300) + ".pdf", "must be 150 characters or fewer"),
        ("CON.pdf", "must not be the reserved name CON"),
        ("..", "Select a file"),
    ],
)
def test_unsafe_file_names_are_refused_through_the_parser(
    client, tenants, assessment, evidence_storage_root, raw_name, message
):
    signed_in(client, tenants.a.officer)
    body, content_type = raw_multipart(raw_name, PDF)
    response = client.generic(
        "POST", urls(assessment)["file"], data=body, content_type=content_type
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not EvidenceItem.objects.exists()
    assert stored_files(evidence_storage_root) == []


def test_a_unicode_name_survives_the_parser_and_downloads_with_rfc_5987(
    client, tenants, assessment
):
    signed_in(client, tenants.a.officer)
    body, content_type = raw_multipart("Protocole signé – 2026.pdf", PDF)
    response = client.generic(
        "POST", urls(assessment)["file"], data=body, content_type=content_type
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert item.original_name == "Protocole signé – 2026.pdf"
    download = client.get(reverse("evidence:download", args=[assessment.pk, item.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Protocole%20sign%C3%A9%20%E2%80%93%202026.pdf" in disposition
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_missing_confirmation_is_refused(client, tenants, assessment, evidence_storage_root):
    signed_in(client, tenants.a.officer)
    data = file_post()
    del data["no_personal_data_confirmed"]
    html = client.post(urls(assessment)["file"], data).content.decode()
    assert "Confirm that the file holds no personal data about individual children or families" in (
        html
    )
    assert not EvidenceItem.objects.exists()
    assert stored_files(evidence_storage_root) == []


def test_a_missing_file_title_and_description_are_named(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    html = client.post(
        urls(assessment)["file"], {"title": "", "description": "", "no_personal_data_confirmed": ""}
    ).content.decode()
    for message in ("Select a file", "Enter a title for the evidence", "Enter what the evidence"):
        assert message in html


def test_an_oversize_upload_is_refused_before_it_is_read_into_memory_or_a_temporary_file(
    client, tenants, assessment, evidence_storage_root, settings, monkeypatch
):
    """3 MB against a 1 MB limit: more than DATA_UPLOAD_MAX_MEMORY_SIZE and
    FILE_UPLOAD_MAX_MEMORY_SIZE, so Django would otherwise spool it to a temporary file."""
    from django.core.files import uploadhandler

    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    spooled = []
    original = uploadhandler.TemporaryFileUploadHandler.new_file

    def recording_new_file(self, *args, **kwargs):
        spooled.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", recording_new_file)
    signed_in(client, tenants.a.officer)
    big = PDF + b"\n%" + b"x" * (3 * 1024 * 1024)
    response = client.post(urls(assessment)["file"], file_post("big.pdf", big))
    assert response.status_code == 400
    html = response.content.decode()
    assert "The selected file must be smaller than 1 MB" in html
    assert "There is a problem" in html
    assert spooled == []
    assert not EvidenceItem.objects.exists()
    assert stored_files(evidence_storage_root) == []


def test_a_file_over_the_limit_in_a_small_body_is_skipped_while_streaming(
    client, tenants, assessment, settings
):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 300  # the body is small enough to pass the first check
    signed_in(client, tenants.a.officer)
    response = client.post(urls(assessment)["file"], file_post())
    assert "The selected file must be smaller than 300 bytes" in response.content.decode()
    assert not EvidenceItem.objects.exists()


def test_a_link_and_a_text_statement(client, tenants, assessment):
    signed_in(client, tenants.a.officer)
    response = client.post(
        urls(assessment)["link"],
        {
            "url": "https://data.example.gov.uk/whole-family-dashboard",
            "title": "Whole-family dashboard",
            "description": "Live view used by early help managers.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        urls(assessment)["text"],
        {
            "title": "Data warehouse",
            "description": "How the warehouse joins records.",
            "text": "The warehouse matches children's and adults' records nightly.",
        },
    )
    assert response.status_code == 302
    assert list(EvidenceItem.objects.values_list("kind", flat=True)) == ["link", "text"]
    page = client.get(urls(assessment)["dimension"]).content.decode()
    assert 'href="https://data.example.gov.uk/whole-family-dashboard"' in page
    assert "matches children&#x27;s and adults&#x27; records" in page
    assert "2 evidence items" in client.get(urls(assessment)["task_list"]).content.decode()


@pytest.mark.parametrize(
    "url", ["javascript:alert(document.cookie)", "http://example.org/report", "ftp://x.org/a"]
)
def test_unsafe_links_are_refused(client, tenants, assessment, url):
    signed_in(client, tenants.a.officer)
    response = client.post(
        urls(assessment)["link"], {"url": url, "title": "Report", "description": "Shows it."}
    )
    html = response.content.decode()
    assert "Enter a link that starts with https://" in html
    assert 'href="#id_url"' in html
    assert not EvidenceItem.objects.exists()


# --- Changing and removing ------------------------------------------------------------------------


def test_changing_and_removing_keep_the_history(
    client, tenants, assessment, evidence_storage_root, django_capture_on_commit_callbacks
):
    signed_in(client, tenants.a.officer)
    client.post(urls(assessment)["file"], file_post())
    item = EvidenceItem.objects.get()
    edit = reverse("evidence:edit", args=[assessment.pk, KEY, item.pk])
    assert "To use a different file" in client.get(edit).content.decode()
    response = client.post(edit, {"title": "Protocol v2", "description": "Re-signed."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.updated_by) == ("Protocol v2", tenants.a.officer)
    remove = reverse("evidence:remove", args=[assessment.pk, KEY, item.pk])
    assert "Are you sure you want to remove" in client.get(remove).content.decode()
    assert len(stored_files(evidence_storage_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.removed_at is not None and item.removed_by == tenants.a.officer
    assert item.stored_name == "" and item.sha256  # file gone, its record kept
    assert stored_files(evidence_storage_root) == []
    kinds = list(
        HistoryEntry.objects.filter(kind=HistoryKind.EVIDENCE)
        .order_by("at", "id")
        .values_list("after", flat=True)
    )
    assert len(kinds) == 3 and kinds[-1] == "Removed"
    history = client.get(reverse("assessments:history", args=[assessment.pk])).content.decode()
    assert "Protocol v2" in history
    assert client.get(edit).status_code == 404
    assert "0 evidence items" in client.get(urls(assessment)["task_list"]).content.decode()


def test_a_link_can_be_changed_but_not_to_an_unsafe_address(client, tenants, assessment):
    item = services.evidence_link_add(
        answer=answer_of(assessment),
        actor=tenants.a.officer,
        url="https://example.org/a",
        title="A",
        description="Shows A.",
    )
    signed_in(client, tenants.a.officer)
    edit = reverse("evidence:edit", args=[assessment.pk, KEY, item.pk])
    html = client.post(
        edit, {"url": "javascript:alert(1)", "title": "A", "description": "Shows A."}
    ).content.decode()
    assert "Enter a link that starts with https://" in html
    item.refresh_from_db()
    assert item.url == "https://example.org/a"


# --- Read-only, other roles, other tenants --------------------------------------------------------


def _one_of_each(assessment, actor):
    answer = answer_of(assessment)
    file_item = services.evidence_file_add(
        answer=answer,
        actor=actor,
        uploaded=SimpleUploadedFile("protocol.pdf", PDF),
        title="Protocol",
        description="Signed.",
        no_personal_data_confirmed=True,
    )
    services.evidence_text_add(
        answer=answer, actor=actor, text="Statement", title="Text", description="Shows."
    )
    return file_item


def test_after_submission_evidence_is_read_only(client, tenants, assessment):
    item = _one_of_each(assessment, tenants.a.officer)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save(update_fields=["status"])
    signed_in(client, tenants.a.lead)
    for url in [
        urls(assessment)["file"],
        urls(assessment)["link"],
        urls(assessment)["text"],
        reverse("evidence:edit", args=[assessment.pk, KEY, item.pk]),
        reverse("evidence:remove", args=[assessment.pk, KEY, item.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, file_post()).status_code == 404
    page = client.get(urls(assessment)["dimension"]).content.decode()
    assert "Protocol" in page and "Upload a file" not in page and "Remove" not in page
    assert (
        client.get(reverse("evidence:download", args=[assessment.pk, item.pk])).status_code == 200
    )
    with pytest.raises(services.EvidenceError, match="submitted"):
        services.evidence_remove(item=item, actor=tenants.a.lead)


def test_viewers_read_and_download_but_cannot_change(client, tenants, assessment):
    item = _one_of_each(assessment, tenants.a.officer)
    signed_in(client, tenants.a.viewer)
    page = client.get(urls(assessment)["dimension"]).content.decode()
    assert "Protocol" in page and "Upload a file" not in page
    assert (
        client.get(reverse("evidence:download", args=[assessment.pk, item.pk])).status_code == 200
    )
    assert client.get(urls(assessment)["file"]).status_code == 404
    assert client.post(urls(assessment)["text"], {"title": "x"}).status_code == 404


def test_another_authority_gets_404_everywhere(
    client, tenants, assessment, other_assessment, evidence_storage_root
):
    item = _one_of_each(assessment, tenants.a.officer)
    before = stored_files(evidence_storage_root)
    targets = [
        *[urls(assessment)[kind] for kind in ("file", "link", "text")],
        reverse("evidence:edit", args=[assessment.pk, KEY, item.pk]),
        reverse("evidence:remove", args=[assessment.pk, KEY, item.pk]),
        reverse("evidence:download", args=[assessment.pk, item.pk]),
        # B's own assessment in the URL with A's item id: still not found.
        reverse("evidence:download", args=[other_assessment.pk, item.pk]),
        reverse("evidence:edit", args=[other_assessment.pk, KEY, item.pk]),
        reverse("evidence:remove", args=[other_assessment.pk, KEY, item.pk]),
    ]
    for user in (tenants.b.officer, tenants.b.lead, tenants.b.viewer):
        signed_in(client, user)
        for url in targets:
            assert client.get(url).status_code == 404, url
            if "download" not in url:  # downloads are GET only (405 for any id)
                assert client.post(url, file_post()).status_code == 404, url
    assert EvidenceItem.objects.count() == 2
    assert EvidenceItem.objects.filter(removed_at__isnull=True).count() == 2
    assert stored_files(evidence_storage_root) == before


def test_an_item_cannot_be_reached_through_another_dimension(client, tenants, assessment):
    item = _one_of_each(assessment, tenants.a.officer)
    other_key = assessment.dimension_answers.exclude(dimension__key=KEY).first().dimension.key
    signed_in(client, tenants.a.officer)
    assert (
        client.get(reverse("evidence:edit", args=[assessment.pk, other_key, item.pk])).status_code
        == 404
    )


def test_reviewers_download_through_the_review_route_for_their_area_only(
    client, tenants, assessment
):
    from accounts.tenancy import SESSION_KEY, area_key

    item = _one_of_each(assessment, tenants.a.officer)
    url = reverse("evidence:review_download", args=[item.pk])
    signed_in(client, tenants.a.area_lead)
    session = client.session
    session[SESSION_KEY] = area_key(tenants.a.area)
    session.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    signed_in(client, tenants.b.area_lead)
    session = client.session
    session[SESSION_KEY] = area_key(tenants.b.area)
    session.save()
    assert client.get(url).status_code == 404
    signed_in(client, tenants.a.officer)
    assert client.get(url).status_code == 404


def test_a_removed_item_and_a_missing_file_are_not_downloadable(
    client, tenants, assessment, evidence_storage_root
):
    item = _one_of_each(assessment, tenants.a.officer)
    signed_in(client, tenants.a.officer)
    url = reverse("evidence:download", args=[assessment.pk, item.pk])
    for path in stored_files(evidence_storage_root):
        path.unlink()
    assert client.get(url).status_code == 404
    services.evidence_remove(item=item, actor=tenants.a.officer)
    assert client.get(url).status_code == 404
    text_item = EvidenceItem.objects.get(kind=EvidenceKind.TEXT)
    assert (
        client.get(reverse("evidence:download", args=[assessment.pk, text_item.pk])).status_code
        == 404
    )


def test_the_task_list_stays_at_a_constant_number_of_queries(
    client, tenants, assessment, django_assert_max_num_queries
):
    signed_in(client, tenants.a.officer)
    task_list = urls(assessment)["task_list"]
    client.get(task_list)
    with django_assert_max_num_queries(50) as empty:
        client.get(task_list)
    for answer in assessment.dimension_answers.all()[:4]:
        for n in range(3):
            services.evidence_text_add(
                answer=answer, actor=tenants.a.officer, text="t", title=f"T{n}", description="d"
            )
    with django_assert_max_num_queries(len(empty.captured_queries)):
        html = client.get(task_list).content.decode()
    assert html.count("3 evidence items") == 4


def test_a_large_allowed_file_streams_through_a_temporary_file_and_is_stored(
    client, tenants, assessment, evidence_storage_root, monkeypatch
):
    """3 MB of CSV: more than DATA_UPLOAD_MAX_MEMORY_SIZE and FILE_UPLOAD_MAX_MEMORY_SIZE, within
    the 20 MB limit, so Django spools it to a temporary file and the checks read it from there."""
    from django.core.files import uploadhandler

    spooled = []
    original = uploadhandler.TemporaryFileUploadHandler.new_file

    def recording_new_file(self, *args, **kwargs):
        spooled.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", recording_new_file)
    signed_in(client, tenants.a.officer)
    data = b"month,families\n" + b"2026-01,120\n" * (3 * 1024 * 1024 // 12)
    response = client.post(urls(assessment)["file"], file_post("returns.csv", data))
    assert response.status_code == 302
    assert len(spooled) == 1
    item = EvidenceItem.objects.get()
    assert (item.size, item.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    [stored] = stored_files(evidence_storage_root)
    assert stored.stat().st_size == len(data)
