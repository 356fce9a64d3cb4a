"""The radios tag renders the GOV.UK radios markup: ids the error summary can reach, the saved
option checked, the hint and error wired to the fieldset, and everything from users escaped."""

from django import forms
from django.template import Context, Template

RENDER = Template("{% load govuk_radios %}{% govuk_radios form.colour small=True %}")


class ColourForm(forms.Form):
    colour = forms.ChoiceField(
        label="Which <colour>?",
        help_text="Pick one & only one",
        choices=[("red", "Red"), ("blue", "Blue <b>"), ("green", "Green")],
        widget=forms.RadioSelect,
    )


def render(form: forms.Form) -> str:
    return RENDER.render(Context({"form": form}))


def test_the_first_radio_has_the_field_id_and_the_others_number_on_from_it():
    html = render(ColourForm(initial={"colour": "blue"}))
    assert 'id="id_colour" name="colour" type="radio" value="red">' in html
    assert 'id="id_colour-2" name="colour" type="radio" value="blue" checked>' in html
    assert 'id="id_colour-3" name="colour" type="radio" value="green">' in html
    assert html.count(" checked") == 1
    assert 'for="id_colour-2">Blue &lt;b&gt;</label>' in html
    assert "govuk-radios govuk-radios--small" in html


def test_the_hint_and_the_error_describe_the_fieldset_and_are_escaped():
    form = ColourForm(data={"colour": "purple"})
    assert not form.is_valid()
    html = render(form)
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert 'aria-describedby="id_colour-hint id_colour-error"' in html
    assert '<div id="id_colour-hint" class="govuk-hint">Pick one &amp; only one</div>' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Select a valid choice.' in html
    assert "Which &lt;colour&gt;?</legend>" in html
    assert " checked" not in html


def test_options_can_be_disabled_and_the_legend_styled():
    template = Template(
        "{% load govuk_radios %}"
        '{% govuk_radios form.colour legend_class="govuk-fieldset__legend--m" disabled=True %}'
    )
    html = template.render(Context({"form": ColourForm()}))
    assert html.count(" disabled>") == 3
    assert 'class="govuk-fieldset__legend govuk-fieldset__legend--m"' in html
    assert "aria-describedby" in html  # the hint
