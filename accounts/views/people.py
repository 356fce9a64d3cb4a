"""Managing an authority's people: list, invite, change role, remove, cancel an invitation.

The same views serve two doors:
- an authority lead, for the authority they act for (``request.acting_for.authority``), under
  ``/accounts/people/``;
- a national admin, for any authority named in the URL, under
  ``/accounts/national/authorities/<authority_pk>/``.
Either way every membership and invitation is read through a selector that takes the authority, so
another authority's id gives 404.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import permissions, selectors, services
from accounts.forms import ChangeRoleForm, InviteForm
from accounts.models import Authority
from core.access import AccessRule, access


@dataclass(frozen=True)
class PeopleScope:
    """Which authority, and through which door, the people pages are used."""

    authority: Authority
    national: bool

    def url(self, name: str, **kwargs: int) -> str:
        if self.national:
            return reverse(
                f"accounts:national_{name}", kwargs={"authority_pk": self.authority.pk, **kwargs}
            )
        return reverse(f"accounts:{name}", kwargs=kwargs)

    @property
    def list_url(self) -> str:
        if self.national:
            return reverse("accounts:national_authority", kwargs={"pk": self.authority.pk})
        return reverse("accounts:people")


def _lead_scope(request: HttpRequest) -> PeopleScope:
    authority = request.acting_for.authority  # type: ignore[attr-defined]
    if not permissions.can_manage_people(request.user, authority):
        raise Http404
    return PeopleScope(authority=authority, national=False)


def _national_scope(request: HttpRequest, authority_pk: int) -> PeopleScope:
    authority = selectors.authority_for_admin(pk=authority_pk)
    if not permissions.can_manage_people(request.user, authority):
        raise Http404
    return PeopleScope(authority=authority, national=True)


def people_context(request: HttpRequest, scope: PeopleScope) -> dict:
    memberships = selectors.memberships_for_authority(authority=scope.authority)
    invitations = selectors.invitations_pending_for_authority(authority=scope.authority)
    return {
        "scope": scope,
        "authority": scope.authority,
        "rows": [
            {
                "membership": m,
                "change_url": scope.url("people_change_role", pk=m.pk),
                "remove_url": f"{scope.url('people_remove')}?membership={m.pk}",
                "is_me": m.user_id == request.user.pk,
            }
            for m in memberships
        ],
        "invitations": [
            {"invitation": i, "cancel_url": scope.url("people_invitation_cancel", pk=i.pk)}
            for i in invitations
        ],
        "invite_url": scope.url("people_invite"),
    }


# --- Lead door ----------------------------------------------------------------------------------


@access(AccessRule.AUTHORITY)
def people(request: HttpRequest) -> HttpResponse:
    scope = _lead_scope(request)
    return render(request, "accounts/people.html", people_context(request, scope))


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def people_invite(request: HttpRequest) -> HttpResponse:
    return _invite(request, _lead_scope(request))


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def people_change_role(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_role(request, _lead_scope(request), pk)


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def people_remove(request: HttpRequest) -> HttpResponse:
    return _remove(request, _lead_scope(request))


@access(AccessRule.AUTHORITY)
@require_http_methods(["GET", "POST"])
def people_invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _cancel_invitation(request, _lead_scope(request), pk)


# --- National admin door ------------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def national_people_invite(request: HttpRequest, authority_pk: int) -> HttpResponse:
    return _invite(request, _national_scope(request, authority_pk))


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def national_people_change_role(request: HttpRequest, authority_pk: int, pk: int) -> HttpResponse:
    return _change_role(request, _national_scope(request, authority_pk), pk)


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def national_people_remove(request: HttpRequest, authority_pk: int) -> HttpResponse:
    return _remove(request, _national_scope(request, authority_pk))


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def national_people_invitation_cancel(
    request: HttpRequest, authority_pk: int, pk: int
) -> HttpResponse:
    return _cancel_invitation(request, _national_scope(request, authority_pk), pk)


# --- Shared --------------------------------------------------------------------------------------


def _invite(request: HttpRequest, scope: PeopleScope) -> HttpResponse:
    roles = permissions.grantable_roles(request.user, scope.authority)
    form = InviteForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_create(
                inviter=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                authority=scope.authority,
                request=request,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works for "
                f"{(invitation.expires_at - invitation.created_at).days} days.",
            )
            return redirect(scope.list_url)
    return render(
        request, "accounts/people_invite.html", {"form": form, "scope": scope, **_back(scope)}
    )


def _change_role(request: HttpRequest, scope: PeopleScope, pk: int) -> HttpResponse:
    membership = selectors.membership_get(authority=scope.authority, pk=pk)
    roles = permissions.grantable_roles(request.user, scope.authority)
    form = ChangeRoleForm(
        request.POST or None,
        roles=roles,
        legend=f"Change the role of {membership.user}",
        initial={"role": membership.role},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                role=form.cleaned_data["role"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("role", error)
        else:
            messages.success(request, f"The role of {membership.user} has been changed.")
            if not scope.national and not permissions.can_manage_people(
                request.user, scope.authority
            ):
                return redirect("accounts:dashboard")
            return redirect(scope.list_url)
    return render(
        request,
        "accounts/people_change_role.html",
        {"form": form, "membership": membership, "scope": scope, **_back(scope)},
    )


def _remove(request: HttpRequest, scope: PeopleScope) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    membership = selectors.membership_get(authority=scope.authority, pk=source.get("membership"))
    problem = ""
    if request.method == "POST":
        try:
            services.membership_remove(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                request=request,
            )
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"{membership.user} has been removed from {scope.authority}.")
            if membership.user_id == request.user.pk and not scope.national:
                return redirect("accounts:dashboard")
            return redirect(scope.list_url)
    return render(
        request,
        "accounts/people_remove.html",
        {
            "membership": membership,
            "scope": scope,
            "problem": problem,
            "action_url": scope.url("people_remove"),
            **_back(scope),
        },
        status=400 if problem else 200,
    )


def _cancel_invitation(request: HttpRequest, scope: PeopleScope, pk: int) -> HttpResponse:
    invitation = selectors.invitation_pending_get(authority=scope.authority, pk=pk)
    if request.method == "POST":
        services.invitation_revoke(
            actor=request.user,  # type: ignore[arg-type]
            invitation=invitation,
            request=request,
        )
        messages.success(request, f"The invitation for {invitation.email} has been cancelled.")
        return redirect(scope.list_url)
    return render(
        request,
        "accounts/people_invitation_cancel.html",
        {"invitation": invitation, "scope": scope, **_back(scope)},
    )


def _back(scope: PeopleScope) -> dict:
    return {"back_url": scope.list_url}
