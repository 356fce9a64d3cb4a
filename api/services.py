"""Every write of the api app: personal API tokens are created and revoked here, and marked used by
the authentication class."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "mpat_"  # "maturity portal access token": recognisable in logs and secret scanners
TOKEN_PATTERN = re.compile(r"^mpat_[A-Za-z0-9_-]{43}$")
DISPLAY_PREFIX_LENGTH = 12
NAME_MAX = 100
# A token's "last used" time is written at most this often (not on every request).
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
EXPIRY_CHOICES_DAYS = (30, 90, 365)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_is_well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.fullmatch(token))


def api_token_create(
    *, user: User, name: str, expires_in_days: int | None, acting_for_key: str = ""
) -> tuple[ApiToken, str]:
    """Make a token for the user. Returns the row and the token itself: the only copy, shown once
    (the database keeps its SHA-256)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter a name for the token"})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Name must be {NAME_MAX} characters or fewer"})
    if expires_in_days is not None and expires_in_days not in EXPIRY_CHOICES_DAYS:
        raise ValidationError({"expiry": "Choose when the token expires"})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    row = ApiToken(
        user=user,
        name=name,
        prefix=token[:DISPLAY_PREFIX_LENGTH],
        secret_hash=token_hash(token),
        acting_for_key=acting_for_key,
        created_at=now,
        expires_at=now + datetime.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    row.full_clean()
    row.save()
    logger.info("API token %s created by user %s", row.pk, user.pk)
    return row, token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (idempotent). A revoked token is refused from the next request on."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            logger.info("API token %s revoked by user %s", locked.pk, locked.user_id)
    return locked


def api_token_mark_used(*, token: ApiToken) -> None:
    """Record when the token was last used, to the minute, without a write on every request."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
