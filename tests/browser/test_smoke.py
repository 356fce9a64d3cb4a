"""The portal as deployed: collected, hashed static files served by whitenoise under gunicorn with
DEBUG off, checked in real headless Chromium with axe-core."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served_portal(tmp_path_factory):
    """gunicorn on a fresh SQLite database with DEBUG=False and manifest static files."""
    work = tmp_path_factory.mktemp("served")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="maturity_portal.settings.local",
        DEBUG="False",
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        STATIC_ROOT=str(work / "static"),
        VAR_DIR=str(work),
    )
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(manage + args, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "maturity_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--env",
            "DJANGO_SETTINGS_MODULE=maturity_portal.settings.local",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2)  # noqa: S310
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read().decode() if server.stdout else ""
                server.kill()
                pytest.fail(f"gunicorn did not start: {output[-2000:]}")
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Assess the maturity of your early help data"),
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy notice"),
        ("/cookies/", "Cookies"),
        ("/accounts/sign-in/", "Sign in"),
    ],
)
def test_pages_render_styled_and_accessible_with_debug_off(
    served_portal, page, assert_accessible, path, heading
):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    response = page.goto(served_portal + path)
    assert response.status == 200
    assert heading in page.locator("h1").inner_text()
    # The GOV.UK stylesheet loaded from its hashed name: the header is black, fonts resolve.
    header_colour = page.locator(".govuk-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(11, 12, 12)"
    assert failed == [], f"requests that failed: {failed}"
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert_accessible(page)


def test_unknown_url_gives_the_styled_404_page(served_portal, page, assert_accessible):
    response = page.goto(served_portal + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert_accessible(page)


def test_pages_work_without_javascript(served_portal, page_without_js):
    page_without_js.goto(served_portal + "/accounts/sign-in/")
    page_without_js.fill("#id_username", "nobody@example.org")
    page_without_js.fill("#id_password", "wrong-password-123")
    page_without_js.click("#id_submit")
    assert "There is a problem" in page_without_js.locator(".govuk-error-summary").inner_text()
    assert "Enter a correct email address and password" in page_without_js.content()


def test_sign_in_errors_are_accessible(served_portal, page, assert_accessible):
    page.goto(served_portal + "/accounts/sign-in/")
    page.click("#id_submit")
    assert "Enter your email address" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_security_headers_as_served(served_portal):
    response = urllib.request.urlopen(served_portal + "/")  # noqa: S310
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
