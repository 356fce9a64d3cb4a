import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import Authority, AuthorityKind, Region
from tests.factories.accounts import AuthorityFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SHIPPED = Path(settings.BASE_DIR) / "fixtures/authorities/england-upper-tier.csv"
HEADER = "ons_code,name,kind,region\n"


def load(path, *args) -> str:
    out = io.StringIO()
    call_command("load_authorities", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, body: str) -> Path:
    path = tmp_path / "authorities.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_shipped_file_loads_all_153_authorities_and_again_changes_nothing():
    output = load(SHIPPED)
    assert "153 created, 0 updated, 0 unchanged, 0 kept" in output
    assert Authority.objects.count() == 153
    with SHIPPED.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["kind"] for r in rows} == set(AuthorityKind.values)
    barnsley = Authority.objects.get(ons_code="E08000038")
    assert barnsley.name == "Barnsley"
    assert barnsley.kind == AuthorityKind.METROPOLITAN_BOROUGH
    assert barnsley.region == Region.YORKSHIRE_AND_THE_HUMBER
    assert Authority.objects.get(ons_code="E06000023").name == "Bristol, City of"
    assert "0 created, 0 updated, 153 unchanged, 0 kept" in load(SHIPPED)


def test_names_kinds_and_regions_are_updated(tmp_path):
    AuthorityFactory(ons_code="E06000001", name="Old name", kind="county", region="london")
    path = write(tmp_path, "E06000001,Hartlepool,unitary,North East\n")
    output = load(path)
    assert "0 created, 1 updated, 0 unchanged" in output
    assert "updated E06000001: name, kind, region" in output
    authority = Authority.objects.get(ons_code="E06000001")
    assert (authority.name, authority.kind, authority.region) == (
        "Hartlepool",
        "unitary",
        "north_east",
    )


def test_authorities_missing_from_the_file_are_kept_and_only_pruned_without_data(tmp_path):
    with_data = AuthorityFactory(ons_code="E06000900", name="Abolished with data")
    MembershipFactory(authority=with_data)
    AuthorityFactory(ons_code="E06000901", name="Abolished, empty")
    path = write(tmp_path, "E06000001,Hartlepool,unitary,North East\n")
    output = load(path)
    assert "2 kept (not in the file)" in output
    assert "kept E06000900 Abolished with data (has data)" in output
    assert Authority.objects.filter(ons_code__in=["E06000900", "E06000901"]).count() == 2
    output = load(path, "--prune")
    assert "1 removed" in output
    assert Authority.objects.filter(ons_code="E06000900").exists()
    assert not Authority.objects.filter(ons_code="E06000901").exists()


def test_demo_authorities_are_never_touched(tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    demo = {a.pk: (a.name, a.region, a.kind) for a in Authority.objects.filter(is_demo=True)}
    load(SHIPPED, "--prune")
    after = {a.pk: (a.name, a.region, a.kind) for a in Authority.objects.filter(is_demo=True)}
    assert after == demo and len(demo) >= 24


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("E06000001,Hartlepool,unitary,Atlantis\n", "line 3: region 'Atlantis'"),
        ("E06000001,Hartlepool,parish,North East\n", "line 3: kind 'parish'"),
        ("X06000001,Hartlepool,unitary,North East\n", "line 3: ONS code 'X06000001'"),
        (",Hartlepool,unitary,North East\n", "line 3: ONS code ''"),
        ("E06000001,,unitary,North East\n", "line 3: the name is empty"),
        (
            "E06000001,Hartlepool,unitary,North East\nE06000001,Again,unitary,North East\n",
            "line 4: ONS code E06000001 is also on line 3",
        ),
    ],
)
def test_a_bad_file_loads_nothing_and_names_the_problem(tmp_path, body, problem):
    # Line 2 is good; the problem is on a later line, and still nothing at all is written.
    path = write(tmp_path, "E06000002,Middlesbrough,unitary,North East\n" + body)
    with pytest.raises(CommandError) as error:
        load(path)
    assert problem in str(error.value)
    assert "nothing was loaded" in str(error.value)
    assert Authority.objects.count() == 0


def test_missing_columns_and_missing_files_are_clear_errors(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\nE06000001,Hartlepool\n")
    with pytest.raises(CommandError, match="missing: ons_code, kind, region"):
        load(path)
    with pytest.raises(CommandError, match="Cannot read"):
        load(tmp_path / "absent.csv")
