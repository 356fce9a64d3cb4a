"""The signed-in user's own pages: where they land, what they act for, their account and
two-factor authentication."""

import base64

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from accounts import permissions, selectors, services, tenancy
from accounts.forms import ActingForForm, PasswordConfirmForm, TwoFactorCodeForm
from accounts.middleware import two_factor_exempt
from core.access import AccessRule, access

from .auth import safe_next

RECOVERY_CODES_SESSION_KEY = "portal_recovery_codes_to_show"


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET", "POST"])
def acting_for(request: HttpRequest) -> HttpResponse:
    """Choose the authority or area to act for. Only the user's own options are offered or
    accepted; anything else is a form error and changes nothing."""
    options = list(request.acting_for_options)  # type: ignore[attr-defined]
    current = request.acting_for  # type: ignore[attr-defined]
    form = ActingForForm(
        request.POST or None,
        options=options,
        initial={"acting_for": current.key if current else None},
    )
    if request.method == "POST" and form.is_valid():
        chosen = tenancy.choose(request, form.cleaned_data["acting_for"], options)
        if chosen is not None:
            messages.success(request, f"You are now working for {chosen.name}.")
            return redirect(safe_next(request, request.GET.get("next")))
    return render(request, "accounts/acting_for.html", {"form": form, "options": options})


@access(AccessRule.SIGNED_IN)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where signed-in users land: what they act for and what they can do there."""
    acting = request.acting_for  # type: ignore[attr-defined]
    options = request.acting_for_options  # type: ignore[attr-defined]
    if not acting:
        if len(options) > 1:
            return redirect(
                f"{reverse('accounts:acting_for')}?next={reverse('accounts:dashboard')}"
            )
        return render(request, "accounts/dashboard_no_access.html")
    user = request.user
    context = {
        "acting": acting,
        "switchable": len(options) > 1,
        "can_manage_people": permissions.can_manage_people(user, acting.authority),
    }
    if acting.area is not None:
        context["area_authorities"] = selectors.authorities_in_area(area=acting.area)
    return render(request, "accounts/dashboard.html", context)


@access(AccessRule.AREA)
def area_authorities(request: HttpRequest) -> HttpResponse:
    """An area lead's authorities, with their leads to contact."""
    area = request.acting_for.area  # type: ignore[attr-defined]
    if area is None:  # a national admin acting for the whole service
        return redirect("accounts:national_authorities")
    if not permissions.can_review_area(request.user, area):
        raise Http404
    return render(
        request,
        "accounts/area_authorities.html",
        {"area": area, "authorities": selectors.authorities_in_area(area=area)},
    )


@access(AccessRule.SIGNED_IN)
@two_factor_exempt
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "options": request.acting_for_options,  # type: ignore[attr-defined]
            "device": services.two_factor_device(user),  # type: ignore[arg-type]
            "two_factor_required": permissions.two_factor_required(user),
        },
    )


def qr_code_svg(data: str) -> SafeString:
    """The QR code as inline SVG (no data: URL, no inline style), labelled for screen readers."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=4)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace(
        "<svg ",
        '<svg class="portal-qr-code" role="img" aria-label="QR code for your authenticator app" '
        'focusable="false" ',
        1,
    )
    return mark_safe(svg)  # noqa: S308 - generated here from our own data, no user markup


@access(AccessRule.SIGNED_IN)
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the QR code or type the key, then prove it
    with a code. Recovery codes are shown once afterwards."""
    user = request.user
    existing = services.two_factor_device(user)  # type: ignore[arg-type]
    if existing is not None and not user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:two_factor_verify")
    device = services.two_factor_setup_begin(user=user)  # type: ignore[arg-type]
    form = TwoFactorCodeForm(request.POST or None, allow_recovery=False)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_setup_confirm(
                user=user,  # type: ignore[arg-type]
                device=device,
                token=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            from django_otp import login as otp_login

            device.refresh_from_db()
            otp_login(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            request.session["portal_after_setup"] = safe_next(request, request.GET.get("next"))
            return redirect("accounts:recovery_codes")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_code_svg(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "replacing": existing is not None,
            "required": permissions.two_factor_required(user),
        },
    )


@access(AccessRule.SIGNED_IN)
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes exactly once; a POST (with the password) makes a new set."""
    user = request.user
    if services.two_factor_device(user) is None:  # type: ignore[arg-type]
        return redirect("accounts:two_factor_setup")
    if not user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:two_factor_verify")
    form = PasswordConfirmForm(request.POST or None, user=user, submit="Make new recovery codes")
    if request.method == "POST" and form.is_valid():
        codes = services.recovery_codes_regenerate(user=user, request=request)  # type: ignore[arg-type]
        request.session[RECOVERY_CODES_SESSION_KEY] = codes
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    after = request.session.pop("portal_after_setup", None) if codes else None
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "form": form,
            "continue_url": after or reverse("accounts:account"),
        },
    )


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET", "POST"])
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = request.user
    if services.two_factor_device(user) is None:  # type: ignore[arg-type]
        return redirect("accounts:account")
    form = PasswordConfirmForm(
        request.POST or None, user=user, submit="Remove two-factor authentication"
    )
    required = permissions.two_factor_required(user)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_disable(actor=user, user=user, request=request)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Two-factor authentication has been removed.")
            return redirect("accounts:account")
    return render(request, "accounts/two_factor_remove.html", {"form": form, "required": required})
