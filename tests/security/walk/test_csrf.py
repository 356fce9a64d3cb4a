"""Cross-site request forgery: a POST without the CSRF token, to every form the walk found and to
every page, as a user who may use it, is refused with the GOV.UK "Your form could not be sent"
page (403, never a 500) and writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .crawler import json_api_routes
from .helpers import capture_writes

pytestmark = pytest.mark.django_db

TOKEN = "csrfmiddlewaretoken"


def plausible(form) -> dict:
    """The form as a person would send it: shown values, the first option, some text."""
    data: dict = {}
    for item in form.fields:
        if item.name == TOKEN or item.name in data:
            continue
        if item.kind == "file":
            data[item.name] = SimpleUploadedFile("protocol.txt", b"Signed protocol\n")
        elif item.kind == "select":
            data[item.name] = next((o for o in item.options if o), "")
        elif item.kind in ("checkbox", "radio"):
            data[item.name] = item.value or "on"
        else:
            data[item.name] = item.value or "Something plausible 2026"
    return data


def refused_properly(response) -> list[str]:
    html = response.content.decode("utf-8", errors="replace")
    problems = []
    if response.status_code != 403:
        problems.append(f"status {response.status_code}")
    if "Your form could not be sent" not in html or "govuk-template" not in html:
        problems.append("not the GOV.UK 'Your form could not be sent' page")
    return problems


def test_every_form_without_its_token_is_refused_and_writes_nothing(world):
    assert len(world.crawl.forms) > 40
    clients = {}
    failures = {}
    for who, form in world.crawl.forms:
        if who not in clients:
            clients[who] = world.client_for(who, enforce_csrf_checks=True)
        with capture_writes() as writes:
            response = clients[who].post(form.action, plausible(form))
        problems = refused_properly(response) + [f"wrote: {sql}" for sql in writes]
        if problems:
            failures[form.action] = (who, problems)
    assert failures == {}


def test_a_post_to_any_page_without_a_token_is_refused(world):
    """Pages that take no POST are refused the same way before the view runs, so no view can
    forget the check (JSON API endpoints use their own authentication; see docs/security.md)."""
    api = json_api_routes()
    clients = {}
    failures = {}
    checked = set()
    for visit in world.crawl.visits:
        if visit.route in checked or visit.route in api:
            continue
        checked.add(visit.route)
        if visit.who not in clients:
            clients[visit.who] = world.client_for(visit.who, enforce_csrf_checks=True)
        with capture_writes() as writes:
            response = clients[visit.who].post(visit.path, {"anything": "at all"})
        problems = refused_properly(response) + [f"wrote: {sql}" for sql in writes]
        if problems:
            failures[visit.route] = (visit.who, visit.path, problems)
    assert failures == {}
    assert len(checked) > 80
