"""Review data for the authority's own pages (results, task list), which their views do not
load: one query per tag."""

from django import template

from reviews.selectors import moderation_reasons, review_comments

register = template.Library()


@register.simple_tag
def reviewer_comments(assessment):
    return review_comments(assessment=assessment)


@register.simple_tag
def moderations_by_dimension(assessment):
    return moderation_reasons(assessment=assessment)


@register.filter
def level_gap(moderated, confirmed) -> str:
    """The gap from the self-assessed to the moderated level, signed ("+1", "−2"), or "" if the
    level was not moderated."""
    if moderated is None or confirmed is None:
        return ""
    gap = int(moderated) - int(confirmed)
    if gap == 0:
        return "0"
    return f"+{gap}" if gap > 0 else f"\u2212{-gap}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
