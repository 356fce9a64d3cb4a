from django import template

from evidence.selectors import evidence_for_answer

register = template.Library()


@register.simple_tag
def evidence_items(answer):
    """The answer's current evidence items (one query), for the evidence section."""
    return evidence_for_answer(answer=answer)
