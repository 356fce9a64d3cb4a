"""Forms, laid out with the GOV.UK Design System (crispy-forms-gds). Error messages name the problem
and how to fix it, as the Design System asks."""

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm

from core.forms import ModelMultipleChoiceField

from .models import (
    ROLE_DESCRIPTIONS,
    Area,
    Authority,
    AuthorityKind,
    MembershipRole,
    Region,
    Role,
    SecurityEventKind,
)

EMAIL_ERRORS = {
    "required": "Enter an email address",
    "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
}


def gds_helper(*fields: Any, submit: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template renders the token
    items = list(fields)
    if submit:
        items.append(Button("submit", submit))
    helper.layout = Layout(*items)
    return helper


class SignInForm(AuthenticationForm):
    """Email and password, laid out with the GOV.UK Design System."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Ask your authority's lead for help",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template renders the token
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field.text("password", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Sign in"),
        )


class TwoFactorCodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (when allowed) a recovery code."""

    code = forms.CharField(
        label="Security code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        ),
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args, allow_recovery: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        if allow_recovery:
            self.fields[
                "code"
            ].help_text = (
                "The 6-digit code from your authenticator app, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = "The 6-digit code your authenticator app shows now."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
        self.helper = gds_helper(Field.text("code", field_width=Fixed.TEN), submit="Continue")

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").lower()
        if code.isdigit():
            if len(code) != 6:
                raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
            return code
        if not self.allow_recovery:
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        if not code.isalnum() or len(code) > 16:
            raise forms.ValidationError(
                "Enter the 6-digit code from your authenticator app, or a recovery code"
            )
        return code


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before a sensitive change."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    def __init__(self, *args, user: Any, submit: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = gds_helper(
            Field.text("password", field_width=Fluid.TWO_THIRDS), submit=submit
        )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not right")
        return password


# --- Passwords ----------------------------------------------------------------------------------


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS), submit="Send reset link"
        )


def _password_field_errors(form: forms.Form) -> None:
    for name in ("new_password1", "new_password2"):
        if name in form.fields:
            form.fields[name].error_messages["required"] = (
                "Enter a new password" if name == "new_password1" else "Confirm your new password"
            )


