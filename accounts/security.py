"""Helpers for django-axes (login throttling)."""

from typing import Any


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """The email address a sign-in attempt names, lower-cased, so that "Name@X" and "name@x"
    share one failure count."""
    value = None
    if credentials:
        value = credentials.get("username")
    if value is None and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username")
    return str(value).strip().lower() if value else value
