"""Raw answers kept in the checkout state, so that nothing a buyer typed is lost.

What is stored is what was posted, not the cleaned values: an invalid answer comes back on the
page exactly as typed, next to its error, after going back, after a failed validation, and when
an expired reservation is remade. Keys are field names (``q_<field id>``) without the form
prefix, so that answers move freely between ticket units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict

from shop.forms.answers import AnswersForm, field_name
from shop.korus.models import Form

RawValue = str | list[str]
RawAnswers = dict[str, RawValue]

# Far above any valid answer (text is capped at 1000 characters), low enough that a bot
# posting megabytes cannot bloat the session row. Anything longer was invalid anyway.
RAW_MAX_CHARS = 10_000
RAW_MAX_ITEMS = 200


def _is_multi(field: forms.Field) -> bool:
    return isinstance(field, forms.MultipleChoiceField)


def _clip(value: Any) -> str:
    return str(value)[:RAW_MAX_CHARS]


def _raw_value(field: forms.Field, value: Any) -> RawValue | None:
    if value is None:
        return None
    if _is_multi(field):
        items = value if isinstance(value, list | tuple) else [value]
        return [_clip(item) for item in items[:RAW_MAX_ITEMS] if item is not None]
    if isinstance(value, list | tuple):
        # QueryDict semantics: the last of repeated values wins.
        return _clip(value[-1]) if value else None
    return _clip(value)


def answers_to_session(form: AnswersForm) -> RawAnswers:
    """The answers as posted (or, for an unbound form, as initially given), ready for JSON."""
    raw: RawAnswers = {}
    for name, field in form.fields.items():
        if form.is_bound:
            value = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        else:
            value = form.initial.get(name)
        stored = _raw_value(field, value)
        if stored is not None and stored != []:
            raw[name] = stored
    return raw


def answers_from_session(raw: Mapping[str, Any], definition: Form) -> RawAnswers:
    """Stored answers for ``initial=``: only the fields the definition still has, well typed.

    The issuer may have changed the form since the answers were saved; an answer to a removed
    field is dropped, and a stored value of the wrong shape is coerced rather than trusted.
    """
    answers: RawAnswers = {}
    for definition_field in definition.fields:
        name = field_name(definition_field)
        if name not in raw:
            continue
        value = raw[name]
        if definition_field.type == "multi_choice":
            items = value if isinstance(value, list | tuple) else [value]
            answers[name] = [_clip(item) for item in items[:RAW_MAX_ITEMS] if item is not None]
        elif isinstance(value, list | tuple):
            if value:
                answers[name] = _clip(value[-1])
        elif value is not None:
            answers[name] = _clip(value)
    return answers


def answers_to_data(raw: Mapping[str, Any], *, prefix: str) -> MultiValueDict[str, str]:
    """Stored answers as posted data for ``data=``, to re-validate them without a new POST."""
    data: MultiValueDict[str, str] = MultiValueDict()
    for name, value in raw.items():
        items = value if isinstance(value, list | tuple) else [value]
        data.setlist(f"{prefix}-{name}", [_clip(item) for item in items if item is not None])
    return data


def copy_first_answers(units: Sequence[Mapping[str, Any]]) -> list[RawAnswers]:
    """The answers of every unit replaced by a copy of the first unit's ("copy from ticket 1").

    All units must answer the same form. Each copy is independent, so editing one unit's
    answers later never changes another's.
    """
    if not units:
        return []
    return [_copy(units[0]) for _unit in units]


def _copy(raw: Mapping[str, Any]) -> RawAnswers:
    return {
        name: list(value) if isinstance(value, list | tuple) else value
        for name, value in raw.items()
    }
