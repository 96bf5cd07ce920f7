"""Forms: parse and check what people type; they never write to the database themselves."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation


class SignUpForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[A-Za-z0-9_.-]{3,40}$",
        max_length=40,
        help_text="3 to 40 letters, digits, dots, dashes or underscores. Others see it.",
        error_messages={
            "invalid": "Use 3 to 40 letters, digits, dots, dashes or underscores, no spaces."
        },
    )
    display_name = forms.CharField(
        max_length=150, required=False, help_text="How your name appears on your entries."
    )
    email = forms.EmailField(help_text="For password resets and review notifications.")
    password = forms.CharField(widget=forms.PasswordInput, strip=False)
    password_again = forms.CharField(
        widget=forms.PasswordInput, strip=False, label="Password (again)"
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That user name is taken; please choose another.")
        return username

    def clean(self) -> dict:
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords are not the same.")
        elif password:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data
