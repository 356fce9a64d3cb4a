from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from .models import ChecklistStatus, Round
from .scoring import LEVELS, Rating
from .services import TEXT_MAX

if TYPE_CHECKING:
    from frameworks.models import ChecklistItem, Level, Statement

CONTINUE, LATER = "continue", "later"


class SaveActionMixin(forms.Form):
    """The two buttons of a question page: "Save and continue" and "Save and come back later"."""

    action = forms.ChoiceField(
        choices=[(CONTINUE, "Save and continue"), (LATER, "Save and come back later")],
        required=False,
        widget=forms.HiddenInput,
    )

    @property
    def continuing(self) -> bool:
        return self.cleaned_data.get("action", CONTINUE) != LATER


def statement_field_name(statement: Statement) -> str:
    return f"statement_{statement.pk}"


class DimensionRatingsForm(SaveActionMixin):
    """One radio group per statement. "Save and come back later" keeps a partial answer; "Save and
    continue" needs every statement rated, since the suggested level depends on all of them."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    notes = forms.CharField(
        label="Notes (optional)",
        help_text="Anything the reviewer should know about how you answered. Do not include "
        "personal data about individual families.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"Notes must be {TEXT_MAX:,} characters or fewer"},
    )

    def __init__(self, *args: Any, statements: list[Statement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements
        position: dict[int, int] = {}
        for statement in statements:
            number = position[statement.level_id] = position.get(statement.level_id, 0) + 1
            self.fields[statement_field_name(statement)] = forms.ChoiceField(
                label=statement.text,
                choices=Rating.choices(),
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": (
                        f"Select how far {statement.level.name} statement {number} describes "
                        "your authority"
                    )
                },
            )
            self.fields[
                statement_field_name(statement)
            ].short_name = f"{statement.level.name} statement {number}"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.continuing:
            for statement in self.statements:
                name = statement_field_name(statement)
                if name in cleaned and not cleaned[name]:
                    self.add_error(
                        name,
                        f"Select how far {self.fields[name].short_name} describes your authority",
                    )
        return cleaned

    def ratings(self) -> dict[int, str]:
        return {
            statement.pk: self.cleaned_data[statement_field_name(statement)]
            for statement in self.statements
            if self.cleaned_data.get(statement_field_name(statement))
        }

    def statements_by_level(self) -> list[tuple[Level, list[forms.BoundField]]]:
        groups: dict[int, tuple[Level, list[forms.BoundField]]] = {}
        for statement in self.statements:
            level, fields = groups.setdefault(statement.level_id, (statement.level, []))
            fields.append(self[statement_field_name(statement)])
        return list(groups.values())


class DimensionLevelForm(SaveActionMixin):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    level = forms.TypedChoiceField(
        label="Which level describes your authority for this dimension?",
        coerce=int,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the level that describes your authority",
            "invalid_choice": "Select a level from 1 to 4",
        },
    )
    justification = forms.CharField(
        label="Why does this level differ from the suggested level?",
        help_text="Needed only if you choose a level other than the suggested one.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": f"The justification must be {TEXT_MAX:,} characters or fewer"
        },
    )

    def __init__(self, *args: Any, levels: list[Level], suggested: int | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (
                level.order,
                f"{level.order} {level.name}"
                + (" (suggested)" if level.order == suggested else ""),
            )
            for level in levels
            if level.order in LEVELS
        ]


class ChecklistForm(SaveActionMixin):
    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            self.fields[f"status_{item.pk}"] = forms.ChoiceField(
                label=f"{number}. {item.text}",
                choices=ChecklistStatus.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Select an answer for checklist item {number}"},
            )
            self.fields[f"status_{item.pk}"].number = number
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=f"Note on item {number} (optional)",
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={
                    "max_length": f"The note on item {number} must be {TEXT_MAX:,} characters "
                    "or fewer"
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.continuing:
            for item in self.items:
                name = f"status_{item.pk}"
                if name in cleaned and not cleaned[name]:
                    self.add_error(
                        name,
                        f"Select whether checklist item {self.fields[name].number} is in place",
                    )
        return cleaned

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data.get(f"status_{item.pk}") or "",
                self.cleaned_data.get(f"note_{item.pk}") or "",
            )
            for item in self.items
        }

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"status_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]


class AssignForm(forms.Form):
    def __init__(self, *args: Any, rows: list[Any], people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", "Nobody")] + [(str(p.pk), str(p)) for p in people]
        for row in rows:
            self.fields[f"assignee_{row.answer.pk}"] = forms.ChoiceField(
                label=row.name,
                choices=choices,
                required=False,
                initial=str(row.answer.assigned_to_id or ""),
                error_messages={
                    "invalid_choice": f"Choose someone from the list for {row.name}",
                },
            )


class DateField(DateInputField):
    """GOV.UK date input (day, month, year) with messages that name the date."""

    def __init__(self, *, messages: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages.update(messages)

    def compress(self, data_list: Any) -> Any:
        # The library turns only ValueError into a message; a number too large for a date
        # (OverflowError) would escape as a 500. Either way, say which date is wrong.
        try:
            return super().compress(data_list)
        except (ValidationError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class RoundForm(forms.Form):
    name = forms.CharField(
        label="Round name",
        help_text="For example, 2026 to 2027",
        max_length=60,
        error_messages={"required": "Enter a name for the round"},
    )
    framework_version = forms.ModelChoiceField(
        label="Version of the model",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the version of the model",
            "invalid_choice": "Choose a published version of the model",
        },
    )
    opens_on = DateField(
        label="Opens on",
        help_text="For example, 1 4 2026",
        require_all_fields=False,
        messages={
            "required": "Enter the date the round opens",
            "invalid": "Enter the opening date as a real date",
            "incomplete": "Enter the opening date as a day, month and year",
        },
    )
    closes_on = DateField(
        label="Closes on",
        help_text="For example, 31 3 2027",
        require_all_fields=False,
        messages={
            "required": "Enter the date the round closes",
            "invalid": "Enter the closing date as a real date",
            "incomplete": "Enter the closing date as a day, month and year",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from frameworks.models import FrameworkVersion

        super().__init__(*args, **kwargs)
        self.fields["framework_version"].queryset = FrameworkVersion.objects.filter(
            status=FrameworkVersion.Status.PUBLISHED
        ).order_by("-published_on", "-id")
        self.fields["framework_version"].label_from_instance = lambda v: f"{v.title} {v.version}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.ONE_THIRD),
            Field.radios("framework_version", legend_size=Size.SMALL),
            Field("opens_on"),
            Field("closes_on"),
            Button("submit", "Open the round"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        name = (cleaned.get("name") or "").strip()
        if name and Round.objects.filter(name__iexact=name).exists():
            self.add_error("name", "A round with this name already exists")
        return cleaned
