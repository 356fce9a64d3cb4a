"""National admin pages: authorities, areas, area leads, users, invitations to any role, and the
security event log. Every view is `AccessRule.NATIONAL_ADMIN` (anyone else gets 404)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import (
    AddAreaAssignmentForm,
    AddAreaLeadForm,
    AddMembershipForm,
    AreaForm,
    AuthorityForm,
    AuthoritySearchForm,
    NationalInviteForm,
    SecurityEventFilterForm,
    UserSearchForm,
)
from accounts.models import Area, Authority, Invitation, SecurityEvent, User
from core.access import AccessRule, access

from .people import PeopleScope, people_context

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """A page of results and the links the GOV.UK pagination component needs (filters kept)."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    prefix = f"?{base}&page=" if base else "?page="
    numbers = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        numbers.append(
            {"number": number, "url": f"{prefix}{number}", "current": number == page.number}
            if isinstance(number, int)
            else {"ellipsis": True}
        )
    return {
        "page_obj": page,
        "pages": numbers if paginator.num_pages > 1 else [],
        "previous_url": f"{prefix}{page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"{prefix}{page.next_page_number()}" if page.has_next() else "",
    }


@access(AccessRule.NATIONAL_ADMIN)
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/national/index.html",
        {
            "authority_count": Authority.objects.count(),
            "area_count": Area.objects.count(),
            "user_count": User.objects.count(),
            "event_count": SecurityEvent.objects.count(),
        },
    )


