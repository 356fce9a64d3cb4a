import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-key-for-tests-0123456789"


def load_production_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="maturity_portal.settings.production")
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = load_production_settings(ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_a_short_secret_key():
    result = load_production_settings(SECRET_KEY="short", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts():
    result = load_production_settings(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_settings_start_with_both():
    result = load_production_settings(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_settings_are_https_only():
    from importlib import import_module
    from unittest import mock

    with mock.patch.dict(os.environ, {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x.example.org"}):
        module = import_module("maturity_portal.settings.production")
    assert module.DEBUG is False
    assert module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    assert module.SECURE_HSTS_SECONDS >= 31536000
    assert module.SECURE_SSL_REDIRECT is True
    assert module.PORTAL_REQUIRE_2FA is True
