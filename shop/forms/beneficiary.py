"""Beneficiary details for one ticket, with only the fields the API requires for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _


def _title() -> forms.Field:
    return forms.ChoiceField(
        label=_("Title"), choices=[("mr", _("Mr")), ("mrs", _("Mrs")), ("mx", _("Mx"))]
    )


def _text(label: Any, max_length: int = 100) -> Callable[[], forms.Field]:
    return lambda: forms.CharField(label=label, max_length=max_length)


# API field name -> field builder (the API's names are kept as form field suffixes).
FIELD_BUILDERS: dict[str, Callable[[], forms.Field]] = {
    "title": _title,
    "firstname": _text(_("First name")),
    "lastname": _text(_("Last name")),
    "email": lambda: forms.EmailField(label=_("Email")),
    "phone": _text(_("Phone"), 32),
    "dateOfBirth": lambda: forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    ),
    "placeOfBirth": _text(_("Place of birth")),
    "nationality": lambda: forms.CharField(
        label=_("Nationality (2-letter country code)"), min_length=2, max_length=2
    ),
}


class BeneficiaryForm(forms.Form):
    def __init__(self, *args: Any, ticket: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.rejected = False
        self.deadline = parse_datetime(str(ticket.get("deadline") or ""))
        for name in ticket.get("fields") or ():
            builder = FIELD_BUILDERS.get(name)
            if builder is not None:
                self.fields[name] = builder()

    @property
    def expired(self) -> bool:
        """Past the API's beneficiaryDesignationDeadline: the API would refuse it."""
        return self.deadline is not None and self.deadline <= timezone.now()

    def api_values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        if "nationality" in values:
            values["nationality"] = str(values["nationality"]).upper()
        return values

    def apply_rejection(self, errors: Mapping[str, str]) -> None:
        """Show the API's refusal on the form, by field where it named one we know."""
        self.rejected = True
        placed = False
        for name in errors:
            if name in self.fields:
                self.add_error(name, _("Please check this value."))
                placed = True
        if not placed:
            self.add_error(None, _("These details were not accepted. Please check them."))


def beneficiary_forms(
    tickets: Sequence[Mapping[str, Any]], *, data: Mapping[str, Any] | None = None
) -> list[BeneficiaryForm]:
    return [
        BeneficiaryForm(data, ticket=ticket, prefix=f"t{index}")
        for index, ticket in enumerate(tickets)
    ]
