"""Helpers for the deployment tests: the files under deploy/ are scripts, not a package."""

import importlib.util
import os
import secrets
import socket
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def load_deploy_module(name: str) -> ModuleType:
    path = DEPLOY / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"deploy_{name.replace('.', '_')}", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def validator() -> ModuleType:
    return load_deploy_module("validate_compose")


@pytest.fixture(scope="session")
def compose_raw(validator) -> dict:
    return validator.load_yaml(validator.COMPOSE_FILE)


@pytest.fixture(scope="session")
def compose(validator, compose_raw) -> dict:
    """docker-compose.yml as Compose would run it with the example configuration."""
    return validator.interpolate(compose_raw, validator.validation_environment())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment like the portal's containers get: production settings, secrets from the
    environment, the project's virtual environment first on PATH. SQLite in tmp_path, no broker
    (tasks eager) unless `extra` says otherwise."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "PORT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="maturity_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        VAR_DIR=str(tmp_path),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env
