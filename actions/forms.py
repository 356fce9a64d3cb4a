from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from assessments.forms import DateField

from .models import ActionStatus
from .services import TEXT_MAX


class ActionForm(forms.Form):
    statement_text = forms.CharField(
        label="Statement to meet",
        help_text="From the next level up of the model. You can shorten it.",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the statement the action works towards"},
    )
    description = forms.CharField(
        label="What will you do?",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you will do"},
    )
    owner = forms.ModelChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Choose someone",
        error_messages={
            "required": "Choose an owner from your authority",
            "invalid_choice": "Choose an owner from your authority",
        },
    )
    due_on = DateField(
        label="Due date",
        help_text="For example, 31 3 2027",
        require_all_fields=False,
        messages={
            "required": "Enter the date the action is due",
            "invalid": "Enter the due date as a real date",
            "incomplete": "Enter the due date as a day, month and year",
        },
    )
    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        initial=ActionStatus.NOT_STARTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status"},
    )

    def __init__(self, *args: Any, owners: Any, button: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.textarea("statement_text"),
            Field.textarea("description"),
            Field.select("owner"),
            Field("due_on"),
            Field.radios("status", legend_size=Size.SMALL, inline=False),
            Button("submit", button),
        )
