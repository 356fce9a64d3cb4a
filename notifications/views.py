"""The signed-in user's own notifications. Every query filters by the recipient, so another
person's notification is a 404."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core.access import AccessRule, access

from . import selectors, services


@access(AccessRule.SIGNED_IN)
@require_http_methods(["GET"])
def notification_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.notifications_for(recipient=request.user), 25)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.unread_count(recipient=request.user)},
    )


@access(AccessRule.SIGNED_IN)
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read and go to what it is about."""
    if not services.notification_mark_read(recipient=request.user, pk=pk):
        raise Http404
    notification = selectors.notifications_for(recipient=request.user).get(pk=pk)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@access(AccessRule.SIGNED_IN)
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.notification_mark_read(recipient=request.user, pk=pk):
        raise Http404
    return redirect("notifications:list")


@access(AccessRule.SIGNED_IN)
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(recipient=request.user)
    return redirect("notifications:list")
