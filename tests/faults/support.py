"""Processes and plumbing for the fault tests: a private Redis that can be stopped, a real Celery
worker on it, a TCP proxy in front of PostgreSQL that can be cut, and the portal served by gunicorn
with production settings. Used by tests/faults and tests/assessments/test_worker.py."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.conftest import ROOT, service_missing


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2) -> Any:
    """Poll until `predicate()` is truthy; returns its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(*, host: str | None = None, port: int | None = None) -> str:
    """DATABASE_URL for this run's (test) database, optionally through another host and port."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host or db['HOST'] or '127.0.0.1'}:"
        f"{port or db['PORT'] or 5432}/{db['NAME']}"
    )


# --- Redis ------------------------------------------------------------------------------------


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


class OwnRedis:
    """A Redis server of the test's own, so stopping it disturbs nothing else. The port comes from
    FAULTS_REDIS_PORT when set, else any free port."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        if not shutil.which("redis-server"):
            service_missing("redis-server", "the binary is not installed")
        self.port = port or int(os.environ.get("FAULTS_REDIS_PORT") or free_port())
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        assert wait_for(lambda: _pings(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def start_worker(
    broker_url: str, name: str, log: Path | None = None, database: str | None = None
) -> subprocess.Popen:
    """A real Celery worker (solo pool) on `broker_url` and this run's test database. Tasks it
    enqueues are published to the broker (tests/faults/worker_settings.py)."""
    env = dict(
        os.environ,
        CELERY_BROKER_URL=broker_url,
        CELERY_RESULT_BACKEND=broker_url,
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        DATABASE_URL=database or database_url(),
    )
    output = log.open("w") if log else None
    return subprocess.Popen(  # noqa: S603
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
            f"--loglevel={'INFO' if log else 'WARNING'}",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT if output else None,
    )


def stop_process(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class PublishTo:
    """Point the in-process Celery app's publishing at `url` (and off eager mode) until undone."""

    def __init__(self, url: str) -> None:
        from maturity_portal.celery import app

        self.app = app
        self.saved = (app.conf.broker_write_url, app.conf.task_always_eager)
        app.conf.broker_write_url = url
        app.conf.task_always_eager = False
        self._reset_pools()

    def _reset_pools(self) -> None:
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def undo(self) -> None:
        self.app.conf.broker_write_url, self.app.conf.task_always_eager = self.saved
        self._reset_pools()


@pytest.fixture
def own_redis_and_worker(postgres, redis_broker_url, tmp_path):
    """A private Redis with a real worker on it; the app under test publishes to it. Yields the
    OwnRedis, which the test may stop and start again."""
    redis = OwnRedis(tmp_path)
    redis.start()
    worker = start_worker(redis.url, f"outage{redis.port}", log=tmp_path / "worker.log")
    publishing = PublishTo(redis.url)
    try:
        yield redis
    finally:
        publishing.undo()
        stop_process(worker)
        redis.stop()


# --- A TCP proxy that can be cut ------------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. `cut()` drops every open connection and refuses new
    ones (they are accepted and closed at once, as when the database goes away); `restore()`
    forwards again. `cut_before(marker)` cuts the moment a client sends bytes containing `marker`,
    without forwarding them: the server sees the earlier statements of a transaction and then the
    connection goes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.silent = False  # blackhole: connections stay open, nothing gets through
        self._held: list[socket.socket] = []
        self.marker: bytes | None = None
        self.cut_count = 0
        self.forwarded = b""  # what clients sent on, for asserting what reached the server
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._closing = False
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        while not self._closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.silent:
                self._held.append(client)
                continue
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update({client, server})
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                marker = self.marker
                if from_client and marker is not None and marker in data:
                    self.marker = None
                    self.cut()
                    break
                if self.silent:
                    continue
                if not self.up:
                    break
                if from_client:
                    self.forwarded = (self.forwarded + data)[-1_000_000:]
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source, sink)

    def _close(self, *sockets: socket.socket) -> None:
        for sock in sockets:
            with self._lock:
                self._open.discard(sock)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self) -> None:
        self.up = False
        self.cut_count += 1
        with self._lock:
            sockets = list(self._open)
        self._close(*sockets)

    def blackhole(self) -> None:
        """The network drops everything: open connections and new ones get no answer and are
        not closed (a partition, or a database host that has gone away without a reset)."""
        self.silent = True

    def cut_before(self, marker: bytes) -> None:
        self.marker = marker

    def restore(self) -> None:
        self.marker = None
        if self.silent:  # what was swallowed leaves open connections out of step: end them
            self.silent = False
            held, self._held = self._held, []
            self._close(*held)
            self.cut()
        self.up = True

    def close(self) -> None:
        self._closing = True
        self.cut()
        self.listener.close()


# --- The portal under gunicorn ------------------------------------------------------------------

HOST = "portal.example.org"
PRODUCTION_SETTINGS = "tests.faults.production_settings"


def production_static(static_root: Path) -> Path:
    """collectstatic with (nearly) production settings: the manifest the production pages need."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
        SECRET_KEY="collectstatic-only-" + "x" * 50,
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=str(static_root),
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    return static_root


class WebServer:
    """gunicorn (deploy/gunicorn.conf.py) with production settings (tests/faults/
    production_settings.py): DEBUG off, HTTPS behind a proxy (requests carry X-Forwarded-Proto),
    secrets from the environment."""

    def __init__(
        self, *, database_url: str, secret_key: str, workdir: Path, static_root: Path, **extra: str
    ) -> None:
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "PORT"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
            SECRET_KEY=secret_key,
            ALLOWED_HOSTS=f"{HOST},127.0.0.1",  # 127.0.0.1 for the headless browser
            DATABASE_URL=database_url,
            VAR_DIR=str(workdir),
            MEDIA_ROOT=str(workdir / "media"),
            STATIC_ROOT=str(static_root),
            PORT=str(self.port),
            WEB_CONCURRENCY="1",
            GUNICORN_THREADS="4",
            PORTAL_REQUIRE_2FA="false",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        self._log_handle = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60) -> None:
        import requests

        def answers() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited early:\n{self.log.read_text()}")
            try:
                requests.get(f"{self.base}/healthz", headers={"Host": HOST}, timeout=2)
            except requests.RequestException:
                return False
            return True

        if not wait_for(answers, timeout=timeout, interval=0.5):
            pytest.fail(f"gunicorn did not answer:\n{self.log.read_text()}")

    def browser(self, cookies: dict[str, str] | None = None) -> "Browser":
        return Browser(self.base, cookies)

    def stop(self) -> None:
        stop_process(self.process, timeout=30)
        self._log_handle.close()


def signed_in(server: WebServer, user) -> "Browser":
    """A browser with a session for `user`, made in the shared database. The server must use the
    SECRET_KEY the test's settings have."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return server.browser({"__Host-sessionid": client.cookies[settings.SESSION_COOKIE_NAME].value})


class Browser:
    """Talks to the portal as a browser behind the HTTPS proxy would. Cookies are kept by hand:
    the portal's cookies are Secure and __Host- prefixed, which a cookie jar would not send over
    the plain HTTP between this test and gunicorn."""

    def __init__(self, base: str, cookies: dict[str, str] | None = None) -> None:
        import requests

        self.base = base
        self.cookies = dict(cookies or {})
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs: Any):
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{path}",
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.http.cookies.clear()
        response = self.http.request(
            method,
            f"{self.base}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 30),
            **kwargs,
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value or ""
        return response

    def get(self, path: str, **kwargs: Any):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any):
        return self.request("POST", path, data=data, **kwargs)

    def csrf_token(self, html: str) -> str:
        import re

        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "the form has no CSRF token"
        return match.group(1)
