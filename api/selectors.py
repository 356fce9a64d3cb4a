"""Reads of the api app. API tokens belong to one user: another user's token is a 404.

The API's tenant scoping is in ``api.scoping``; figures for benchmarks come only through
``benchmarking.selectors`` (small-number suppression)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken
from .services import token_hash, token_is_well_formed

if TYPE_CHECKING:
    from accounts.models import User


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first (revoked ones too, so the list shows what happened)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user: User, pk: Any) -> ApiToken:
    try:
        return ApiToken.objects.get(user=user, pk=int(pk))
    except (ApiToken.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def api_token_find(*, token: str) -> ApiToken | None:
    """The token row for a presented token, with its user, or None (unknown or malformed). Revoked
    and expired tokens are returned: the caller refuses them with a reason."""
    if not token_is_well_formed(token):
        return None
    return ApiToken.objects.select_related("user").filter(secret_hash=token_hash(token)).first()
