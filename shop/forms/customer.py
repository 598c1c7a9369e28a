"""The customer details of an order, as the API's OrderBulkInput.customer allows them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# ISO 3166-1 alpha-2 codes the API expects (e.g. "FR"); a short list of the countries a
# French issuer's buyers mostly come from, plus "other" left blank.
COUNTRIES: list[tuple[str, Any]] = [
    ("", _("Choose a country (optional)")),
    ("FR", _("France")),
    ("BE", _("Belgium")),
    ("CH", _("Switzerland")),
    ("LU", _("Luxembourg")),
    ("MC", _("Monaco")),
    ("DE", _("Germany")),
    ("ES", _("Spain")),
    ("IT", _("Italy")),
    ("NL", _("Netherlands")),
    ("PT", _("Portugal")),
    ("GB", _("United Kingdom")),
    ("IE", _("Ireland")),
    ("US", _("United States")),
    ("CA", _("Canada")),
]

TITLES: list[tuple[str, Any]] = [
    ("", _("Not specified")),
    ("mr", _("Mr")),
    ("mrs", _("Mrs")),
    ("mx", _("Mx")),
]

_PHONE_CLEAN = re.compile(r"[\s.\-()]")
phone_validator = RegexValidator(
    r"^\+?[0-9]{6,15}$", _("Enter a phone number, e.g. +33 6 10 20 30 40.")
)


class CustomerForm(forms.Form):
    title = forms.ChoiceField(label=_("Title"), choices=TITLES, required=False)
    firstname = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    lastname = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("Your tickets and the link to your order are sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    email_confirm = forms.EmailField(
        label=_("Email (again)"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=COUNTRIES,
        required=False,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    language = forms.ChoiceField(label=_("Language of your emails and tickets"), choices=())
    optin = forms.BooleanField(
        label=_("Send me news from the organiser"), required=False, initial=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, name) for code, name in settings.LANGUAGES]

    def clean_phone(self) -> str:
        phone = _PHONE_CLEAN.sub("", self.cleaned_data.get("phone", ""))
        if phone:
            phone_validator(phone)
        return phone

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_email_confirm(self) -> str:
        return str(self.cleaned_data["email_confirm"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, again = cleaned.get("email"), cleaned.get("email_confirm")
        if email and again and email != again:
            self.add_error("email_confirm", _("The two email addresses are different."))
        return cleaned


class FindOrderForm(forms.Form):
    email = forms.EmailField(
        label=_("Email used for the order"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
