"""Django's ModelBackend, with the signed-in user read together with two facts that every page of
the portal needs, in the same query instead of two more:

- ``has_confirmed_authenticator``: whether the user has set up an authenticator app, which the
  two-factor middleware checks on every page for a session not yet verified;
- ``has_area_assignments``: whether the user leads any area, so that tenancy reads the areas
  only for those who have some.

Both are read fresh on every request, as the queries they replace were.

Sessions signed in before this backend existed name Django's ModelBackend, which therefore stays
in AUTHENTICATION_BACKENDS so that they stay signed in. It never checks a password: when this
backend refuses the credentials it ends the search (PermissionDenied), so a wrong password is
hashed once, not twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice


class PortalBackend(ModelBackend):
    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied  # no later backend checks the password again
        return user

    def get_user(self, user_id: Any) -> Any:
        from .models import AreaAssignment

        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(
                has_confirmed_authenticator=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                ),
                has_area_assignments=Exists(AreaAssignment.objects.filter(user=OuterRef("pk"))),
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def has_confirmed_authenticator(user: Any) -> bool:
    """From the signed-in user's row when it was read by PortalBackend, else from the database."""
    known = getattr(user, "has_confirmed_authenticator", None)
    if known is not None:
        return bool(known)
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
