"""Shared fixtures. Services (PostgreSQL, Redis, the Celery worker) are used when configured; a test
that needs one skips with the reason when it is absent, and fails instead when REQUIRE_SERVICES=1
(as in CI), so a green CI run always means the real parts were exercised."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by tests to set up
# data are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent


def service_missing(service: str, reason: str) -> None:
    """Skip, or fail when the run promised real services (REQUIRE_SERVICES=1)."""
    message = f"{service} is not available: {reason}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def postgres(db) -> None:
    """For tests that need PostgreSQL itself (advisory locks, concurrency)."""
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL", "DATABASE_URL does not point at PostgreSQL")


@pytest.fixture(scope="session")
def redis_broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        service_missing("Redis", "CELERY_BROKER_URL is unset")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing("Redis", f"{url} did not answer: {exc}")
    return url


def _worker_answers(app, timeout: float = 1.0) -> bool:
    try:
        return bool(app.control.ping(timeout=timeout))
    except Exception:  # noqa: BLE001 - any broker error means "no worker"
        return False


@pytest.fixture(scope="session")
def celery_worker_process(redis_broker_url: str, django_db_setup) -> Iterator[None]:
    """A real Celery worker on the real broker. Uses the one CI starts (it points at the test
    database); otherwise starts one for the session pointed at this run's test database."""
    from maturity_portal.celery import app

    app.conf.broker_url = redis_broker_url
    app.conf.result_backend = redis_broker_url
    if _worker_answers(app):
        yield
        return
    env = dict(os.environ, CELERY_BROKER_URL=redis_broker_url)
    env["DJANGO_SETTINGS_MODULE"] = "maturity_portal.settings.test"
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "maturity_portal",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while not _worker_answers(app):
            if worker.poll() is not None or time.monotonic() > deadline:
                service_missing("Celery worker", "the worker did not start")
        yield
    finally:
        worker.terminate()
        worker.wait(timeout=20)


@pytest.fixture
def real_worker(celery_worker_process) -> Iterator[None]:
    """Send tasks to the real worker for this test instead of running them eagerly."""
    from maturity_portal.celery import app

    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


# --- Browser ----------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        service_missing("Chromium", "install it with: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """Runs axe-core (vendored, tests/browser/vendor/axe.min.js) with the WCAG 2.x A and AA tags."""
    page.add_script_tag(path=str(ROOT / "tests/browser/vendor/axe.min.js"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


@pytest.fixture
def assert_accessible():
    def check(page) -> None:
        violations = axe_violations(page)
        assert violations == [], f"axe-core found violations on {page.url}: {violations}"

    return check


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _framework_contents_cache() -> Iterator[None]:
    """Each test starts with no cached framework version: a rolled-back version's id may be reused
    by the next test's (SQLite), and its contents must not be served from the last one."""
    from frameworks.selectors import framework_contents_cache_clear

    framework_contents_cache_clear()
    yield
    framework_contents_cache_clear()
