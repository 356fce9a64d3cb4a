"""Accepting an invitation: a new account sets its name and password; an existing account signs in
and accepts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import InvitationAcceptForm
from accounts.models import InvitationStatus, User
from core.access import AccessRule, access

PROBLEM_PAGES = {
    InvitationStatus.ACCEPTED: (
        "This invitation has already been used",
        "Each invitation link works once. If you created your account with it, sign in.",
    ),
    InvitationStatus.REVOKED: (
        "This invitation has been cancelled",
        "The person who invited you cancelled it, or sent a newer one. "
        "Use the link in the newest email, or ask them to invite you again.",
    ),
    InvitationStatus.EXPIRED: (
        "This invitation has expired",
        "Invitation links work for a limited time. "
        "Ask the person who invited you to send a new one.",
    ),
}


@access(AccessRule.PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        raise Http404
    status = invitation.status
    if status != InvitationStatus.PENDING:
        title, body = PROBLEM_PAGES[status]
        return render(
            request,
            "accounts/invitation_problem.html",
            {"title": title, "body": body, "invitation": invitation},
            status=410,
        )
    existing = User.objects.filter(email__iexact=invitation.email).first()
    context = {"invitation": invitation, "existing": existing}
    if existing is not None:
        return _accept_existing(request, invitation, existing, context)

    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept_new_user(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Your account has been created. Sign in with your email address and new password.",
            )
            return redirect("accounts:login")
    return render(request, "accounts/invitation_accept.html", context)


def _accept_existing(request, invitation, existing, context) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        context["sign_in_url"] = f"{reverse('accounts:login')}?next={request.path}"
        return render(request, "accounts/invitation_sign_in.html", context)
    if not user.is_verified() and services.two_factor_device(user) is not None:
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
    if user.pk != existing.pk:
        context["wrong_user"] = True
        return render(request, "accounts/invitation_sign_in.html", context, status=403)
    if request.method == "POST":
        try:
            services.invitation_accept_existing_user(
                invitation=invitation, user=user, request=request
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [])) or "Not allowed.")
            return redirect("accounts:dashboard")
        messages.success(request, f"You now have the role {invitation.get_role_display()}.")
        return redirect("accounts:acting_for")
    return render(request, "accounts/invitation_confirm.html", context)
