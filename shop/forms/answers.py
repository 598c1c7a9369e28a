"""Ticket answers forms built at run time from the issuer's Form definitions.

A definition's field type picks a builder from FIELD_BUILDERS (a table, not an if/elif chain, so
that adding a type is one line and an unknown type is an explicit error, never a silent text
box). Fields are named ``q_<field id>``, keep their definition in ``field.korus_field`` and come
in position order, the ideas of pretix's BaseQuestionsForm.

Cleaned values become the API's strings in to_api_value(), the one place that knows the formats
of API.md §5.2.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import EmailValidator, MaxValueValidator, MinValueValidator
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from shop.forms.answer_fields import (
    INTEGER_MAX,
    INTEGER_MIN,
    TEXT_MAX_LENGTH,
    AnswerDecimalField,
    AnswerMultipleChoiceField,
    WallClockDateTimeField,
    parse_bool_choice,
    validate_plain_text,
)
from shop.korus.models import FieldValue, Form, FormData, FormField

logger = logging.getLogger(__name__)

FIELD_PREFIX = "q_"
# Up to this many options a single choice shows as radio buttons (every option visible at
# once); longer lists use a select so that the page stays short.
RADIO_MAX_CHOICES = 5
MULTI_CHOICE_SEPARATOR = ","
CHOICE_TYPES = frozenset({"single_choice", "multi_choice"})

UNAVAILABLE_MESSAGE = _("This ticket cannot be booked online right now.")


class UnsupportedFormField(Exception):
    """A form definition holds a field this shop cannot render faithfully."""

    def __init__(self, form_id: str, field_type: str, reason: str = "unknown field type") -> None:
        self.form_id = form_id
        self.field_type = field_type
        self.reason = reason
        super().__init__(f"form {form_id}: {reason} {field_type!r}")


def field_name(definition_field: FormField) -> str:
    return f"{FIELD_PREFIX}{definition_field.id}"


# --- autocomplete hints --------------------------------------------------------------------

# Checked in order, so that "last_name" is a family name before it is a name.
_AUTOCOMPLETE_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("email", frozenset({"email", "mail", "courriel"})),
    ("tel", frozenset({"phone", "telephone", "tel", "mobile", "phonenumber", "portable"})),
    ("bday", frozenset({"birthdate", "birthday", "dateofbirth", "dob", "datenaissance"})),
    ("given-name", frozenset({"firstname", "givenname", "prenom"})),
    ("family-name", frozenset({"lastname", "familyname", "surname", "nom", "nomdefamille"})),
    ("name", frozenset({"name", "fullname", "nomcomplet"})),
    ("postal-code", frozenset({"zip", "zipcode", "postalcode", "postcode", "codepostal"})),
    ("address-level2", frozenset({"city", "town", "ville"})),
    ("country-name", frozenset({"country", "pays"})),
    ("street-address", frozenset({"address", "adresse", "street"})),
    ("organization", frozenset({"company", "organization", "organisation", "societe"})),
)


def autocomplete_hint(code: str) -> str | None:
    """The HTML autocomplete token a field's code suggests ("customer_email" gives "email")."""
    tokens = [token for token in re.split(r"[^a-z0-9]+", code.lower()) if token]
    # Adjacent tokens joined, so that "first_name" and "date_of_birth" match as one word.
    words = set(tokens)
    for size in (2, 3):
        words.update("".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
    for hint, keywords in _AUTOCOMPLETE_RULES:
        if words & keywords:
            return hint
    return None


# --- builders: one per definition type ---------------------------------------------------


def _common(definition_field: FormField) -> dict[str, Any]:
    return {
        "label": definition_field.label or definition_field.code,
        "required": definition_field.required,
        "help_text": definition_field.help_text or "",
    }


def _autocomplete_attrs(definition_field: FormField) -> dict[str, str]:
    hint = autocomplete_hint(definition_field.code)
    return {"autocomplete": hint} if hint else {}


def _choices(definition_field: FormField) -> list[tuple[str, str | Promise]]:
    return [(choice.value, choice.label or choice.value) for choice in definition_field.choices]


def build_text(definition_field: FormField) -> forms.Field:
    attrs = _autocomplete_attrs(definition_field)
    validators: list[Callable[[Any], None]] = [validate_plain_text]
    input_type = {"email": "email", "tel": "tel"}.get(attrs.get("autocomplete", ""), "text")
    if input_type == "email":
        validators.append(EmailValidator(message=_("Enter a valid email address.")))
    widget = forms.TextInput(attrs={"type": input_type, **attrs})
    return forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        validators=validators,
        widget=widget,
        **_common(definition_field),
    )