class SetPasswordForm(auth_forms.SetPasswordForm):
    error_messages = {
        "password_mismatch": "The passwords do not match. Enter the same password twice",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. Do not use a password you use elsewhere."
        _password_field_errors(self)
        self.helper = gds_helper(
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            submit="Save password",
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": "The passwords do not match. Enter the same password twice",
        "password_incorrect": "Your current password is not right",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        self.fields[
            "new_password1"
        ].help_text = "At least 12 characters. Do not use a password you use elsewhere."
        _password_field_errors(self)
        self.helper = gds_helper(
            Field.text("old_password", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            submit="Change password",
        )


# --- Acting for ---------------------------------------------------------------------------------


class ActingForForm(forms.Form):
    acting_for = forms.ChoiceField(
        label="Who are you working for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the authority or area you are working for",
            "invalid_choice": "Choose one of the authorities or areas listed",
        },
    )

    def __init__(self, *args, options: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["acting_for"].choices = [(o.key, f"{o.name} – {o.role_label}") for o in options]
        self.fields["acting_for"].help_text = (
            "You have more than one role. Choose the authority or area to work on now. You can "
            "change this at any time with the Switch link at the top of the page."
        )
        self.helper = gds_helper(
            Field.radios("acting_for", legend_size=Size.LARGE, legend_tag="h1"), submit="Continue"
        )


# --- Invitations --------------------------------------------------------------------------------


def role_choices(roles: tuple[str, ...]) -> list[Choice]:
    return [Choice(r, Role(r).label, hint=ROLE_DESCRIPTIONS[r]) for r in roles]


class InviteForm(forms.Form):
    """An authority lead invites someone to their own authority."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Use their work email address. We will send the invitation link to it.",
        error_messages=EMAIL_ERRORS,
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a role",
            "invalid_choice": "Choose one of the roles listed: you cannot give that role",
        },
    )

    def __init__(self, *args, roles: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(
            tuple(r for r in roles if r in MembershipRole.values)
        )
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            submit="Send invitation",
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class NationalInviteForm(forms.Form):
    """A national admin invites anyone to any role."""

    email = InviteForm.base_fields["email"]
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=role_choices(tuple(Role.values)),
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    authority = forms.ModelChoiceField(
        label="Authority",
        queryset=Authority.objects.filter(active=True).order_by("name"),
        required=False,
        empty_label="Choose an authority",
        help_text="For an officer, viewer or authority lead.",
        error_messages={"invalid_choice": "Choose an authority from the list"},
    )
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("name"),
        required=False,
        empty_label="Choose an area",
        help_text="For an area lead.",
        error_messages={"invalid_choice": "Choose an area from the list"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("authority"),
            Field.select("area"),
            submit="Send invitation",
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        role = data.get("role")
        if role in MembershipRole.values and not data.get("authority"):
            self.add_error("authority", "Choose the authority they will work for")
        if role == Role.AREA_LEAD and not data.get("area"):
            self.add_error("area", "Choose the area they will lead")
        return data


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    new_password1 = forms.CharField(
        label="Create a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Do not use a password you use elsewhere.",
        error_messages={"required": "Enter a password"},
    )
    new_password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Confirm your password"},
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = gds_helper(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password1", field_width=Fluid.TWO_THIRDS),
            Field.text("new_password2", field_width=Fluid.TWO_THIRDS),
            submit="Create account",
        )

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Enter your full name")
        return name

    def clean(self) -> dict[str, Any]:
        from django.contrib.auth.password_validation import validate_password

        from .models import User

        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error(
                "new_password2", "The passwords do not match. Enter the same password twice"
            )
        elif first:
            try:
                validate_password(first, User(email=self.email, full_name=data.get("full_name")))
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return data


# --- People -------------------------------------------------------------------------------------


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a role",
            "invalid_choice": "Choose one of the roles listed: you cannot give that role",
        },
    )

    def __init__(self, *args, roles: tuple[str, ...], legend: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].label = legend
        self.fields["role"].choices = role_choices(
            tuple(r for r in roles if r in MembershipRole.values)
        )
        self.helper = gds_helper(
            Field.radios("role", legend_size=Size.LARGE, legend_tag="h1"), submit="Save role"
        )


class AddMembershipForm(forms.Form):
    authority = forms.ModelChoiceField(
        label="Authority",
        queryset=Authority.objects.filter(active=True).order_by("name"),
        empty_label="Choose an authority",
        error_messages={
            "required": "Choose an authority",
            "invalid_choice": "Choose an authority from the list",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=MembershipRole.choices,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.select("authority"),
            Field.radios("role", legend_size=Size.SMALL, inline=True),
            submit="Add to authority",
        )


class AddAreaAssignmentForm(forms.Form):
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.order_by("name"),
        empty_label="Choose an area",
        error_messages={
            "required": "Choose an area",
            "invalid_choice": "Choose an area from the list",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.select("area"))
        # Its own id: the user page shows it beside the membership form's "submit" button.
        self.helper.layout.append(Button("submit", "Make area lead", css_id="id_submit_area"))


class AddAreaLeadForm(forms.Form):
    email = forms.EmailField(
        label="Email address of an existing user",
        max_length=254,
        error_messages=EMAIL_ERRORS,
        help_text="To give the role to someone without an account, send them an invitation.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS), submit="Add area lead"
        )

    def clean_email(self) -> str:
        from .models import User

        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                "There is no active account with this email address. Send an invitation instead"
            )
        self.user = user
        return email


# --- National admin: authorities and areas ------------------------------------------------------


class AuthorityForm(forms.ModelForm):
    class Meta:
        model = Authority
        fields = ["name", "ons_code", "kind", "region", "area", "active"]
        labels = {"ons_code": "ONS code", "active": "Active"}
        help_texts = {
            "ons_code": "The ONS GSS code, like E06000001.",
            "active": "Inactive authorities keep their data, but nobody can act for them.",
        }
        error_messages = {
            "name": {"required": "Enter the authority's name"},
            "ons_code": {
                "required": "Enter the ONS code",
                "unique": "Another authority already has this ONS code",
            },
            "kind": {"required": "Choose the kind of authority"},
            "region": {"required": "Choose the region"},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AuthorityKind.choices
        self.fields["kind"].widget = forms.RadioSelect(choices=AuthorityKind.choices)
        self.fields["region"].choices = [("", "Choose a region"), *Region.choices]
        self.fields["area"].empty_label = "No area"
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("ons_code", field_width=Fixed.TEN),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("region"),
            Field.select("area"),
            Field.checkbox("active"),
            submit="Save authority",
        )

    def clean_ons_code(self) -> str:
        return self.cleaned_data["ons_code"].strip().upper()

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


class AreaForm(forms.ModelForm):
    authorities = ModelMultipleChoiceField(
        label="Authorities in this area",
        queryset=Authority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="An authority belongs to at most one area: choosing it here moves it.",
        error_messages={"invalid_choice": "Choose authorities from the list"},
    )

    class Meta:
        model = Area
        fields = ["name", "description"]
        error_messages = {
            "name": {
                "required": "Enter the area's name",
                "unique": "Another area already has this name",
            }
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        authorities = Authority.objects.filter(active=True).select_related("area").order_by("name")
        self.fields["authorities"].queryset = authorities
        self.fields["authorities"].label_from_instance = lambda a: (
            f"{a.name} (now in {a.area.name})" if a.area and a.area != self.instance else a.name
        )
        if self.instance.pk:
            self.initial["authorities"] = list(
                self.instance.authorities.values_list("pk", flat=True)
            )
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description", rows=3),
            Field.checkboxes("authorities", legend_size=Size.SMALL, small=True),
            submit="Save area",
        )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())


# --- Search and filter forms (GET) ---------------------------------------------------------------


class _SearchForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def value(self, name: str) -> str:
        if self.is_valid():
            value = self.cleaned_data.get(name)
            return "" if value is None else str(value.pk if hasattr(value, "pk") else value)
        return ""


class AuthoritySearchForm(_SearchForm):
    q = forms.CharField(label="Name or ONS code", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *AuthorityKind.choices]
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "All regions"), *Region.choices]
    )
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [
            ("", "All areas"),
            ("none", "Not in an area"),
            *[(str(a.pk), a.name) for a in Area.objects.order_by("name")],
        ]
        self.helper.layout = Layout(
            Field.text("q", field_width=Fluid.TWO_THIRDS),
            Field.select("kind"),
            Field.select("region"),
            Field.select("area"),
            Button.secondary("search", "Search"),
        )


class UserSearchForm(_SearchForm):
    q = forms.CharField(label="Name or email address", required=False, max_length=100)
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "All roles"), *Role.choices, ("inactive", "Switched off")],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("q", field_width=Fluid.TWO_THIRDS),
            Field.select("role"),
            Button.secondary("search", "Search"),
        )


class SecurityEventFilterForm(_SearchForm):
    kind = forms.ChoiceField(
        label="Event", required=False, choices=[("", "All events"), *SecurityEventKind.choices]
    )
    q = forms.CharField(label="Email address, IP address or detail", required=False, max_length=100)
    authority = forms.CharField(label="Authority name or ONS code", required=False, max_length=100)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.select("kind"),
            Field.text("q", field_width=Fluid.TWO_THIRDS),
            Field.text("authority", field_width=Fluid.TWO_THIRDS),
            Button.secondary("filter", "Filter"),
        )
