"""Evidence forms, laid out with the GOV.UK Design System (crispy-forms-gds). The services check
everything again; the forms give each problem its GOV.UK message on the right field."""

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from .models import EvidenceItem, EvidenceKind
from .validation import ACCEPT_ATTRIBUTE, ALLOWED_LIST, human_size, link_check, max_upload_bytes


def _helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template renders the token
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper


class _TitleAndDescription(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, “Signed information-sharing protocol with health partners”",
        error_messages={
            "required": "Enter a title for the evidence",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What does it show?",
        max_length=1000,
        help_text="Say briefly what this evidence shows about the dimension.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what the evidence shows",
            "max_length": "The description must be 1000 characters or fewer",
        },
    )


CONFIRMATION_LABEL = (
    "I confirm this file holds no personal data about individual children or families"
)


class EvidenceFileForm(_TitleAndDescription):
    file = forms.FileField(
        label="Upload a file",
        allow_empty_file=True,  # the service names the problem ("The selected file is empty")
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={
            "required": "Select a file",
            "invalid": "The selected file could not be read: try again",
            "missing": "The selected file could not be read: try again",
        },
    )
    no_personal_data_confirmed = forms.BooleanField(
        label=CONFIRMATION_LABEL,
        required=True,
        error_messages={
            "required": "Confirm that the file holds no personal data about individual children "
            "or families"
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"A {ALLOWED_LIST} file, smaller than {human_size(max_upload_bytes())}."
        self.fields["file"].widget = forms.FileInput(
            attrs={"accept": ACCEPT_ATTRIBUTE, "class": "govuk-file-upload"}
        )
        self.helper = _helper(
            Field("file"),
            Field.text("title"),
            Field.textarea("description", rows=3),
            Field.checkbox("no_personal_data_confirmed"),
            submit="Upload file",
        )


def _clean_link(value: str) -> str:
    from django.core.exceptions import ValidationError

    try:
        return link_check(value)
    except ValidationError as error:
        raise forms.ValidationError(error.message_dict["url"]) from None


class EvidenceLinkForm(_TitleAndDescription):
    url = forms.CharField(
        label="Web address",
        max_length=2000,
        help_text="It must start with https://",
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
        error_messages={
            "required": "Enter the link's web address",
            "max_length": "The web address must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("url"),
            Field.text("title"),
            Field.textarea("description", rows=3),
            submit="Add link",
        )

    def clean_url(self) -> str:
        return _clean_link(self.cleaned_data["url"])


class EvidenceTextForm(_TitleAndDescription):
    text = forms.CharField(
        label="Evidence statement",
        max_length=5000,
        help_text="Describe the evidence, for example what a document says and where it is kept.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter the evidence statement",
            "max_length": "The evidence statement must be 5000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("description", rows=3),
            Field.textarea("text", rows=6),
            submit="Add statement",
        )


class EvidenceEditForm(_TitleAndDescription):
    """Title and description for any item, plus the address of a link or the text of a
    statement."""

    url = EvidenceLinkForm.base_fields["url"]
    text = EvidenceTextForm.base_fields["text"]

    def __init__(self, *args: Any, item: EvidenceItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        fields: list[Any] = []
        if item.kind == EvidenceKind.LINK:
            fields.append(Field.text("url"))
            del self.fields["text"]
        elif item.kind == EvidenceKind.TEXT:
            del self.fields["url"]
        else:
            del self.fields["url"]
            del self.fields["text"]
        fields += [Field.text("title"), Field.textarea("description", rows=3)]
        if item.kind == EvidenceKind.TEXT:
            fields.append(Field.textarea("text", rows=6))
        self.helper = _helper(*fields, submit="Save changes")

    def clean_url(self) -> str:
        return _clean_link(self.cleaned_data["url"])


__all__ = [
    "CONFIRMATION_LABEL",
    "EvidenceEditForm",
    "EvidenceFileForm",
    "EvidenceLinkForm",
    "EvidenceTextForm",
    "Size",
]
