"""Forms for the national admins' model pages, laid out with the GOV.UK Design System. They check
what a person typed; the services check again and do the writing."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from .document import MAX_FILE_BYTES, FrameworkDocument, FrameworkFileError
from .models import FrameworkVersion, Level
from .validation import LONG_TEXT_MAX, TEXT_MAX, clean_text, parse_framework_file


def _helper(*fields: Any, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields, Button("submit", submit))
    return helper


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a framework file",
        help_text="A YAML file in the portal's framework format, up to 1 MB. It becomes a new "
        "draft version, whatever status the file gives.",
        error_messages={"required": "Select a YAML file to upload"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".yaml,.yml,text/yaml,application/x-yaml"
        self.helper = _helper(
            Field("file", context={"label_size": Size.for_label(Size.MEDIUM)}),
            submit="Import as a draft",
        )
        self.document: FrameworkDocument | None = None

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                f"The file must be smaller than 1 MB (it is {upload.size:,} bytes)"
            )
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            self.document = parse_framework_file(data, source_name=upload.name)
        except FrameworkFileError as exc:
            raise ValidationError(exc.messages) from None
        return upload


class CloneForm(forms.Form):
    version = forms.CharField(
        label="New version number",
        help_text="Numbers separated by dots, like 1.1. Answers carry over between versions by "
        "each element's key, which the clone keeps.",
        max_length=20,
        error_messages={"required": "Enter a version number, like 1.1"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("version", field_width=Fixed.TEN, label_size=Size.MEDIUM),
            submit="Clone into a new draft",
        )


class VersionDetailsForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    introduction = forms.CharField(
        label="Introduction",
        help_text="Shown on the model's overview page. Leave a blank line between paragraphs.",
        widget=forms.Textarea,
        required=False,
    )
    strand_rule = forms.ChoiceField(
        label="How a strand's level is worked out",
        choices=FrameworkVersion.StrandRule.choices,
        widget=forms.RadioSelect,
    )
    consistency_threshold = forms.DecimalField(
        label="Consistency threshold",
        help_text="A dimension whose answers spread more than this is flagged to the reviewer. "
        "Usually 1.0.",
        min_value=0.01,
        max_value=3,
        decimal_places=2,
        error_messages={
            "required": "Enter a consistency threshold, like 1.0",
            "invalid": "Enter the consistency threshold as a number, like 1.0",
            "min_value": "Enter a consistency threshold of 0.01 or more",
            "max_value": "Enter a consistency threshold of 3 or less",
            "max_decimal_places": "Enter a consistency threshold with at most 2 decimal places",
        },
    )
    checklist_introduction = forms.CharField(
        label="Introduction to the pre-model checklist", widget=forms.Textarea, required=False
    )
    case_studies_footer = forms.CharField(
        label="Text after the case studies", widget=forms.Textarea, required=False
    )
    note = forms.CharField(
        label="Note for editors",
        help_text="Not shown on the public pages.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("introduction", rows=10),
            Field.radios("strand_rule", legend_size=Size.SMALL),
            Field.text("consistency_threshold", field_width=Fixed.FIVE),
            Field.textarea("checklist_introduction", rows=4),
            Field.textarea("case_studies_footer", rows=2),
            Field.textarea("note", rows=4),
            submit="Save changes",
        )

    def clean_title(self) -> str:
        return clean_text(self.cleaned_data["title"], label="title", max_length=200)

    def clean_introduction(self) -> str:
        return clean_text(
            self.cleaned_data["introduction"],
            label="introduction",
            paragraphs=True,
            max_length=LONG_TEXT_MAX,
            required=False,
        )


class StrandForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name"}
    )
    measures = forms.CharField(
        label="Measures",
        help_text="The evidence expected for this strand.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.textarea("measures", rows=5),
            submit="Save changes",
        )

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], label="name", max_length=200)


class DimensionForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS, label_size=Size.MEDIUM),
            submit="Save changes",
        )

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], label="name", max_length=200)


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"Level {obj.number}: {obj.name}"


class StatementForm(forms.Form):
    level = LevelChoiceField(
        label="Level",
        queryset=Level.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the statement's level"},
    )
    text = forms.CharField(
        label="Statement",
        widget=forms.Textarea,
        max_length=TEXT_MAX,
        error_messages={"required": "Enter the statement"},
    )
    note = forms.CharField(
        label="Note for editors",
        help_text="Optional. Not shown on the public pages.",
        widget=forms.Textarea,
        required=False,
    )
    new_key = forms.BooleanField(
        label="The meaning has changed: give it a new key, so that answers to the old statement "
        "are not carried over to it",
        required=False,
    )

    def __init__(self, *args: Any, levels: Any, editing: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        fields: list[Any] = [
            Field.radios("level", legend_size=Size.SMALL),
            Field.textarea("text", rows=5, label_size=Size.SMALL),
            Field.textarea("note", rows=3),
        ]
        if editing:
            fields.append(Field.checkbox("new_key", small=True))
        else:
            del self.fields["new_key"]
        self.helper = _helper(*fields, submit="Save statement" if editing else "Add statement")

    def clean_text(self) -> str:
        return clean_text(self.cleaned_data["text"], label="statement")


class LinesField(forms.CharField):
    """A list of texts typed one per line."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [" ".join(line.split()) for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class LevelForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name"}
    )
    whole_family_view = LinesField(
        label="Whole family view",
        help_text="The summary of this level, one point per line.",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", field_width=Fluid.ONE_HALF),
            Field.textarea("whole_family_view", rows=8),
            submit="Save changes",
        )

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], label="name", max_length=200)

    def clean_whole_family_view(self) -> list[str]:
        return [clean_text(p, label="point") for p in self.cleaned_data["whole_family_view"]]


class ChecklistItemForm(forms.Form):
    text = forms.CharField(
        label="Checklist item", widget=forms.Textarea, error_messages={"required": "Enter the text"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text", rows=4, label_size=Size.MEDIUM), submit="Save changes"
        )

    def clean_text(self) -> str:
        return clean_text(self.cleaned_data["text"], label="text")


class CaseStudyForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name"}
    )
    points = LinesField(label="Points", help_text="One point per line.", required=False)
    note = forms.CharField(
        label="Note for editors",
        help_text="Optional. Not shown on the public pages.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name", field_width=Fluid.ONE_HALF),
            Field.textarea("points", rows=6),
            Field.textarea("note", rows=3),
            submit="Save changes",
        )

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"], label="name", max_length=200)

    def clean_points(self) -> list[str]:
        return [clean_text(p, label="point") for p in self.cleaned_data["points"]]


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FrameworkVersion) -> str:
        return f"{obj.title} {obj.version} ({obj.get_status_display().lower()})"


class CompareForm(forms.Form):
    old = VersionChoiceField(
        label="Compare",
        queryset=FrameworkVersion.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": "Select a version that exists"},
    )
    new = VersionChoiceField(
        label="with",
        queryset=FrameworkVersion.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": "Select a version that exists"},
    )

    def __init__(self, *args: Any, versions: list[FrameworkVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            field = self.fields[name]
            field.queryset = FrameworkVersion.objects.filter(pk__in=[v.pk for v in versions])
            # Keep the versions' display order (newest first) in the drop-downs.
            field.choices = [(v.pk, field.label_from_instance(v)) for v in versions]
        self.helper = _helper(Field.select("old"), Field.select("new"), submit="Compare versions")
