"""Where an error-summary link should take the user for a field: the field itself, or for radios
and checkboxes rendered by crispy-forms-gds (whose inputs are id_<name>_1, id_<name>_2, ...) the
first option, as the GOV.UK error summary pattern asks."""

from django import forms, template

register = template.Library()

_OPTION_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def error_anchor(field_id: str, bound_field: forms.BoundField) -> str:
    """The id an error-summary link points at for `field_id` (one of the ids crispy-forms-gds's
    `field_errors` gives for this field)."""
    if field_id == bound_field.auto_id and isinstance(bound_field.field.widget, _OPTION_WIDGETS):
        return f"id_{bound_field.html_name}_1"
    return field_id
