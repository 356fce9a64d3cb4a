"""Portal pages (HTML, GOV.UK patterns) where a signed-in person manages their own personal API
tokens: list, create (the token is shown once, in the answer to the form, and never stored),
revoke. Another person's token is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods

from core.access import AccessRule, access
from core.forms import add_service_errors

from . import selectors, services
from .forms import TokenCreateForm


def _acting_for_context(request: HttpRequest) -> dict:
    acting_for = request.acting_for  # type: ignore[attr-defined]
    options = request.acting_for_options  # type: ignore[attr-defined]
    return {
        "acting_for": acting_for,
        "must_choose": not acting_for and len(options) > 1,
    }


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET"])
def token_list(request: HttpRequest) -> HttpResponse:
    names = {o.key: o for o in request.acting_for_options}  # type: ignore[attr-defined]
    tokens = list(selectors.api_token_list(user=request.user))
    for token in tokens:
        token.acting_for_option = names.get(token.acting_for_key)
    return render(request, "api/token_list.html", {"tokens": tokens})


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    context = _acting_for_context(request)
    form = TokenCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not context["must_choose"] and form.is_valid():
        try:
            token, secret = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.expires_in_days(),
                acting_for_key=context["acting_for"].key,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Shown in this answer only: never stored, never in a session, never cached.
            response = render(
                request, "api/token_created.html", {"token": token, "secret": secret, **context}
            )
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
            return response
    return render(request, "api/token_create.html", {"form": form, **context})


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    if not token.is_usable:
        messages.info(request, f"The token ‘{token.name}’ already no longer works.")
        return redirect("api:token_list")
    if request.method == "POST":
        services.api_token_revoke(token=token)
        messages.success(request, f"The token ‘{token.name}’ has been revoked. It no longer works.")
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"token": token})
