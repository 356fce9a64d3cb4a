"""Shared by the browser tests that run on the demo data: load it with known passwords, sign in
through the real sign-in page, and keep screenshots for people to look at."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command

PASSWORD = "Browser-test-password-2026"


def demo_load(settings, *emails: str) -> None:
    """The shipped model and the demo data, with PASSWORD for these demo accounts and two-factor
    not required (so that area leads and admins sign in with a password alone)."""
    from accounts.models import User
    from tests.factories.frameworks import shipped_framework_version

    settings.PORTAL_REQUIRE_2FA = False
    shipped_framework_version()
    call_command("seed_demo", stdout=io.StringIO())
    for email in emails:
        user = User.objects.get(email=email)
        user.set_password(PASSWORD)
        user.save()


def sign_in(page, live_server, email: str, path: str) -> None:
    """Open `path`, sign in on the page it sends to, and arrive back at `path`."""
    page.goto(live_server.url + path)
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#id_submit")
    assert page.url.endswith(path), page.url


def shot(page, folder: Path, name: str) -> None:
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
