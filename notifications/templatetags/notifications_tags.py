from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many unread notifications the signed-in user has (one query per page)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_count(recipient=user) if user is not None else 0