def build_bool(definition_field: FormField) -> forms.Field:
    # Yes/No radios rather than a checkbox: "required" means the buyer must answer, and an
    # unticked box cannot tell "no" from "not answered".
    choices = [("true", _("Yes")), ("false", _("No"))]
    if not definition_field.required:
        choices.append(("", _("No answer")))
    return forms.TypedChoiceField(
        choices=choices,
        coerce=parse_bool_choice,
        empty_value=None,
        widget=forms.RadioSelect,
        **_common(definition_field),
    )


def build_integer(definition_field: FormField) -> forms.Field:
    return forms.IntegerField(
        validators=[MinValueValidator(INTEGER_MIN), MaxValueValidator(INTEGER_MAX)],
        # A text input: a number input shows nothing for "3 children", hiding what was typed.
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        **_common(definition_field),
    )


def build_decimal(definition_field: FormField) -> forms.Field:
    return AnswerDecimalField(**_common(definition_field))


def build_date(definition_field: FormField) -> forms.Field:
    # The HTML5 widget submits ISO dates; the locale's formats (25/10/2025) still work for
    # browsers that show a plain text box, because Django appends ISO to DATE_INPUT_FORMATS.
    widget = forms.DateInput(
        format="%Y-%m-%d", attrs={"type": "date", **_autocomplete_attrs(definition_field)}
    )
    return forms.DateField(widget=widget, **_common(definition_field))


def build_time(definition_field: FormField) -> forms.Field:
    widget = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    return forms.TimeField(widget=widget, **_common(definition_field))


def build_datetime(definition_field: FormField) -> forms.Field:
    widget = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
    return WallClockDateTimeField(widget=widget, **_common(definition_field))


def build_single_choice(definition_field: FormField) -> forms.Field:
    choices = _choices(definition_field)
    widget: forms.Widget
    if len(choices) <= RADIO_MAX_CHOICES:
        widget = forms.RadioSelect()
        if not definition_field.required:
            choices.append(("", _("No answer")))
    else:
        # A blank first option, even when required, so that nothing is chosen by default.
        widget = forms.Select()
        choices.insert(0, ("", _("Choose an option")))
    return forms.ChoiceField(choices=choices, widget=widget, **_common(definition_field))


def build_multi_choice(definition_field: FormField) -> forms.Field:
    return AnswerMultipleChoiceField(
        choices=_choices(definition_field),
        widget=forms.CheckboxSelectMultiple,
        **_common(definition_field),
    )


FieldBuilder = Callable[[FormField], forms.Field]

FIELD_BUILDERS: dict[str, FieldBuilder] = {
    "text": build_text,
    "bool": build_bool,
    "integer": build_integer,
    "decimal": build_decimal,
    "date": build_date,
    "time": build_time,
    "datetime": build_datetime,
    "single_choice": build_single_choice,
    "multi_choice": build_multi_choice,
}


def build_field(definition_field: FormField, *, form_id: str) -> forms.Field:
    """The Django field for one definition field; UnsupportedFormField for an unknown type."""
    builder = FIELD_BUILDERS.get(definition_field.type)
    if builder is None:
        raise UnsupportedFormField(form_id, definition_field.type)
    if definition_field.type in CHOICE_TYPES and not definition_field.choices:
        # Nothing could ever be a valid answer: the ticket is as unbookable as with a new type.
        raise UnsupportedFormField(form_id, definition_field.type, "no choices for")
    field = builder(definition_field)
    field.korus_field = definition_field  # type: ignore[attr-defined]
    return field


# --- serialization to the API's strings ----------------------------------------------------


def encode_multi_choice(values: Iterable[str]) -> str:
    """Several chosen values as the one string a formData entry carries.

    API.md §5.2 leaves this undocumented (inferred: repeat the field entry, or comma-separate).
    We comma-separate, because FormData holds one value per field and the issuer's check
    matches one entry per field; should the real API repeat entries instead, this function
    and to_form_data() are the only places to change. Choice values are issuer codes, which
    we assume never contain a comma.
    """
    return MULTI_CHOICE_SEPARATOR.join(values)


def _decimal_text(value: Decimal) -> str:
    # Fixed-point with a dot, whatever the locale; the buyer's number of decimals is kept.
    return format(value, "f")


def _datetime_text(value: dt.datetime) -> str:
    # isoformat() rather than strftime("%Y"), which drops the zero padding of years below 1000.
    return value.replace(tzinfo=None, microsecond=0).isoformat(sep=" ")


_SERIALIZERS: dict[str, Callable[[Any], str]] = {
    "text": str,
    "bool": lambda value: "true" if value else "false",
    "integer": lambda value: str(int(value)),
    "decimal": _decimal_text,
    "date": lambda value: value.isoformat(),
    "time": lambda value: value.strftime("%H:%M"),
    "datetime": _datetime_text,
    "single_choice": str,
    "multi_choice": encode_multi_choice,
}


