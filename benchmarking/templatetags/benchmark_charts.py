from django import template

from benchmarking.charts import distribution_svg

register = template.Library()


@register.simple_tag
def distribution_chart(distribution, chart_id, title, own_level=None):
    """The SVG bar chart of a published distribution (nothing for a suppressed one)."""
    if distribution is None:
        return ""
    return distribution_svg(
        chart_id=chart_id,
        title=title,
        counts=distribution.counts,
        median=distribution.median,
        own_level=own_level,
    )


@register.filter
def heat_class(level):
    return f"portal-heat portal-heat--{level}" if level else "portal-heat portal-heat--none"
