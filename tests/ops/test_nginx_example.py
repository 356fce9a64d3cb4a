"""deploy/nginx.conf.example in front of gunicorn with the production settings: nginx accepts the
file, redirects HTTP to the public name, and over HTTPS the portal sees a secure request (secure
cookies, CSRF, sign-in), serves its static files, gets the client's address in X-Forwarded-For,
and lets nginx refuse bodies over the limit. Skips where nginx is not installed
(`apt-get install nginx-core`). The image collects static files at build time; here whitenoise
finds them in the source folders instead (collectstatic takes minutes), and the rest of the
production settings are unchanged."""

import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, service_missing
from tests.deploy.conftest import free_port, production_env

EXAMPLE = ROOT / "deploy" / "nginx.conf.example"
HOST = "portal.example.org"


def _render(tmp_path: Path, *, http_port: int, https_port: int, upstream_port: int) -> Path:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]  # noqa: S607
        + ["-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    text = EXAMPLE.read_text()
    text = "\n".join(line for line in text.splitlines() if "[::]" not in line)
    for old, new in {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "/etc/ssl/portal/fullchain.pem": str(cert),
        "/etc/ssl/portal/privkey.pem": str(key),
        "/var/www/letsencrypt": str(tmp_path / "acme"),
    }.items():
        assert old in text, old
        text = text.replace(old, new)
    site = tmp_path / "portal.conf"
    site.write_text(text)
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n  include {site};\n}}\n"
    )
    return main


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited early:\n{log.read_text()}")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"port {port} did not open:\n{log.read_text()}")


def _https(port: int, method: str, path: str, body: bytes | None = None, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _cookies(headers) -> dict[str, str]:
    return {
        value.split("=", 1)[0]: value for name, value in headers if name.lower() == "set-cookie"
    }


@pytest.fixture
def stack(tmp_path):
    if not shutil.which("nginx"):
        service_missing("nginx", "it is not installed (apt-get install nginx-core)")
    web_port, http_port, https_port = free_port(), free_port(), free_port()
    (tmp_path / "proxy_test_settings.py").write_text(
        "from maturity_portal.settings.production import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "  # noqa: ISC003
        "'django.contrib.staticfiles.storage.StaticFilesStorage'}}  # noqa: F405\n"
        "WHITENOISE_USE_FINDERS = True\n"
    )
    env = production_env(
        tmp_path,
        PORT=str(web_port),
        WEB_CONCURRENCY="1",
        DJANGO_SETTINGS_MODULE="proxy_test_settings",
        PYTHONPATH=str(tmp_path),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    subprocess.run(  # noqa: S603
        [
            *manage,
            "shell",
            "-c",
            "from accounts.models import User; "
            "User.objects.create_user('proxy.test@example.org', 'a-long-test-password-1')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    config = _render(tmp_path, http_port=http_port, https_port=https_port, upstream_port=web_port)
    checked = subprocess.run(  # noqa: S603
        ["nginx", "-t", "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,  # noqa: S607
    )
    assert checked.returncode == 0, checked.stderr
    web_log, nginx_log = tmp_path / "web.log", tmp_path / "nginx.out"
    processes = []
    with web_log.open("w") as web_out, nginx_log.open("w") as nginx_out:
        processes.append(
            subprocess.Popen(  # noqa: S603
                ["bash", str(ROOT / "deploy" / "entrypoint"), "web"],
                cwd=ROOT,
                env=env,
                stdout=web_out,
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(  # noqa: S603
                ["nginx", "-c", str(config)],
                stdout=nginx_out,
                stderr=subprocess.STDOUT,  # noqa: S607
            )
        )
    try:
        _wait_for_port(web_port, processes[0], web_log)
        _wait_for_port(https_port, processes[1], tmp_path / "error.log")
        yield {
            "http": http_port,
            "https": https_port,
            "web_log": web_log,
            "error_log": tmp_path / "error.log",
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def test_nginx_example_in_front_of_gunicorn(stack):
    # Plain HTTP: a redirect to the public name, whatever Host the client sent.
    connection = http.client.HTTPConnection("127.0.0.1", stack["http"], timeout=10)
    connection.request("GET", "/accounts/sign-in/?next=/", headers={"Host": "evil.example"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/accounts/sign-in/?next=/"

    # HTTPS: the portal sees a secure request, sets __Host- cookies (Secure) and sends HSTS.
    status, headers, body = _https(stack["https"], "GET", "/accounts/sign-in/")
    assert status == 200
    assert dict(headers).get("Strict-Transport-Security", "").startswith("max-age=")
    csrf_cookie = _cookies(headers)["__Host-csrftoken"]
    assert "Secure" in csrf_cookie
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    # Static files come from the portal (whitenoise) through the proxy.
    css = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
    status, headers, _ = _https(stack["https"], "GET", css)
    assert status == 200
    assert dict(headers)["Content-Type"].startswith("text/css")

    # Sign-in through the proxy: CSRF (Origin https://portal.example.org) and a secure session.
    form = (
        f"csrfmiddlewaretoken={token}&username=proxy.test%40example.org"
        "&password=a-long-test-password-1"
    )
    status, headers, body = _https(
        stack["https"],
        "POST",
        "/accounts/sign-in/",
        body=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf_cookie.split(";")[0],
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/accounts/sign-in/",
            "X-Forwarded-For": "198.51.100.66",
            "X-Forwarded-Proto": "http",
        },
    )
    assert status == 302, body[:500]
    assert "Secure" in _cookies(headers)["__Host-sessionid"]

    # /healthz answers through the proxy.
    status, _, body = _https(stack["https"], "GET", "/healthz")
    assert status == 200
    assert b'"database": "ok"' in body

    # Bodies over client_max_body_size (25m) are refused by nginx with its own page.
    status, _, body = _https(stack["https"], "POST", "/accounts/sign-in/", body=b"x" * (26 << 20))
    assert status == 413
    assert b"nginx" in body
    # A 21 MB multipart form (as an evidence upload sends) reaches the portal, which reads it all
    # and answers with its own page.
    boundary = "portal-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (
            ("csrfmiddlewaretoken", token),
            ("username", "proxy.test@example.org"),
            ("password", "not-the-password"),
        )
    ]
    multipart = (
        "".join(parts).encode()
        + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + b"x" * (21 << 20)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _, body = _https(
        stack["https"],
        "POST",
        "/accounts/sign-in/",
        body=multipart,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": csrf_cookie.split(";")[0],
            "Origin": f"https://{HOST}",
        },
    )
    assert status == 200, stack["error_log"].read_text()
    assert b"Sign in" in body

    # The access log starts with the address nginx saw, not the one the client wrote.
    time.sleep(0.5)
    log = stack["web_log"].read_text()
    sign_in_posts = [line for line in log.splitlines() if '"POST /accounts/sign-in/' in line]
    assert sign_in_posts, log
    assert sign_in_posts[0].startswith("127.0.0.1 127.0.0.1 ")
    assert "198.51.100.66" not in log