# --- Authorities --------------------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
def authorities(request: HttpRequest) -> HttpResponse:
    form = AuthoritySearchForm(request.GET or None)
    queryset = selectors.authority_search(
        search=form.value("q"),
        kind=form.value("kind"),
        region=form.value("region"),
        area=form.value("area"),
    )
    return render(
        request,
        "accounts/national/authorities.html",
        {"form": form, **paginate(request, queryset)},
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def authority_add(request: HttpRequest) -> HttpResponse:
    form = AuthorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        authority = services.authority_create(
            actor=request.user,  # type: ignore[arg-type]
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, f"{authority.name} has been added.")
        return redirect("accounts:national_authority", pk=authority.pk)
    return render(
        request, "accounts/national/authority_form.html", {"form": form, "authority": None}
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def authority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    authority = selectors.authority_for_admin(pk=pk)
    form = AuthorityForm(request.POST or None, instance=Authority.objects.get(pk=authority.pk))
    if request.method == "POST" and form.is_valid():
        services.authority_update(
            authority=authority,
            actor=request.user,  # type: ignore[arg-type]
            request=request,
            **form.cleaned_data,
        )
        messages.success(request, f"{authority.name} has been saved.")
        return redirect("accounts:national_authority", pk=authority.pk)
    return render(
        request, "accounts/national/authority_form.html", {"form": form, "authority": authority}
    )


@access(AccessRule.NATIONAL_ADMIN)
def authority_detail(request: HttpRequest, pk: int) -> HttpResponse:
    authority = selectors.authority_for_admin(pk=pk)
    scope = PeopleScope(authority=authority, national=True)
    return render(request, "accounts/national/authority.html", people_context(request, scope))


# --- Areas --------------------------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
def areas(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/national/areas.html", paginate(request, selectors.area_list()))


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def area_add(request: HttpRequest) -> HttpResponse:
    return _area_form(request, None)


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_form(request, selectors.area_for_admin(pk=pk))


def _area_form(request: HttpRequest, area: Area | None) -> HttpResponse:
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        saved = services.area_save(
            actor=request.user,  # type: ignore[arg-type]
            area=area,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            authorities=form.cleaned_data["authorities"],
            request=request,
        )
        messages.success(request, f"{saved.name} has been saved.")
        return redirect("accounts:national_area", pk=saved.pk)
    return render(request, "accounts/national/area_form.html", {"form": form, "area": area})


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An area's authorities and leads. POST adds a lead (by email) or removes one (the assignment
    id is read through the area, so another area's id is a 404)."""
    area = selectors.area_for_admin(pk=pk)
    add_form = AddAreaLeadForm(request.POST if request.POST.get("action") == "add_lead" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "remove_lead":
            assignment = selectors.area_assignment_get(
                area=area, pk=_int(request.POST.get("assignment"))
            )
            services.area_assignment_remove(
                actor=request.user,  # type: ignore[arg-type]
                assignment=assignment,
                request=request,
            )
            messages.success(request, f"{assignment.user} is no longer an area lead for {area}.")
            return redirect("accounts:national_area", pk=area.pk)
        if action == "add_lead" and add_form.is_valid():
            try:
                services.area_assignment_add(
                    actor=request.user,  # type: ignore[arg-type]
                    user=add_form.user,
                    area=area,
                    request=request,
                )
            except ValidationError as error:
                add_form.add_error("email", error)
            else:
                messages.success(request, f"{add_form.user} is now an area lead for {area}.")
                return redirect("accounts:national_area", pk=area.pk)
    return render(
        request,
        "accounts/national/area.html",
        {
            "area": area,
            "authorities": area.authorities.annotate(member_count=Count("memberships")).order_by(
                "name"
            ),
            "assignments": selectors.area_assignments_for_area(area=area),
            "form": add_form,
        },
        status=400 if add_form.is_bound and add_form.errors else 200,
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- Users --------------------------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
def users(request: HttpRequest) -> HttpResponse:
    form = UserSearchForm(request.GET or None)
    queryset = selectors.user_search(search=form.value("q"), role=form.value("role"))
    return render(
        request, "accounts/national/users.html", {"form": form, **paginate(request, queryset)}
    )


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One user: memberships, areas, national admin role, account status and two-factor reset.
    Each change is a POST naming its `action`."""
    subject = selectors.user_for_admin(pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    membership_form = AddMembershipForm(request.POST if action == "add_membership" else None)
    area_form = AddAreaAssignmentForm(request.POST if action == "add_area" else None)
    actor = request.user
    if request.method == "POST":
        try:
            done = _user_action(request, action, subject, membership_form, area_form)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:national_user", pk=subject.pk)
        except PermissionDenied:
            messages.error(request, "You cannot make that change.")
            return redirect("accounts:national_user", pk=subject.pk)
        if done:
            messages.success(request, done)
            return redirect("accounts:national_user", pk=subject.pk)
    return render(
        request,
        "accounts/national/user.html",
        {
            "subject": subject,
            "membership_form": membership_form,
            "area_form": area_form,
            "device": services.two_factor_device(subject),
            "is_me": subject.pk == actor.pk,
            "invitations": Invitation.objects.filter(email__iexact=subject.email)
            .select_related("authority", "area")
            .order_by("-created_at")[:10],
        },
        status=400 if (membership_form.errors or area_form.errors) else 200,
    )


def _user_action(request, action, subject, membership_form, area_form) -> str:
    actor = request.user
    if action == "add_membership":
        if not membership_form.is_valid():
            return ""
        services.membership_add(
            actor=actor,
            user=subject,
            authority=membership_form.cleaned_data["authority"],
            role=membership_form.cleaned_data["role"],
            request=request,
        )
        return f"{subject} has been added to {membership_form.cleaned_data['authority']}."
    if action == "add_area":
        if not area_form.is_valid():
            return ""
        services.area_assignment_add(
            actor=actor, user=subject, area=area_form.cleaned_data["area"], request=request
        )
        return f"{subject} is now an area lead for {area_form.cleaned_data['area']}."
    if action == "remove_area":
        assignment = selectors.area_assignment_get_for_user(
            user=subject, pk=_int(request.POST.get("assignment"))
        )
        services.area_assignment_remove(actor=actor, assignment=assignment, request=request)
        return f"{subject} is no longer an area lead for {assignment.area}."
    if action in ("grant_national_admin", "revoke_national_admin"):
        value = action == "grant_national_admin"
        services.user_set_national_admin(actor=actor, user=subject, value=value, request=request)
        return f"{subject} is {'now' if value else 'no longer'} a national admin."
    if action in ("activate", "deactivate"):
        value = action == "activate"
        services.user_set_active(actor=actor, user=subject, active=value, request=request)
        return f"{subject}'s account has been switched {'on' if value else 'off'}."
    if action == "reset_two_factor":
        services.two_factor_disable(actor=actor, user=subject, request=request)
        return f"Two-factor authentication for {subject} has been reset."
    raise ValidationError("Choose an action from the page.")


# --- Invitations to any role ---------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = NationalInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invitation_create(
                inviter=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                authority=form.cleaned_data.get("authority"),
                area=form.cleaned_data.get("area"),
                request=request,
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display()}.",
            )
            return redirect("accounts:national_index")
    return render(request, "accounts/national/invite.html", {"form": form})


# --- Security events -----------------------------------------------------------------------------


@access(AccessRule.NATIONAL_ADMIN)
def security_events(request: HttpRequest) -> HttpResponse:
    form = SecurityEventFilterForm(request.GET or None)
    queryset = selectors.security_event_search(
        kind=form.value("kind"), search=form.value("q"), authority=form.value("authority")
    )
    return render(
        request,
        "accounts/national/security_events.html",
        {"form": form, **paginate(request, queryset, per_page=50)},
    )
