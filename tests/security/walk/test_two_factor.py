"""Two-factor authentication is required for area leads and national admins (PORTAL_REQUIRE_2FA,
on by default in production): until they set it up, every page the walk reached as them, and
every form it found for them, sends them to the set-up page and writes nothing."""

import pytest
from django.urls import resolve, reverse

from accounts.middleware import _is_two_factor_exempt
from core.access import AccessRule, access_rule_of

from .helpers import capture_writes

pytestmark = pytest.mark.django_db

NEEDS_TWO_FACTOR = ("national_admin", "area_lead", "area_lead_of_two_areas")
SETUP = reverse("accounts:two_factor_setup")


def guarded(path: str) -> bool:
    callback = resolve(path.split("?")[0]).func
    return access_rule_of(callback) is not AccessRule.PUBLIC and not _is_two_factor_exempt(callback)


def test_without_two_factor_every_page_and_form_leads_to_set_up(world, settings):
    settings.PORTAL_REQUIRE_2FA = True
    checked = 0
    failures = {}
    for who in NEEDS_TWO_FACTOR:
        client = world.client_for(who)
        requests = [("get", v.path) for v in world.crawl.visits if v.who == who]
        requests += [("post", form.action) for w, form in world.crawl.forms if w == who]
        for method, path in requests:
            if not guarded(path):
                continue
            with capture_writes() as writes:
                response = getattr(client, method)(path, {"anything": "1"})
            checked += 1
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith(SETUP) or writes:
                failures[(who, method, path)] = (response.status_code, location, writes)
    assert failures == {}
    assert checked > 100


def test_authority_roles_are_not_asked_for_two_factor(world, settings):
    settings.PORTAL_REQUIRE_2FA = True
    for who in ("authority_lead", "officer", "viewer"):
        visits = [v for v in world.crawl.pages() if v.who == who and guarded(v.path)]
        client = world.client_for(who)
        for visit in visits[:10]:
            assert client.get(visit.path).status_code == 200, (who, visit.path)
