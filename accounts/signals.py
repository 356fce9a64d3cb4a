"""Security events from Django's and django-axes' authentication signals."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEventKind, User
from .services import security_event_record


@receiver(user_logged_in, dispatch_uid="accounts.security.logged_in")
def record_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    device = getattr(user, "otp_device", None)
    security_event_record(
        kind=SecurityEventKind.SIGN_IN_SUCCEEDED,
        request=request,
        actor=user,
        subject=user,
        detail="With two-factor authentication" if device is not None else "",
    )


@receiver(user_login_failed, dispatch_uid="accounts.security.login_failed")
def record_sign_in_failure(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    email = str(credentials.get("username") or credentials.get("email") or "")[:254]
    subject = User.objects.filter(email__iexact=email).first() if email else None
    security_event_record(
        kind=SecurityEventKind.SIGN_IN_FAILED,
        request=request,
        actor_email=email,
        subject=subject,
        detail="" if subject else "No account with this address",
    )


@receiver(user_logged_out, dispatch_uid="accounts.security.logged_out")
def record_sign_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(
            kind=SecurityEventKind.SIGNED_OUT, request=request, actor=user, subject=user
        )


@receiver(user_locked_out, dispatch_uid="accounts.security.locked_out")
def record_lockout(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    email = str(username or "")[:254]
    security_event_record(
        kind=SecurityEventKind.LOCKED_OUT,
        request=request,
        actor_email=email,
        subject=User.objects.filter(email__iexact=email).first() if email else None,
    )
