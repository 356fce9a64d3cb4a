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


# The range of the database's integer ids (PostgreSQL bigint; SQLite's INTEGER).
_ID_RANGE = range(-(2**63), 2**63)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an id outside the database's integer range as not one of the choices
    before it reaches the query: SQLite raises OverflowError for one in `id IN (...)`. (Django's
    single-choice field is already safe: its exact lookup treats such an id as matching nothing.)"""

    def _check_values(self, value):  # noqa: ANN001, ANN202 - Django's signature
        if self.to_field_name is None:
            for pk in value:
                try:
                    number = int(pk)
                except (TypeError, ValueError):
                    continue  # Django's own check names it
                if number not in _ID_RANGE:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": pk},
                    )
        return super()._check_values(value)
