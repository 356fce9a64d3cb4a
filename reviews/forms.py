from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from .services import TEXT_MAX

AGREE = "agree"


def _helper(*fields: Any) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you agree with this level?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you agree with the level or moderate it"},
    )
    reason = forms.CharField(
        label="Reason for the moderated level",
        help_text="Required when you set a different level. The authority will see it.",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, confirmed_level: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(AGREE, f"Agree with level {confirmed_level} (self-assessed)")]
        choices += [
            (str(level), f"Moderate to level {level}")
            for level in range(1, 5)
            if level != confirmed_level
        ]
        self.fields["decision"].choices = choices
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason"),
            Button("submit", "Save decision"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != AGREE and not (cleaned.get("reason") or "").strip():
            self.add_error(
                "reason", f"Explain why you are moderating this dimension to level {decision}"
            )
        return cleaned

    @property
    def level(self) -> int | None:
        decision = self.cleaned_data["decision"]
        return None if decision == AGREE else int(decision)


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label="Comments for the authority",
        help_text="Say what they need to change before they submit again.",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter comments to tell the authority what to change"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("comments", label_size=Size.MEDIUM),
            Button("submit", "Return the assessment"),
        )


class AgreeForm(forms.Form):
    comments = forms.CharField(
        label="Comments for the authority (optional)",
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("comments", label_size=Size.MEDIUM),
            Button("submit", "Agree the assessment"),
        )
