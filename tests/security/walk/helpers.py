"""What a request wrote to the database, from the SQL it ran."""

import re
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
# Writes every request may make: the session (refreshed at most once a minute).
ALWAYS_ALLOWED = ('"django_session"',)


@contextmanager
def capture_writes(allowed: tuple[str, ...] = ()):
    """Yields a list filled, on exit, with the SQL of every write not to an allowed table."""
    writes: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield writes
    for query in captured.captured_queries:
        sql = query["sql"]
        if WRITE.match(sql) and not any(table in sql for table in (*ALWAYS_ALLOWED, *allowed)):
            writes.append(sql[:160])
