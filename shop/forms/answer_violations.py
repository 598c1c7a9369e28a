"""A 422 from the reservation call, mapped back onto the answers form that caused it.

API Platform names the offending value by a property path. The issuer's paths for form answers
are not documented, so several spellings are accepted, most specific first: the field's IRI,
its id, an index into the posted ``formData.fields[N]``, and finally its code as a path token.
What matches nothing becomes a form-level error rather than being dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shop.forms.answers import AnswersForm, field_name
from shop.korus.models import FormField

REASON_MAX_CHARS = 150
_INDEX_RE = re.compile(r"fields\[(\d+)\]")
_NOISE_RE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]+")


class ViolationLike(Protocol):
    """What the client's Violation provides (shop.korus.errors.Violation fits)."""

    @property
    def property_path(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def code(self) -> str | None: ...


# Symfony Validator codes, which API Platform passes through: for these we can say what is
# wrong in our own words instead of quoting the issuer.
_KNOWN_CODES: dict[str, str] = {
    "c1051bb4-d103-4f74-8988-acbcafc7fdc3": "blank",  # NotBlank
    "ad32d13f-c3d4-423b-909a-857b961eb720": "blank",  # NotNull
    "8e179f1b-97aa-4560-a02f-2a8b42e49df7": "choice",  # Choice: no such choice
    "11edd7eb-5872-4b6e-9f12-89923999fd0e": "choice",  # Choice: too few
    "d94b19cc-114f-4f44-9cc4-4138e80a87b9": "too_long",  # Length: too long
    "bd79c0ab-ddba-46cc-a703-a7a4b08de310": "email",  # Email
    "ba785a8c-82cb-4283-967c-3cf342181b40": "invalid",  # Type
}


def _own_words(kind: str) -> str:
    return {
        "blank": _("The ticket office needs an answer here."),
        "choice": _("The ticket office did not accept this choice; select one of the options."),
        "too_long": _("The ticket office found this answer too long; shorten it."),
        "email": _("The ticket office did not accept this email address."),
        "invalid": _("The ticket office did not accept this answer; check its format."),
    }[kind]


def _reason(message: str) -> str:
    text = " ".join(_NOISE_RE.sub(" ", message).split())
    if len(text) > REASON_MAX_CHARS:
        text = text[: REASON_MAX_CHARS - 1].rstrip() + "…"
    return text


def buyer_message(violation: ViolationLike, *, on_field: bool) -> str:
    """A short sentence for the buyer; the issuer's text only ever appears as a quoted reason."""
    kind = _KNOWN_CODES.get(violation.code or "")
    if kind is not None and on_field:
        return _own_words(kind)
    reason = _reason(violation.message)
    if on_field:
        if not reason:
            return _own_words("invalid")
        return _("The ticket office did not accept this answer: %(reason)s") % {"reason": reason}
    if not reason:
        return _("The ticket office did not accept these answers. Check them and try again.")
    return _("The ticket office did not accept these answers: %(reason)s") % {"reason": reason}


def _posted_fields(form: AnswersForm) -> list[FormField]:
    """The definition fields in the order formData listed them, so that an index finds one."""
    definition_fields = [field for _name, field in form.definition_fields()]
    if not form.is_valid():
        return definition_fields
    posted = {value.field_iri for value in form.to_form_data().fields}
    return [field for field in definition_fields if field.iri in posted]


def _code_token(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])")


def match_field(property_path: str, form: AnswersForm, posted: list[FormField]) -> str | None:
    """The name of the form field a property path points at, or None."""
    definition_fields = [field for _name, field in form.definition_fields()]
    for field in definition_fields:
        if field.iri and field.iri in property_path:
            return field_name(field)
    for field in definition_fields:
        if field.id and field.id in property_path:
            return field_name(field)
    indexes = _INDEX_RE.findall(property_path)
    if indexes:
        # An index is authoritative: a stray code match on "value" must not override it.
        index = int(indexes[-1])
        return field_name(posted[index]) if index < len(posted) else None
    for field in definition_fields:
        if field.code and _code_token(field.code).search(property_path):
            return field_name(field)
    return None


def apply_violations(form: AnswersForm, violations: Iterable[ViolationLike]) -> None:
    """Add each violation to its field's errors, or to the form's non-field errors.

    The form must be bound (re-bind it from the stored raw answers if needed): Django only
    shows errors on bound forms. The caller passes only the violations of this ticket's
    formData; the paths are matched within this one form.
    """
    if not form.is_bound:
        raise ValueError("apply_violations() needs a bound form")
    posted = _posted_fields(form)
    for violation in violations:
        name = match_field(violation.property_path, form, posted)
        message = buyer_message(violation, on_field=name is not None)
        form.add_error(name, ValidationError(message, code="korus"))
