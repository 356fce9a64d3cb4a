"""The national admins' pages for the model."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frameworks.document import MAX_FILE_BYTES, dump_framework_yaml
from frameworks.export import framework_document_from_version
from frameworks.models import FrameworkVersion, Statement
from tests.factories.frameworks import (
    SHIPPED_FRAMEWORK_PATH,
    framework_document_build,
    framework_version_build,
)

pytestmark = pytest.mark.django_db


def manage_urls(version: FrameworkVersion) -> list[str]:
    statement = Statement.objects.filter(framework_version=version).first()
    pk = version.pk
    return [
        reverse("frameworks:manage_list"),
        reverse("frameworks:manage_import"),
        reverse("frameworks:manage_compare"),
        reverse("frameworks:manage_version", args=[pk]),
        reverse("frameworks:manage_clone", args=[pk]),
        reverse("frameworks:manage_publish", args=[pk]),
        reverse("frameworks:manage_retire", args=[pk]),
        reverse("frameworks:manage_delete", args=[pk]),
        reverse("frameworks:manage_export", args=[pk]),
        reverse("frameworks:manage_edit_details", args=[pk]),
        reverse("frameworks:manage_edit_strand", args=[pk, "strand_1"]),
        reverse("frameworks:manage_dimension", args=[pk, statement.dimension.key]),
        reverse("frameworks:manage_edit_dimension", args=[pk, statement.dimension.key]),
        reverse("frameworks:manage_add_statement", args=[pk, statement.dimension.key]),
        reverse("frameworks:manage_edit_statement", args=[pk, statement.key]),
        reverse("frameworks:manage_delete_statement", args=[pk, statement.key]),
        reverse("frameworks:manage_edit_level", args=[pk, "early"]),
        reverse("frameworks:manage_edit_checklist_item", args=[pk, "agreements"]),
        reverse("frameworks:manage_edit_case_study", args=[pk, "somewhere"]),
    ]


def test_every_admin_page_is_a_404_for_other_users(client, ordinary_user):
    draft = framework_version_build(status="draft")
    client.force_login(ordinary_user)
    for address in manage_urls(draft):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"version": "9.9", "text": "x"}).status_code == 404, address
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert FrameworkVersion.objects.count() == 1


def test_every_admin_page_asks_a_visitor_to_sign_in(client):
    draft = framework_version_build(status="draft")
    for address in manage_urls(draft):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("accounts:login"))


def test_every_admin_page_opens_for_a_national_admin(admin_client):
    draft = framework_version_build(status="draft")
    retire = reverse("frameworks:manage_retire", args=[draft.pk])
    for address in manage_urls(draft):
        response = admin_client.get(address)
        if address == retire:  # a draft cannot be retired: back to the version, with the reason
            assert response["Location"] == reverse("frameworks:manage_version", args=[draft.pk])
        else:
            assert response.status_code == 200, address


def test_the_list(admin_client, shipped_version):
    html = admin_client.get(reverse("frameworks:manage_list")).content.decode()
    assert "Data Maturity Model for Early Help Services" in html
    assert reverse("frameworks:manage_version", args=[shipped_version.pk]) in html
    assert "Published" in html


def upload(content: bytes, name="model.yaml"):
    return SimpleUploadedFile(name, content, content_type="application/x-yaml")


def test_import_a_file_as_a_draft(admin_client):
    data = dump_framework_yaml(framework_document_build(status="published")).encode()
    response = admin_client.post(reverse("frameworks:manage_import"), {"file": upload(data)})
    version = FrameworkVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:manage_version", args=[version.pk])
    assert version.status == "draft"
    page = admin_client.get(response["Location"]).content.decode()
    assert "Imported Test maturity model 1.0 as a draft version." in page


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"slug: [unclosed\n", "the file is not valid YAML"),
        (b"slug: caf\xe9\n", "the file is not UTF-8 text"),
        (
            dump_framework_yaml(framework_document_build())
            .replace("Statement 2 of dimension 2.1 at the maturing level.", "''")
            .encode(),
            "strands[1].dimensions[0].statements.maturing[1]: text is empty",
        ),
        (b"x" * (MAX_FILE_BYTES + 1), "The file must be smaller than 1 MB"),
    ],
    ids=["malformed", "not-utf8", "empty-text", "too-big"],
)
def test_import_errors_show_in_the_error_summary_and_nothing_is_written(
    admin_client, content, expected
):
    response = admin_client.post(reverse("frameworks:manage_import"), {"file": upload(content)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert expected in summary.replace("&#x27;", "'")
    assert 'href="#id_file"' in summary
    assert "<title>Import a framework file - Error" in html
    assert FrameworkVersion.objects.count() == 0


def test_import_without_a_file(admin_client):
    html = admin_client.post(reverse("frameworks:manage_import"), {}).content.decode()
    assert "Select a YAML file to upload" in html


def test_import_of_a_version_that_exists(admin_client, shipped_version):
    response = admin_client.post(
        reverse("frameworks:manage_import"), {"file": upload(SHIPPED_FRAMEWORK_PATH.read_bytes())}
    )
    assert "Version 1.0 of dmm-early-help already exists" in response.content.decode()
    assert FrameworkVersion.objects.count() == 1


def test_clone_edit_compare_publish(admin_client, shipped_version):
    # Clone: the form suggests the next free number.
    page = admin_client.get(reverse("frameworks:manage_clone", args=[shipped_version.pk]))
    assert 'value="1.1"' in page.content.decode()
    response = admin_client.post(
        reverse("frameworks:manage_clone", args=[shipped_version.pk]), {"version": "1.1"}
    )
    draft = FrameworkVersion.objects.get(version="1.1")
    assert response["Location"] == reverse("frameworks:manage_version", args=[draft.pk])

    # Edit a statement.
    key = "information_governance.early.1"
    response = admin_client.post(
        reverse("frameworks:manage_edit_statement", args=[draft.pk, key]),
        {
            "level": Statement.objects.get(framework_version=draft, key=key).level_id,
            "text": "Information governance is mostly manual.",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert Statement.objects.get(framework_version=draft, key=key).text == (
        "Information governance is mostly manual."
    )
    assert Statement.objects.get(framework_version=shipped_version, key=key).text.startswith(
        "Information governance is largely manual"
    )

    # Compare.
    html = admin_client.get(
        reverse("frameworks:manage_compare"), {"old": shipped_version.pk, "new": draft.pk}
    ).content.decode()
    assert "Changes from dmm-early-help 1.0 to dmm-early-help 1.1" in html
    assert key in html
    assert (
        "[removed: </span>largely manual, and struggles to stand up to legal, audit and other "
        "regulatory scrutiny." in html
    )
    assert "[added: </span>mostly manual." in html

    # Publish.
    response = admin_client.post(reverse("frameworks:manage_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"

    # Now frozen: the edit page sends the admin back with the reason.
    response = admin_client.get(
        reverse("frameworks:manage_edit_statement", args=[draft.pk, key]), follow=True
    )
    assert "Version 1.1 is published, so it cannot be changed" in response.content.decode()


def test_edit_statement_errors(admin_client):
    draft = framework_version_build(status="draft")
    statement = Statement.objects.filter(framework_version=draft).first()
    html = admin_client.post(
        reverse("frameworks:manage_edit_statement", args=[draft.pk, statement.key]),
        {"level": statement.level_id, "text": "   "},
    ).content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the statement" in html


def test_add_and_delete_statements(admin_client):
    draft = framework_version_build(status="draft")
    statement = Statement.objects.get(framework_version=draft, key="dimension_1_1.early.1")
    add_url = reverse("frameworks:manage_add_statement", args=[draft.pk, "dimension_1_1"])
    assert 'value="' in admin_client.get(add_url, {"level": "early"}).content.decode()
    admin_client.post(add_url, {"level": statement.level_id, "text": "A third one.", "note": ""})
    added = Statement.objects.get(framework_version=draft, text="A third one.")
    assert added.key == "dimension_1_1.early.3"

    delete_url = reverse("frameworks:manage_delete_statement", args=[draft.pk, added.key])
    admin_client.post(delete_url)
    assert not Statement.objects.filter(pk=added.pk).exists()


def test_deleting_the_last_statement_of_a_cell_shows_why_not(admin_client):
    draft = framework_version_build(status="draft", statements_per_cell=1)
    key = "dimension_1_1.early.1"
    html = admin_client.post(
        reverse("frameworks:manage_delete_statement", args=[draft.pk, key])
    ).content.decode()
    assert "This is the only statement at its level" in html
    assert Statement.objects.filter(framework_version=draft, key=key).exists()


def test_edit_other_parts_of_a_draft(admin_client):
    draft = framework_version_build(status="draft")
    pk = draft.pk
    admin_client.post(
        reverse("frameworks:manage_edit_strand", args=[pk, "strand_1"]),
        {"name": "First strand", "measures": "New evidence."},
    )
    admin_client.post(
        reverse("frameworks:manage_edit_dimension", args=[pk, "dimension_1_1"]), {"name": "Renamed"}
    )
    admin_client.post(
        reverse("frameworks:manage_edit_level", args=[pk, "early"]),
        {"name": "Starting", "whole_family_view": "One\n\nTwo\n"},
    )
    admin_client.post(
        reverse("frameworks:manage_edit_checklist_item", args=[pk, "analyst"]),
        {"text": "An analyst."},
    )
    admin_client.post(
        reverse("frameworks:manage_edit_case_study", args=[pk, "somewhere"]),
        {"name": "Elsewhere", "points": "Built a system.", "note": ""},
    )
    response = admin_client.post(
        reverse("frameworks:manage_edit_details", args=[pk]),
        {
            "title": "New title",
            "introduction": "Para one.\n\nPara two.",
            "strand_rule": "minimum",
            "consistency_threshold": "1.2",
            "checklist_introduction": "",
            "case_studies_footer": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    document = framework_document_from_version(FrameworkVersion.objects.get(pk=pk))
    assert document.title == "New title"
    assert document.introduction == "Para one.\nPara two."
    assert document.strand_rule == "minimum"
    assert document.strands[0].name == "First strand"
    assert document.strands[0].measures == "New evidence."
    assert document.strands[0].dimensions[0].name == "Renamed"
    assert document.levels[0].name == "Starting"
    assert document.levels[0].whole_family_view == ("One", "Two")
    assert document.checklist[1].text == "An analyst."
    assert document.case_studies[0].name == "Elsewhere"


def test_details_form_errors(admin_client):
    draft = framework_version_build(status="draft")
    html = admin_client.post(
        reverse("frameworks:manage_edit_details", args=[draft.pk]),
        {"title": "", "strand_rule": "median", "consistency_threshold": "9"},
    ).content.decode()
    assert "Enter a title" in html
    assert "Enter a consistency threshold of 3 or less" in html
    assert "Select a valid choice" in html


def test_publish_and_retire_pages(admin_client):
    draft = framework_version_build(status="draft")
    assert (
        "Publish version 1.0"
        in admin_client.get(reverse("frameworks:manage_publish", args=[draft.pk])).content.decode()
    )
    admin_client.post(reverse("frameworks:manage_publish", args=[draft.pk]))
    admin_client.post(reverse("frameworks:manage_retire", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "retired"
    # Publishing a retired version is not offered.
    response = admin_client.post(reverse("frameworks:manage_publish", args=[draft.pk]), follow=True)
    assert "Version 1.0 is retired: you cannot do that." in response.content.decode()


def test_publish_shows_why_a_broken_draft_cannot_be_published(admin_client):
    draft = framework_version_build(status="draft", statements_per_cell=1)
    Statement.objects.filter(framework_version=draft, key="dimension_2_2.mature.1").delete()
    html = admin_client.post(reverse("frameworks:manage_publish", args=[draft.pk])).content.decode()
    assert "There is a problem" in html
    assert "strands[1].dimensions[1].statements.mature: has no statements" in html


def test_delete_a_draft(admin_client):
    draft = framework_version_build(status="draft")
    response = admin_client.post(reverse("frameworks:manage_delete", args=[draft.pk]))
    assert response["Location"] == reverse("frameworks:manage_list")
    assert not FrameworkVersion.objects.exists()


def test_export_downloads_the_yaml(admin_client, shipped_version):
    response = admin_client.get(reverse("frameworks:manage_export", args=[shipped_version.pk]))
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dmm-early-help-1.0.yaml"'
    assert "information_governance.early.1" in response.content.decode()


def test_compare_with_a_bad_choice(admin_client, shipped_version):
    framework_version_build()
    html = admin_client.get(
        reverse("frameworks:manage_compare"), {"old": "999", "new": shipped_version.pk}
    ).content.decode()
    assert "Select a version that exists" in html


def test_compare_identical_versions(admin_client, shipped_version):
    html = admin_client.get(
        reverse("frameworks:manage_compare"), {"old": shipped_version.pk, "new": shipped_version.pk}
    ).content.decode()
    assert "The two versions have the same content." in html


def test_admin_pages_use_a_constant_number_of_queries(
    admin_client, shipped_version, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = framework_version_build(strands=1, dimensions_per_strand=1, statements_per_cell=1)
    for name, args in [
        ("manage_list", [[]]),
        ("manage_version", [[shipped_version.pk], [small.pk]]),
        ("manage_dimension", [[shipped_version.pk, "data_systems"], [small.pk, "dimension_1_1"]]),
        ("manage_compare", [[]]),
    ]:
        counts = set()
        for arguments in args:
            with CaptureQueriesContext(connection) as queries:
                assert (
                    admin_client.get(reverse(f"frameworks:{name}", args=arguments)).status_code
                    == 200
                )
            counts.add(len(queries))
        assert len(counts) == 1, f"{name}: the query count grows with the version's size"
        assert counts.pop() <= 25
