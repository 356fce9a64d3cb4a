"""Gunicorn settings for the portal's web process (`deploy/entrypoint web`).

Every value that depends on the deployment comes from the environment, so one image serves every
size of deployment. The portal runs behind a TLS-terminating reverse proxy (docs/deployment.md).
"""

import os


def _int_from_env(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "maturity_portal.wsgi:application"

# --- Where to listen ---------------------------------------------------------------------------
# Inside the container every interface; the compose file publishes the port on 127.0.0.1 only.
bind = [f"0.0.0.0:{_int_from_env('PORT', 8000)}"]

# --- Processes ---------------------------------------------------------------------------------
# Synchronous workers, each handling one request at a time. WEB_CONCURRENCY is gunicorn's own
# name for the worker count; about two per CPU core the container may use. GUNICORN_THREADS > 1
# switches to threaded workers.
workers = _int_from_env("WEB_CONCURRENCY", 3)
threads = _int_from_env("GUNICORN_THREADS", 1)
# Recycle workers now and then so slow memory growth (e.g. after large uploads) cannot build up.
max_requests = 1000
max_requests_jitter = 100
# The worker heartbeat file on a memory-backed filesystem, so a slow disk cannot stall workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# --- Timeouts ----------------------------------------------------------------------------------
# A request that takes longer than this is cut off and its worker restarted.
timeout = _int_from_env("GUNICORN_TIMEOUT", 60)
# On SIGTERM (docker stop, a deploy) requests in flight get this long to finish.
graceful_timeout = 30
# The reverse proxy keeps connections open to gunicorn; answer them for a little longer than the
# default two seconds.
keepalive = 5

# --- Behind the reverse proxy -------------------------------------------------------------------
# Which peers may set X-Forwarded-Proto for gunicorn's own idea of the scheme. The container is
# reachable only through the proxy, so by default every peer; Django decides from the same header
# (SECURE_PROXY_SSL_HEADER in the production settings). Narrow it with FORWARDED_ALLOW_IPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")

# --- Logs: to the container's output -----------------------------------------------------------
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The client address as the proxy reports it, then the peer gunicorn saw (the proxy itself).
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# --- Control socket ----------------------------------------------------------------------------
# Gunicorn 25+ opens a runtime control socket under $HOME; containers are managed by restarting
# them instead, so it stays closed.
control_socket_disable = True
