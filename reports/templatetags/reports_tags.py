"""The report links on the results page and the area dashboard (their views do not load
reports): one query per tag."""

from django import template

from accounts import permissions
from reports.selectors import latest_area_report, latest_report_for_assessment

register = template.Library()


@register.simple_tag(takes_context=True)
def assessment_report(context, assessment):
    """{"report": the latest report of the assessment or None, "can_request": bool}."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "report": latest_report_for_assessment(assessment=assessment),
        "can_request": permissions.can_request_report(user, assessment.authority),
    }


@register.simple_tag(takes_context=True)
def area_report(context, area, round):  # noqa: A002
    request = context.get("request")
    user = getattr(request, "user", None)
    if area is None or round is None or not permissions.can_review_area(user, area):
        return None
    return {"report": latest_area_report(area=area, round=round), "area": area, "round": round}
