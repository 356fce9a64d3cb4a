from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms

from accounts.models import Area, Authority
from core.forms import ModelMultipleChoiceField

from .models import ComparatorGroup, PeerGroupKind


def _get_helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields, Button.secondary("show", submit))
    return helper


class RoundChoiceForm(forms.Form):
    """GET: which round's benchmarks to show."""

    round = forms.ModelChoiceField(
        label="Round",
        queryset=None,
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": "Choose a round from the list"},
    )

    def __init__(self, *args: Any, rounds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.helper = _get_helper(Field.select("round"), submit="Show round")


TREND_GROUPS = (
    (PeerGroupKind.ALL.value, "All authorities"),
    (PeerGroupKind.REGION.value, "Authorities in your region"),
    (PeerGroupKind.KIND.value, "Authorities of your kind"),
)


class TrendGroupForm(forms.Form):
    group = forms.ChoiceField(
        label="Compare with",
        choices=TREND_GROUPS,
        error_messages={"invalid_choice": "Choose a peer group from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _get_helper(Field.select("group"), submit="Show trends")


class HeatmapFilterForm(forms.Form):
    """GET: round, and for national admins an area (blank: every authority)."""

    round = forms.ModelChoiceField(
        label="Round",
        queryset=None,
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": "Choose a round from the list"},
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label="Every area",
        error_messages={"invalid_choice": "Choose an area from the list"},
    )

    def __init__(self, *args: Any, rounds: Any, national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        fields = [Field.select("round")]
        if national:
            fields.append(Field.select("area"))
        else:
            del self.fields["area"]
        self.helper = _get_helper(*fields, submit="Show")


class ComparatorGroupForm(forms.ModelForm):
    members = ModelMultipleChoiceField(
        label="Authorities in this group",
        queryset=Authority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Groups with fewer agreed assessments than the minimum group size show no figures."
        ),
        error_messages={"invalid_choice": "Choose authorities from the list"},
    )

    class Meta:
        model = ComparatorGroup
        fields = ["name", "description"]
        error_messages = {
            "name": {
                "required": "Enter the comparator group's name",
                "unique": "Another comparator group already has this name",
                "max_length": "The name must be 120 characters or fewer",
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Authority.objects.filter(active=True).order_by("name")
        if self.instance.pk:
            self.initial["members"] = list(self.instance.members.values_list("pk", flat=True))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description", rows=3),
            Field.checkboxes("members", legend_size=Size.SMALL, small=True),
            Button("submit", "Save comparator group"),
        )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())
