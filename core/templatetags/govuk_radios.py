"""GOV.UK radios for a bound choice field, built in Python: a dimension page has one group per
statement, and this is several times quicker than a template per group.

    {% load govuk_radios %}
    {% govuk_radios form.level legend_class="govuk-fieldset__legend--m" %}
    {% govuk_radios field small=True %}

Options: legend_class (default govuk-fieldset__legend--s), legend_prefix (visually hidden text
before the legend), small, inline, disabled. The first radio carries the field's id, so that the
error summary's link reaches it; the others add -2, -3, ...
"""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def govuk_radios(
    field: forms.BoundField,
    *,
    legend_class: str = "govuk-fieldset__legend--s",
    legend_prefix: str = "",
    small: bool = False,
    inline: bool = False,
    disabled: bool = False,
) -> SafeString:
    field_id = field.auto_id
    errors = field.errors
    described_by = []
    hint = error = ""
    if field.help_text:
        described_by.append(f"{field_id}-hint")
        hint = format_html(
            '<div id="{}-hint" class="govuk-hint">{}</div>', field_id, field.help_text
        )
    if errors:
        described_by.append(f"{field_id}-error")
        error = format_html(
            '<p id="{}-error" class="govuk-error-message">{}</p>',
            field_id,
            format_html_join(
                mark_safe("<br>"),
                '<span class="govuk-visually-hidden">Error:</span> {}',
                ((message,) for message in errors),
            ),
        )
    current = str(field.value())
    name = field.html_name
    rows = []
    for number, (value, label) in enumerate(field.field.choices, start=1):
        option_id = field_id if number == 1 else f"{field_id}-{number}"
        checked = mark_safe(" checked") if str(value) == current else ""
        rows.append((option_id, name, value, checked, option_id, label))
    options = format_html_join(
        "\n",
        '<div class="govuk-radios__item">'
        '<input class="govuk-radios__input" id="{}" name="{}" type="radio" value="{}"{}'
        + (" disabled" if disabled else "")
        + '><label class="govuk-label govuk-radios__label" for="{}">{}</label>'
        "</div>",
        rows,
    )
    radios_class = "govuk-radios"
    if small:
        radios_class += " govuk-radios--small"
    if inline:
        radios_class += " govuk-radios--inline"
    prefix = (
        format_html('<span class="govuk-visually-hidden">{} </span>', legend_prefix)
        if legend_prefix
        else ""
    )
    return format_html(
        '<div class="govuk-form-group{}">'
        '<fieldset class="govuk-fieldset"{}>'
        '<legend class="govuk-fieldset__legend {}">{}{}</legend>'
        "{}{}"
        '<div class="{}" data-module="govuk-radios">\n{}\n</div>'
        "</fieldset></div>",
        " govuk-form-group--error" if errors else "",
        format_html(' aria-describedby="{}"', " ".join(described_by)) if described_by else "",
        legend_class or "govuk-fieldset__legend--s",
        prefix,
        field.label,
        hint,
        error,
        radios_class,
        options,
    )
