"""The benchmark scripts' own PostgreSQL databases: which server to use, and making and dropping
a database whose name says it is a benchmark's (so a mistyped name never drops real data)."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def default_database_url() -> str:
    """$BENCH_DATABASE_URL, else $DATABASE_URL when it is PostgreSQL, else the local server."""
    configured = os.environ.get("DATABASE_URL", "")
    return os.environ.get("BENCH_DATABASE_URL") or (
        configured if configured.startswith("postgres") else DEFAULT_DATABASE_URL
    )


def database_urls(base: str, name: str) -> tuple[str, str]:
    """(URL of the maintenance database, URL of the benchmark database) on the server of `base`,
    which must be a local PostgreSQL; `name` must contain "bench"."""
    parts = urlsplit(base)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"The benchmark needs PostgreSQL, not {parts.scheme or base!r}.")
    if (parts.hostname or "127.0.0.1") not in LOCAL_HOSTS:
        raise SystemExit(f"The benchmark only uses a local PostgreSQL, not {parts.hostname}.")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*bench[a-z0-9_]*", name):
        raise SystemExit(f"The benchmark database's name must contain 'bench': {name!r}")

    def with_path(path: str) -> str:
        return urlunsplit(("postgresql", parts.netloc, path, parts.query, ""))

    return with_path("/postgres"), with_path(f"/{name}")


def database_recreate(maintenance_url: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')
