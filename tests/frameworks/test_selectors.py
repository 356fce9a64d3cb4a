import pytest

from frameworks import services
from frameworks.models import FrameworkVersion
from frameworks.selectors import (
    framework_contents_cached,
    framework_contents_cached_by_id,
    framework_contents_get,
    framework_version_default_published,
    framework_version_get_published,
    framework_version_latest_published,
    framework_version_list,
)
from tests.factories.frameworks import framework_version_build

pytestmark = pytest.mark.django_db


def test_latest_published_compares_version_numbers_as_numbers(national_admin):
    for number in ("1.9", "1.10", "1.2"):
        framework_version_build(version=number)
    framework_version_build(version="2.0", status="draft")
    assert framework_version_latest_published("test-model").version == "1.10"
    retired = framework_version_get_published("test-model", "1.10")
    services.framework_version_retire(framework_version=retired, actor=national_admin)
    assert framework_version_latest_published("test-model").version == "1.9"
    assert framework_version_latest_published("no-such-model") is None


def test_get_published_refuses_drafts_and_unknown_versions():
    framework_version_build(version="1.0", status="draft")
    with pytest.raises(FrameworkVersion.DoesNotExist):
        framework_version_get_published("test-model", "1.0")
    with pytest.raises(FrameworkVersion.DoesNotExist):
        framework_version_get_published("test-model", "7.0")


def test_the_default_is_the_shipped_model_when_published(shipped_version):
    framework_version_build(slug="another-model", version="5.0")
    assert framework_version_default_published() == shipped_version


def test_the_default_falls_back_to_another_framework():
    assert framework_version_default_published() is None
    other = framework_version_build(slug="another-model", version="5.0")
    assert framework_version_default_published() == other


def test_list_orders_by_slug_then_newest_number():
    for number in ("1.0", "1.10", "1.2"):
        framework_version_build(version=number)
    assert [v.version for v in framework_version_list(slug="test-model")] == ["1.10", "1.2", "1.0"]


def test_contents_load_in_a_fixed_number_of_queries(shipped_version, django_assert_num_queries):
    small = framework_version_build()
    with django_assert_num_queries(6):
        contents = framework_contents_get(shipped_version)
        # Walking the whole tree costs nothing more.
        cells = [
            (d.strand.name, cell.level.name, s.text, s.dimension.name, s.framework_version.slug)
            for d in contents.dimensions
            for cell in d.cells
            for s in cell.statements
        ]
    assert len(cells) == 79
    with django_assert_num_queries(6):
        framework_contents_get(small)


def test_contents_give_cells_in_level_order(shipped_version):
    contents = framework_contents_get(shipped_version)
    research = contents.dimension("research")
    assert [cell.level.key for cell in research.cells] == [
        "early",
        "developing",
        "maturing",
        "mature",
    ]
    assert [len(cell.statements) for cell in research.cells] == [1, 1, 2, 2]
    assert research.strand.key == "intelligent_service_design_and_commissioning"
    assert contents.statement("research.mature.2").text.startswith("Using evidence-based research")
    assert len(contents.statement_keys()) == 79
    assert [d.key for d in contents.strand("data_systems").dimensions_list] == [
        "data_systems",
        "training_and_development",
    ]


def test_a_published_version_is_read_once_then_served_from_the_process(
    django_assert_num_queries, national_admin
):
    version = framework_version_build(version="1.0")
    with django_assert_num_queries(6):
        first = framework_contents_cached(version)
    read_again = FrameworkVersion.objects.get(pk=version.pk)  # as another request would
    with django_assert_num_queries(0):
        again = framework_contents_cached(read_again)
        by_id = framework_contents_cached_by_id(version.pk)
    assert again is first and by_id is first
    assert [s.text for s in again.dimension("dimension_1_1").statements_list][:1] == [
        "Statement 1 of dimension 1.1 at the early level."
    ]
    services.framework_version_retire(framework_version=version, actor=national_admin)
    with django_assert_num_queries(0):  # a retired version's contents are as they were
        assert framework_contents_cached(version) is first


def test_a_draft_is_always_read_afresh_so_edits_show_at_once(
    django_assert_num_queries, national_admin
):
    draft = framework_version_build(version="1.0", status="draft")
    dimension = framework_contents_cached(draft).dimension("dimension_1_1")
    services.dimension_update(dimension=dimension, actor=national_admin, name="Renamed")
    with django_assert_num_queries(6):
        contents = framework_contents_cached(draft)
    assert contents.dimension("dimension_1_1").name == "Renamed"
    services.framework_version_publish(framework_version=draft, actor=national_admin)
    draft.refresh_from_db()
    assert framework_contents_cached(draft).dimension("dimension_1_1").name == "Renamed"


def test_the_cache_keeps_only_the_last_few_versions():
    from frameworks import selectors

    versions = [
        framework_version_build(version=f"1.{n}", strands=1, dimensions_per_strand=1)
        for n in range(selectors._CONTENTS_CACHE_SIZE + 2)
    ]
    for version in versions:
        framework_contents_cached(version)
    assert len(selectors._contents_cache) == selectors._CONTENTS_CACHE_SIZE
    assert versions[0].pk not in selectors._contents_cache


def test_by_id_reads_the_version_once_then_nothing():
    version = framework_version_build(version="1.0")
    with pytest.raises(FrameworkVersion.DoesNotExist):
        framework_contents_cached_by_id(version.pk + 1000)
    first = framework_contents_cached_by_id(version.pk)
    assert first.version == version
    assert framework_contents_cached_by_id(version.pk) is first
