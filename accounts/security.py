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


def client_ip_address(request: Any) -> str | None:
    """The address of the person making the request, for login throttling (django-axes) and the
    security events table.

    Without a reverse proxy (TRUSTED_PROXY_COUNT = 0) that is the peer that connected
    (REMOTE_ADDR). Behind N trusted proxies, each of which appends the address it received the
    request from to X-Forwarded-For (or, like the example nginx configuration, sets it), the
    client is the Nth address from the right: anything further left was written by the client and
    is not trusted. A missing or malformed header falls back to REMOTE_ADDR."""
    import ipaddress

    from django.conf import settings

    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
