from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User


def notifications_for(*, recipient: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=recipient).select_related("authority", "area")


def unread_count(*, recipient: User) -> int:
    if not getattr(recipient, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=recipient, read_at__isnull=True).count()
