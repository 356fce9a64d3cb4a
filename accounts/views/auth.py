"""Sign in (password, then two-factor where the user has it), sign out, password reset and
change."""

import time
from typing import Any

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import services
from accounts.backends import has_confirmed_authenticator
from accounts.forms import (
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
    TwoFactorCodeForm,
)
from accounts.middleware import two_factor_exempt
from accounts.models import SecurityEventKind, User
from core.access import AccessRule, access

# A password-checked user waiting for their second factor: kept in the session, not signed in.
PENDING_SESSION_KEY = "portal_two_factor_pending"
PENDING_MAX_AGE_SECONDS = 5 * 60
PENDING_MAX_FAILURES = 5


def safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


@access(AccessRule.PUBLIC)
class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:
        user = form.get_user()
        if has_confirmed_authenticator(user):
            # The password was right; the second factor decides. Nothing is signed in yet.
            self.request.session.cycle_key()
            self.request.session[PENDING_SESSION_KEY] = {
                "user_id": user.pk,
                "backend": user.backend,
                "started": time.time(),
                "failures": 0,
                "next": self.get_redirect_url(),
            }
            return redirect("accounts:two_factor_verify")
        return super().form_valid(form)


@access(AccessRule.SIGNED_IN)
@two_factor_exempt
class SignOutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any] | None]:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None, None
    if time.time() - float(pending.get("started", 0)) > PENDING_MAX_AGE_SECONDS:
        del request.session[PENDING_SESSION_KEY]
        return None, None
    user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
    return user, pending


def _verify_code(user: User, code: str) -> tuple[Any, str]:
    """The device that accepts the code and a message if none does. Digits go to the authenticator,
    anything else to the recovery codes; each device throttles its own failures."""
    if code.isdigit():
        device = services.two_factor_device(user)
        wrong = "The code is not right. Enter the 6-digit code your authenticator app shows now"
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
        wrong = "The recovery code is not right, or it has been used already"
    if device is None:
        return None, wrong
    allowed, data = device.verify_is_allowed()
    if not allowed:
        wait = ""
        if data and data.get("locked_until"):
            from django.utils import timezone

            seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
            wait = f" Wait {seconds} seconds and try again"
        return None, "Too many wrong codes." + (wait or " Try again later")
    if device.verify_token(code):
        return device, ""
    return None, wrong


@access(AccessRule.PUBLIC)
@two_factor_exempt
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the authenticator app or a recovery code. Also
    serves a signed-in session that has not been verified (two-factor set up elsewhere)."""
    signed_in = request.user.is_authenticated
    if signed_in:
        if request.user.is_verified():  # type: ignore[union-attr]
            return redirect(safe_next(request, request.GET.get("next")))
        user, pending = request.user, None
    else:
        user, pending = _pending_user(request)
        if user is None:
            messages.info(request, "Sign in again to continue.")
            return redirect("accounts:login")
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, problem = _verify_code(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if device is not None:
            if isinstance(device, StaticDevice):
                services.security_event_record(
                    kind=SecurityEventKind.RECOVERY_CODE_USED,
                    request=request,
                    actor=user,  # type: ignore[arg-type]
                    subject=user,  # type: ignore[arg-type]
                    detail=f"{device.token_set.count()} recovery codes left",
                )
            if signed_in:
                from django_otp import login as otp_login

                otp_login(request, device)
                # A session that gains the second factor gets a new id (session fixation).
                request.session.cycle_key()
                return redirect(safe_next(request, request.GET.get("next")))
            del request.session[PENDING_SESSION_KEY]
            user.otp_device = device  # type: ignore[union-attr]  # django-otp keeps it on login
            auth.login(request, user, backend=pending["backend"])  # type: ignore[index]
            return HttpResponseRedirect(safe_next(request, pending.get("next")))  # type: ignore[union-attr]
        services.security_event_record(
            kind=SecurityEventKind.TWO_FACTOR_FAILED,
            request=request,
            actor=user,  # type: ignore[arg-type]
            subject=user,  # type: ignore[arg-type]
        )
        if pending is not None:
            pending["failures"] = int(pending.get("failures", 0)) + 1
            if pending["failures"] >= PENDING_MAX_FAILURES:
                del request.session[PENDING_SESSION_KEY]
                messages.error(request, "Too many wrong codes. Sign in again to try again.")
                return redirect("accounts:login")
            request.session[PENDING_SESSION_KEY] = pending
        form.add_error("code", problem)
    return render(request, "accounts/two_factor_verify.html", {"form": form})


# --- Password reset (by email) and change ---------------------------------------------------------


@access(AccessRule.PUBLIC)
class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"service_name": settings.PORTAL_SERVICE_NAME}

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        subject = User.objects.filter(email__iexact=email).first()
        services.security_event_record(
            kind=SecurityEventKind.PASSWORD_RESET_REQUESTED,
            request=self.request,
            actor_email=email,
            subject=subject,
            detail="" if subject else "No account with this address; no email sent",
        )
        return super().form_valid(form)


@access(AccessRule.PUBLIC)
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@access(AccessRule.PUBLIC)
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        from axes.utils import reset as axes_reset

        # A reset proves control of the mailbox: lift a sign-in lock-out for this address.
        axes_reset(username=form.user.email)
        services.security_event_record(
            kind=SecurityEventKind.PASSWORD_RESET_COMPLETED,
            request=self.request,
            actor=form.user,
            subject=form.user,
        )
        return response


@access(AccessRule.PUBLIC)
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@access(AccessRule.SIGNED_IN)
class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        services.security_event_record(
            kind=SecurityEventKind.PASSWORD_CHANGED,
            request=self.request,
            actor=form.user,
            subject=form.user,
        )
        messages.success(self.request, "Your password has been changed.")
        return response