def to_api_value(field: FormField, cleaned_value: Any) -> str | None:
    """The formData string for one cleaned answer, or None when an optional field is empty.

    None means "leave the field out of formData": API.md says nothing about empty strings, and
    leaving an unanswered optional field out cannot be mistaken for an answer.
    """
    if cleaned_value is None or cleaned_value == "" or cleaned_value == []:
        return None
    return _SERIALIZERS[field.type](cleaned_value)


# --- the form ------------------------------------------------------------------------------


def _as_multivaluedict(data: Mapping[str, Any]) -> MultiValueDict[str, str]:
    """Posted data with QueryDict semantics, whatever the caller passed.

    A request always gives a QueryDict; plain dicts (from the session, or a test) may hold
    lists where a scalar is expected, or non-strings, which Django's date fields would crash on.
    """
    if isinstance(data, MultiValueDict):
        return data
    normalized: MultiValueDict[str, str] = MultiValueDict()
    for key, value in data.items():
        items = value if isinstance(value, list | tuple) else [value]
        normalized.setlist(str(key), [str(item) for item in items if item is not None])
    return normalized


def _display_order(fields: Iterable[FormField]) -> list[FormField]:
    """By position when every field has one (stable on ties), else in the API's order."""
    listed = list(fields)
    if any(field.position is None for field in listed):
        return listed
    return sorted(listed, key=lambda field: field.position or 0)


class AnswersForm(forms.Form):
    """The answers to one ticket's form; build it with build_answers_form()."""

    template_name = "shop/partials/answers_form.html"

    def __init__(
        self,
        definition: Form,
        *,
        prefix: str,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
        legend: str | Promise = "",
    ) -> None:
        super().__init__(
            data=None if data is None else _as_multivaluedict(data),
            initial=dict(initial or {}),
            prefix=prefix,
        )
        self.definition = definition
        self.legend = legend
        for definition_field in _display_order(definition.fields):
            self.fields[field_name(definition_field)] = build_field(
                definition_field, form_id=definition.id
            )

    def render(
        self,
        template_name: str | None = None,
        context: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        # Through the project's template engine: Django's form renderer only searches app
        # directories, not templates/. Widgets still render with the form renderer.
        html = render_to_string(template_name or self.template_name, context or self.get_context())
        return mark_safe(html)  # noqa: S308 - the output of an autoescaping template

    __str__ = render
    __html__ = render

    def definition_fields(self) -> list[tuple[str, FormField]]:
        """(field name, definition field) in display order."""
        return [(name, field.korus_field) for name, field in self.fields.items()]  # type: ignore[attr-defined]

    def to_form_data(self) -> FormData:
        """The reservation's formData for this ticket; the form must be valid."""
        if not self.is_valid():
            raise ValueError("to_form_data() needs a valid form")
        values: list[FieldValue] = []
        for name, definition_field in self.definition_fields():
            value = to_api_value(definition_field, self.cleaned_data.get(name))
            if value is not None:
                values.append(FieldValue(field_iri=definition_field.iri, value=value))
        return FormData(form_iri=self.definition.iri, fields=tuple(values))


def build_answers_form(
    definition: Form,
    *,
    prefix: str,
    data: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    legend: str | Promise = "",
) -> AnswersForm:
    """The answers form for one ticket; raises UnsupportedFormField for a type we cannot render.

    ``prefix`` must differ between the forms of one page (one per ticket unit). ``initial``
    takes the raw answers kept in the checkout state (see answer_state.answers_from_session).
    """
    return AnswersForm(definition, prefix=prefix, data=data, initial=initial, legend=legend)


@dataclass(frozen=True, slots=True)
class FormUnavailable:
    """Why a ticket's answers form cannot be shown; ``message`` is safe to show a buyer."""

    form_id: str
    message: str | Promise


def answers_form_or_unavailable(
    definition: Form,
    *,
    prefix: str,
    data: Mapping[str, Any] | None = None,
    initial: Mapping[str, Any] | None = None,
    legend: str | Promise = "",
) -> AnswersForm | FormUnavailable:
    """build_answers_form() for views: an unsupported definition is logged, not raised.

    The buyer learns only that the ticket cannot be booked online; the log names the form and
    the type so that an operator can follow it up with the issuer.
    """
    try:
        return build_answers_form(
            definition, prefix=prefix, data=data, initial=initial, legend=legend
        )
    except UnsupportedFormField as error:
        logger.error(
            "Cannot build the answers form %s: %s %r",
            error.form_id,
            error.reason,
            error.field_type,
            extra={"korus_form_id": error.form_id, "korus_field_type": error.field_type},
        )
        return FormUnavailable(form_id=error.form_id, message=UNAVAILABLE_MESSAGE)
