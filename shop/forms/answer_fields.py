"""Django fields for the ticket answers forms whose parsing Django's stock fields get wrong for us.

Each one accepts only what the issuer can take and turns the rest into a field error: answers
come straight from buyers (and from bots), so no input may raise anything but ValidationError.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

# The issuer publishes no limits. These keep one answer well inside any request and session
# while staying far above anything a buyer really types.
TEXT_MAX_LENGTH = 1000
DECIMAL_MAX_DIGITS = 30
# Signed 64-bit: the widest integer column an issuer's backend is likely to store.
INTEGER_MIN = -(2**63)
INTEGER_MAX = 2**63 - 1

_DECIMAL_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)", re.ASCII)
# C0 controls other than tab, line feed and carriage return. NUL is left to Django's own
# ProhibitNullCharactersValidator so that the buyer gets one message, not two.
_CONTROL_RE = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def validate_plain_text(value: str) -> None:
    """Reject characters no keyboard produces and the API's JSON encoding cannot carry.

    Lone surrogates cannot be encoded as UTF-8, so letting one through would fail the
    reservation request much later, far from the field that caused it.
    """
    if _SURROGATE_RE.search(value) or _CONTROL_RE.search(value):
        raise ValidationError(
            _("Remove the invisible or unsupported characters from this answer."),
            code="control_characters",
        )


def comma_is_decimal_separator() -> bool:
    """True when the active language writes 2,5 for two and a half (French, among others)."""
    return bool(formats.get_format("DECIMAL_SEPARATOR") == ",")


class AnswerDecimalField(forms.Field):
    """A decimal typed by hand: a dot always works, a comma only where it is the local separator.

    Django's DecimalField would accept "1e999999" (a valid Decimal whose plain-text form is a
    million characters long) and, localized, reads "2,5" as 25 in English. Here the buyer's
    precision is kept ("2,50" gives Decimal("2.50")) and the serializer always writes a dot.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a number, for example 2.5."),
        "comma": _("Use a dot as the decimal separator, for example 2.5."),
        "max_digits": _("Enter a number with at most %(max)s digits."),
    }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # A text input, not type=number: number inputs reject the French comma in some browsers.
        attrs.setdefault("inputmode", "decimal")
        return attrs

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _DECIMAL_RE.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if "," in text and not comma_is_decimal_separator():
            # In English "2,500" usually means two thousand five hundred: refuse to guess.
            raise ValidationError(self.error_messages["comma"], code="comma")
        if sum(ch.isdigit() for ch in text) > DECIMAL_MAX_DIGITS:
            raise ValidationError(
                self.error_messages["max_digits"],
                code="max_digits",
                params={"max": DECIMAL_MAX_DIGITS},
            )
        return Decimal(text.replace(",", "."))


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as written on a clock, with no time zone.

    The API takes "2025-01-01 00:00:00" without an offset, so converting through the site's
    time zone (what DateTimeField does with USE_TZ) would shift the buyer's answer, and would
    reject the hour skipped at a daylight-saving change.
    """

    def prepare_value(self, value: Any) -> Any:
        return value

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        result: dt.datetime
        if isinstance(value, dt.datetime):
            result = value
        elif isinstance(value, dt.date):
            result = dt.datetime(value.year, value.month, value.day)
        else:
            text = str(value).strip()
            try:
                parsed = parse_datetime(text)
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if parsed is None:
                # The locale's input formats (e.g. 25/10/2025 14:30 in French).
                parsed = cast(dt.datetime, forms.fields.BaseTemporalField.to_python(self, text))
            result = parsed
        if result.tzinfo is not None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return result


def parse_bool_choice(value: str) -> bool:
    return value == "true"


class AnswerMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes where an empty string means "nothing ticked", not an unknown option.

    Templates commonly post an empty hidden value so that an untouched group still reaches the
    server; Django would report it as an invalid choice with a blank name.
    """

    def to_python(self, value: Any) -> list[str]:
        values = super().to_python(value)
        return [item for item in values if item != ""]
