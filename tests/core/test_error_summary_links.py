"""Every link in a GOV.UK error summary reaches an element on the page, radios and checkboxes
rendered by crispy-forms-gds included (their inputs are id_<name>_1, ...)."""

import re

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    sizes = forms.MultipleChoiceField(
        choices=[("s", "Small"), ("l", "Large")], widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("colour", legend_size=Size.SMALL),
            Field.checkboxes("sizes", legend_size=Size.SMALL),
            Field.text("name"),
        )

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def test_every_error_summary_link_reaches_an_element_on_the_page():
    form = _Form(data={"colour": "green"})
    assert not form.is_valid()
    html = Template(
        "{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}"
    ).render(Context({"form": form}))
    targets = re.findall(r'<a href="#([^"]+)">', html)
    assert targets == ["id_colour_1", "id_colour_1", "id_sizes_1", "id_name"]
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(targets) <= ids
