"""The image's processes, run here without Docker: the entrypoint's roles, the gunicorn
configuration, the web health check against a real gunicorn, and the worker and beat health
checks (the exact commands from docker-compose.yml) against real Celery processes on Redis."""

import os
import runpy
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import DEPLOY, ROOT, free_port, load_deploy_module, production_env

ENTRYPOINT = DEPLOY / "entrypoint"


# --- The entrypoint's roles, with stand-ins for the programs it starts ------------------------


@pytest.fixture
def fake_programs(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """gunicorn, celery and python stand-ins that record how they were called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.log"
    for program in ("gunicorn", "celery", "python"):
        script = bin_dir / program
        script.write_text(f'#!/bin/sh\necho "{program} $*" >> "{calls}"\n')
        script.chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    return env, calls


def run_entrypoint(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["bash", str(ENTRYPOINT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), [f"gunicorn --config {DEPLOY}/gunicorn.conf.py"]),
        (("web",), [f"gunicorn --config {DEPLOY}/gunicorn.conf.py"]),
        (("web", "--workers", "5"), [f"gunicorn --config {DEPLOY}/gunicorn.conf.py --workers 5"]),
        (
            ("worker",),
            [
                "celery --app maturity_portal worker --hostname celery@%h --loglevel INFO"
                " --concurrency 2 --max-tasks-per-child 100 --without-mingle --without-gossip"
            ],
        ),
        (
            ("beat",),
            [
                "celery --app maturity_portal beat --hostname celerybeat@%h"
                " --enable-remote-control --loglevel INFO --schedule /tmp/celerybeat-schedule"
            ],
        ),
        (
            ("migrate",),
            [
                "python manage.py migrate --noinput",
                "python manage.py load_initial_data --without-demo",
            ],
        ),
        (("manage", "createsuperuser"), ["python manage.py createsuperuser"]),
    ],
)
def test_the_entrypoint_starts_the_named_process(fake_programs, args, expected):
    env, calls = fake_programs
    result = run_entrypoint(env, *args)
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == expected


def test_the_entrypoint_takes_sizes_from_the_environment(fake_programs):
    env, calls = fake_programs
    env = {**env, "CELERY_WORKER_CONCURRENCY": "6", "LOG_LEVEL": "WARNING"}
    assert run_entrypoint(env, "worker").returncode == 0
    line = calls.read_text()
    assert "--concurrency 6" in line and "--loglevel WARNING" in line


def test_a_failed_migration_stops_the_migrate_step(fake_programs, tmp_path):
    env, calls = fake_programs
    failing = tmp_path / "bin" / "python"
    failing.write_text(f'#!/bin/sh\necho "python $*" >> "{calls}"\nexit 3\n')
    result = run_entrypoint(env, "migrate")
    assert result.returncode == 3
    assert calls.read_text().splitlines() == ["python manage.py migrate --noinput"]


def test_other_commands_run_as_given(fake_programs):
    env, _ = fake_programs
    result = run_entrypoint(env, "echo", "hello")
    assert result.returncode == 0 and result.stdout == "hello\n"


def test_the_migrate_step_never_loads_demo_data(monkeypatch):
    from io import StringIO

    from core.management.commands import load_initial_data

    # A real command in place of the data loaders, so only the demo step's handling is at stake.
    monkeypatch.setattr(load_initial_data, "STEPS", [("check", []), ("seed_demo", [])])
    out = StringIO()
    call_command("load_initial_data", "--without-demo", stdout=out)
    assert "System check identified" in out.getvalue()
    assert "Skipping seed_demo: demo data not requested." in out.getvalue()


# --- gunicorn configuration ----------------------------------------------------------------------


def test_the_gunicorn_configuration_imports_cleanly(monkeypatch):
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "maturity_portal.wsgi:application"
    assert config["bind"] == ["0.0.0.0:8000"]
    assert config["workers"] == 3 and config["threads"] == 1
    assert config["accesslog"] == "-" and config["errorlog"] == "-"
    assert config["control_socket_disable"] is True
    assert config["graceful_timeout"] < 40  # the compose file's stop_grace_period for web


def test_the_gunicorn_configuration_follows_the_environment(monkeypatch):
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == ["0.0.0.0:9000"]
    assert config["workers"] == 7 and config["loglevel"] == "warning"


def test_gunicorn_accepts_the_configuration_and_loads_the_portal(tmp_path):
    env = production_env(tmp_path)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    check = [str(gunicorn), "--check-config", "--config", str(DEPLOY / "gunicorn.conf.py")]
    result = subprocess.run(  # noqa: S603
        check, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    without_secret = subprocess.run(  # noqa: S603
        check,
        cwd=ROOT,
        env={**env, "SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert without_secret.returncode != 0
    assert "SECRET_KEY" in without_secret.stderr


# --- The web process and its health check -------------------------------------------------------


def compose_health_command(compose, service: str, env: dict[str, str]) -> list[str]:
    """The service's health check from docker-compose.yml, as it would run in the container,
    with the image's /app mapped onto this checkout."""
    test = compose["services"][service]["healthcheck"]["test"]
    if test[0] == "CMD":
        command = [part.replace("/app/", f"{ROOT}/") for part in test[1:]]
        return [sys.executable if command[0] == "python" else command[0], *command[1:]]
    assert test[0] == "CMD-SHELL"
    return ["/bin/sh", "-c", test[1].replace("/app/", f"{ROOT}/")]


def run_health_check(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._log_handle = log.open("w")
        self.popen = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, stdout=self._log_handle, stderr=subprocess.STDOUT
        )

    def wait_until(self, condition, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.popen.poll() is not None:
                pytest.fail(f"the process exited early:\n{self.log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"the process did not become ready:\n{self.log.read_text()}")
            time.sleep(0.5)

    def stop(self) -> int:
        """SIGTERM, as `docker stop` sends; returns the exit code."""
        self.popen.terminate()
        try:
            return self.popen.wait(timeout=30)
        finally:
            self._log_handle.close()


@pytest.fixture
def start(tmp_path):
    started: list[Process] = []

    def start_process(*args: str, env: dict[str, str], name: str) -> Process:
        process = Process(["bash", str(ENTRYPOINT), *args], env, tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start_process
    for process in started:
        if process.popen.poll() is None:
            process.popen.kill()
            process.popen.wait(timeout=10)


def test_the_web_health_check_passes_against_gunicorn_with_production_settings(
    tmp_path, start, compose
):
    port = free_port()
    env = production_env(tmp_path, PORT=str(port), WEB_CONCURRENCY="1")
    web = start("web", env=env, name="web")
    health = compose_health_command(compose, "web", env)
    web.wait_until(lambda: run_health_check(health, env).returncode == 0)

    result = run_health_check(health, env)
    assert result.returncode == 0
    assert '/healthz answered 200 {"status": "ok", "database": "ok", "broker": "eager"}' in (
        result.stdout
    )
    # gunicorn's access log goes to the container's output.
    assert '"GET /healthz HTTP/1.1" 200' in web.log.read_text()
    assert web.stop() == 0


def test_the_web_health_check_fails_when_the_database_is_down(tmp_path, start, compose):
    port = free_port()
    unreachable = f"postgres://portal:secret@127.0.0.1:{free_port()}/portal"
    env = production_env(tmp_path, PORT=str(port), WEB_CONCURRENCY="1", DATABASE_URL=unreachable)
    web = start("web", env=env, name="web")
    health = compose_health_command(compose, "web", env)
    web.wait_until(lambda: "503" in run_health_check(health, env).stdout)

    result = run_health_check(health, env)
    assert result.returncode == 1
    assert '"database": "unreachable"' in result.stdout


def test_the_web_health_check_fails_when_nothing_answers(tmp_path, compose):
    env = production_env(tmp_path, PORT=str(free_port()))
    result = run_health_check(compose_health_command(compose, "web", env), env)
    assert result.returncode == 1
    assert "no answer on 127.0.0.1" in result.stdout


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("portal.example.org,www.example.org", "portal.example.org"),
        (" .example.org", "example.org"),
        ("*,portal.example.org", "portal.example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_probe_sends_a_host_the_portal_accepts(allowed_hosts, expected):
    healthcheck = load_deploy_module("healthcheck")
    assert healthcheck.probe_host(allowed_hosts) == expected


# --- Worker and beat on a real broker --------------------------------------------------------


def isolated_broker_url(url: str) -> str:
    """The same Redis, another database number: these processes must not take tasks meant for
    the test suite's worker, nor the other way round."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/15"))


@pytest.mark.services
def test_worker_and_beat_health_checks_answer_and_fail_when_they_stop(
    tmp_path, start, compose, redis_broker_url
):
    node = f"deploytest-{uuid.uuid4().hex[:8]}"
    env = production_env(
        tmp_path,
        CELERY_BROKER_URL=isolated_broker_url(redis_broker_url),
        CELERY_WORKER_CONCURRENCY="1",
        CELERY_BEAT_SCHEDULE_FILE=str(tmp_path / "celerybeat-schedule"),
        # In a container HOSTNAME is the container's name, which celery's %h expands to; here
        # the node names are given explicitly so that nothing else answers for them.
        HOSTNAME=node,
    )
    worker = start("worker", "--hostname", f"celery@{node}", env=env, name="worker")
    beat = start("beat", "--hostname", f"celerybeat@{node}", env=env, name="beat")
    worker_health = compose_health_command(compose, "worker", env)
    beat_health = compose_health_command(compose, "beat", env)

    # Wait for the start-up lines first: a health check before then waits out its whole timeout.
    worker.wait_until(lambda: f"celery@{node} ready." in worker.log.read_text(), timeout=60)
    beat.wait_until(lambda: "beat pidbox: Connected to" in beat.log.read_text(), timeout=60)
    worker.wait_until(lambda: run_health_check(worker_health, env).returncode == 0, timeout=90)
    beat.wait_until(lambda: run_health_check(beat_health, env).returncode == 0, timeout=90)
    assert f"celery@{node}: OK" in run_health_check(worker_health, env).stdout
    assert f"celerybeat@{node}: OK" in run_health_check(beat_health, env).stdout

    # A warm shutdown on SIGTERM, then the health check no longer passes.
    assert worker.stop() == 0
    assert "Warm shutdown" in worker.log.read_text()
    assert run_health_check(worker_health, env).returncode != 0
    assert beat.stop() == 0


def test_health_checks_run_processes_by_the_names_the_entrypoint_gives_them(compose):
    entrypoint = ENTRYPOINT.read_text()
    assert '--hostname "celery@%h"' in entrypoint
    assert '--hostname "celerybeat@%h"' in entrypoint
    assert "--enable-remote-control" in entrypoint
    assert (
        "--destination celery@${HOSTNAME}"
        in compose["services"]["worker"]["healthcheck"]["test"][1]
    )
    assert (
        "--destination celerybeat@${HOSTNAME}"
        in compose["services"]["beat"]["healthcheck"]["test"][1]
    )
    assert os.access(ENTRYPOINT, os.X_OK)
