"""`manage.py seed_demo` ends with benchmark snapshots for every demo round, so a demo officer's
benchmark page shows figures for all authorities and a suppressed group."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from assessments.models import Round
from benchmarking.models import BenchmarkSnapshot, PeerGroupKind, Scope
from tests.factories.frameworks import shipped_framework_version

SUPPRESSED = "Too few authorities to show without identifying them"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        shipped_framework_version()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_seed_demo_computes_snapshots_for_every_round(demo):
    assert "Demo benchmarks:" in demo
    for round_obj in Round.objects.all():
        assert BenchmarkSnapshot.objects.filter(
            round=round_obj, group_kind=PeerGroupKind.ALL, scope=Scope.OVERALL
        ).exists()


def test_a_demo_officer_sees_all_authorities_and_a_suppressed_group(demo, client):
    client.force_login(User.objects.get(email="officer.mardleshire@example.org"))
    html = client.get(reverse("benchmarking:authority")).content.decode()
    assert "quarter of all 25 authorities" in html
    assert " of 6 county councils" in html
    assert "Authorities in the East Midlands: too few authorities" in html
    assert SUPPRESSED in html


def test_a_demo_area_lead_sees_the_heatmap(demo, client):
    client.force_login(User.objects.get(email="area.lead.south@example.org"))
    html = client.get(reverse("benchmarking:area")).content.decode()
    assert "Wealdmarsh" in html and "Larkhaven" in html
    assert "Mardleshire" not in html
    assert "portal-heat--" in html
