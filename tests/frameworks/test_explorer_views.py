"""The public model explorer."""

import re

import pytest
from django.urls import reverse

from frameworks import services
from frameworks.models import Statement
from frameworks.selectors import framework_contents_get
from tests.factories.frameworks import framework_version_build

pytestmark = pytest.mark.django_db


def url(name, version, *args):
    return reverse(f"frameworks:{name}", args=[version.slug, version.version, *args])


def statement_keys(html: str) -> list[str]:
    return re.findall(r'data-statement-key="([^"]+)"', html)


def test_the_start_page_shows_the_latest_version_without_sign_in(client, shipped_version):
    response = client.get(reverse("frameworks:explorer"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data Maturity Model for Early Help Services" in html
    assert "Version 1.0 (latest)" in html
    for dimension in framework_contents_get(shipped_version).dimensions:
        assert url("dimension", shipped_version, dimension.key) in html
    assert "Information sharing protocols with partners are signed" in html  # measures


def test_the_start_page_when_nothing_is_published(client):
    framework_version_build(slug="dmm-early-help", status="draft")
    response = client.get(reverse("frameworks:explorer"))
    assert response.status_code == 200
    assert "No version of the model has been published yet" in response.content.decode()


def test_the_whole_model_page_shows_all_79_statements_in_their_cells(client, shipped_version):
    response = client.get(url("whole_model", shipped_version))
    assert response.status_code == 200
    html = response.content.decode()
    keys = statement_keys(html)
    assert len(keys) == 79
    assert set(keys) == set(
        Statement.objects.filter(framework_version=shipped_version).values_list("key", flat=True)
    )
    assert html.count('<table class="govuk-table portal-table--stack-narrow portal-grid">') == 8


def test_each_statement_sits_in_its_level_column(client, shipped_version):
    contents = framework_contents_get(shipped_version)
    total = 0
    for dimension in contents.dimensions:
        html = client.get(url("dimension", shipped_version, dimension.key)).content.decode()
        cells = re.findall(
            r'<td class="govuk-table__cell portal-grid__cell" data-label="([^"]+)">(.*?)</td>',
            html,
            re.S,
        )
        assert [label for label, _ in cells] == [
            "Level 1: Early",
            "Level 2: Developing",
            "Level 3: Maturing",
            "Level 4: Mature",
        ]
        for (label, cell_html), cell in zip(cells, dimension.cells, strict=True):
            assert statement_keys(cell_html) == [s.key for s in cell.statements], label
            for statement in cell.statements:
                assert statement.text.replace("’", "’") in cell_html.replace("&#x27;", "'")
            total += len(cell.statements)
    assert total == 79


def test_the_dimension_grid_is_an_accessible_table(client, shipped_version):
    html = client.get(url("dimension", shipped_version, "research")).content.decode()
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--m">Statements at each level'
        in html
    )
    assert html.count('<th scope="col"') == 4
    assert "Measures for intelligent service design and commissioning" in html
    assert "Examples of research completed and applied" in html
    # Research is the last dimension: a link back, none forward.
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_levels_checklist_and_case_studies(client, shipped_version):
    levels = client.get(url("levels", shipped_version)).content.decode()
    assert "Level 1: Early" in levels
    assert "No whole family view" in levels
    assert "Whole family view used by keyworkers to drive interventions" in levels
    checklist = client.get(url("checklist", shipped_version)).content.decode()
    assert checklist.count("<li>") >= 6
    assert "Data analyst or similar role(s)" in checklist
    cases = client.get(url("case_studies", shipped_version)).content.decode()
    for name in ("West Sussex", "Hackney", "Tri-Borough", "Walsall", "Greater Manchester"):
        assert name in cases
    assert "To find out more please contact your area lead" in cases


def test_editors_notes_stay_off_the_public_pages(client, shipped_version):
    html = client.get(url("whole_model", shipped_version)).content.decode()
    assert "Placement:" not in html
    assert "Attribution:" not in html


def test_drafts_and_retired_versions_are_not_shown(client, national_admin):
    draft = framework_version_build(version="1.0", status="draft")
    assert client.get(url("version", draft)).status_code == 404
    assert client.get(url("whole_model", draft)).status_code == 404
    retired = framework_version_build(version="0.9")
    services.framework_version_retire(framework_version=retired, actor=national_admin)
    assert client.get(url("version", retired)).status_code == 404
    assert client.get(reverse("frameworks:latest", args=["test-model"])).status_code == 404


def test_unknown_dimension_and_version_give_404(client, shipped_version):
    assert client.get(url("dimension", shipped_version, "nonsense")).status_code == 404
    assert (
        client.get(reverse("frameworks:version", args=["dmm-early-help", "9.9"])).status_code == 404
    )


def test_older_versions_can_be_chosen_and_say_they_are_not_the_latest(
    client, shipped_version, national_admin
):
    newer = services.framework_version_clone(
        source=shipped_version, version="1.1", actor=national_admin
    )
    services.framework_version_publish(framework_version=newer, actor=national_admin)

    start = client.get(reverse("frameworks:explorer")).content.decode()
    assert "Version 1.1 (latest)" in start
    assert '<option value="1.0"' in start

    chosen = client.get(
        reverse("frameworks:choose_version", args=["dmm-early-help"]), {"version": "1.0"}
    )
    assert chosen.status_code == 302
    assert chosen["Location"] == url("version", shipped_version)
    old = client.get(chosen["Location"]).content.decode()
    assert "You are looking at version 1.0. The latest version is" in old

    fallback = client.get(
        reverse("frameworks:choose_version", args=["dmm-early-help"]), {"version": "7"}
    )
    assert fallback["Location"] == url("version", newer)
    latest = client.get(reverse("frameworks:latest", args=["dmm-early-help"]))
    assert latest["Location"] == url("version", newer)


def test_explorer_pages_use_a_constant_number_of_queries(
    client, shipped_version, django_assert_max_num_queries
):
    for name, args in [
        ("version", ()),
        ("whole_model", ()),
        ("dimension", ("data_systems",)),
        ("levels", ()),
        ("checklist", ()),
        ("case_studies", ()),
    ]:
        with django_assert_max_num_queries(10):
            assert client.get(url(name, shipped_version, *args)).status_code == 200
