from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from accounts.forms import gds_helper

from .services import EXPIRY_CHOICES_DAYS, NAME_MAX

NEVER = "never"
EXPIRY_CHOICES = [
    *((str(days), f"In {days} days") for days in EXPIRY_CHOICES_DAYS),
    (NEVER, "Never (revoke it yourself when it is no longer needed)"),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        help_text="Say what the token is for, so you can tell your tokens apart. "
        "For example: quarterly dashboard.",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": f"Name must be {NAME_MAX} characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    expiry = forms.ChoiceField(
        label="When should the token stop working?",
        choices=[Choice(value, label) for value, label in EXPIRY_CHOICES],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose when the token stops working",
            "invalid_choice": "Choose when the token stops working",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("expiry", legend_size=Size.SMALL),
            submit="Create token",
        )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        return name

    def expires_in_days(self) -> int | None:
        value = self.cleaned_data["expiry"]
        return None if value == NEVER else int(value)
