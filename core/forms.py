from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(
    form: forms.Form, error: ValidationError, *, default_field: str | None = None
) -> None:
    """Show a service's refusal on the form, so it reaches the GOV.UK error summary: on the field it
    names when the form has one, else on `default_field` (None: the form as a whole)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else default_field
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(default_field, message)
