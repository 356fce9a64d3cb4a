from __future__ import annotations

from typing import Any

from django import forms

EVERY_ROUND = "all"
FORMATS = (
    ("csv", "CSV (comma-separated values): one table, opens in any spreadsheet"),
    ("xlsx", "Excel workbook (XLSX): the same table, with a Notes sheet explaining each column"),
)


class ExportForm(forms.Form):
    """GET: which round (or every round) and which file format. Rendered with the portal's radios
    include, whose first radio carries the field's id so the error summary links to it."""

    round = forms.ChoiceField(
        label="Which round?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a round",
            "invalid_choice": "Choose a round from the list",
        },
    )
    format = forms.ChoiceField(
        label="Which format?",
        choices=FORMATS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a file format",
            "invalid_choice": "Choose CSV or Excel workbook",
        },
    )

    def __init__(self, *args: Any, rounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rounds = {str(r.pk): r for r in rounds}
        choices = [(str(r.pk), r.name) for r in rounds]
        if rounds:
            choices.append((EVERY_ROUND, "Every round"))
        self.fields["round"].choices = choices

    def chosen(self) -> tuple[list[Any], bool]:
        """(rounds, every round?) for a valid form."""
        value = self.cleaned_data["round"]
        if value == EVERY_ROUND:
            return list(self.rounds.values()), True
        return [self.rounds[value]], False
