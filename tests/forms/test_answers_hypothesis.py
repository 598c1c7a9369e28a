"""Arbitrary posted data never breaks an answers form, and valid answers always serialize well."""

from __future__ import annotations

import json
import re

from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from shop.forms.answer_state import answers_to_session
from shop.forms.answers import build_answers_form
from tests.forms.definitions import ALL_TYPES_PAYLOAD, all_types_form, name_of

DEFINITION = all_types_form()
CHOICES = {f["code"]: [c["value"] for c in f["choices"]] for f in ALL_TYPES_PAYLOAD["fields"]}
TYPES = {f["code"]: f["type"] for f in ALL_TYPES_PAYLOAD["fields"]}

# API.md §5.2, one pattern per type.
FORMATS = {
    "bool": re.compile(r"true|false"),
    "integer": re.compile(r"-?\d+"),
    "decimal": re.compile(r"-?\d+(\.\d+)?"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}"),
    "datetime": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
}

# Any unicode, including NUL, controls and lone surrogates; sometimes huge.
junk_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=50),
    st.sampled_from(["", " ", "\x00", "\ud800", "NaN", "1e999999", "-0", "٣", "2,5"]),
    # Huge values, built rather than drawn: drawing 20,000 characters is slow to generate.
    st.builds(lambda text, n: (text or "9") * n, st.text(max_size=3), st.integers(1000, 20000)),
)
scalar = st.one_of(junk_text, st.integers(), st.floats(), st.booleans(), st.none())
# Plausible values, so that a good share of the examples are valid forms.
plausible = {
    "text": st.text(min_size=1, max_size=30),
    "bool": st.sampled_from(["true", "false"]),
    "integer": st.integers(min_value=-(2**70), max_value=2**70).map(str),
    "decimal": st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
    | st.from_regex(r"-?\d{1,6},\d{1,3}", fullmatch=True),
    "date": st.dates().map(lambda d: d.isoformat()),
    "time": st.times().map(lambda t: t.isoformat()),
    "datetime": st.datetimes().map(lambda d: d.isoformat()),
}


def value_for(code: str) -> st.SearchStrategy:
    field_type = TYPES[code]
    if field_type in ("single_choice", "multi_choice"):
        good = st.sampled_from(CHOICES[code])
        return st.one_of(good, st.lists(good | junk_text, max_size=5), scalar)
    return st.one_of(plausible[field_type], scalar, st.lists(scalar, max_size=3))


@st.composite
def posted_data(draw: st.DrawFn) -> dict:
    data = {}
    for code in TYPES:
        if draw(st.booleans()):  # missing keys too
            data[f"t0-{name_of(code)}"] = draw(value_for(code))
    extra = draw(st.dictionaries(junk_text, scalar | st.lists(scalar), max_size=3))
    return {**extra, **data}


def check_form_data(form) -> None:
    definition_by_iri = {f.iri: f for f in DEFINITION.fields}
    for value in form.to_form_data().fields:
        assert isinstance(value.value, str)
        field = definition_by_iri[value.field_iri]
        if field.type in FORMATS:
            assert FORMATS[field.type].fullmatch(value.value), (field.type, value.value)
        elif field.type == "single_choice":
            assert value.value in CHOICES[field.code]
        elif field.type == "multi_choice":
            assert set(value.value.split(",")) <= set(CHOICES[field.code])
        else:
            assert value.value
            value.value.encode("utf-8")  # no lone surrogate reaches the API
            assert "\x00" not in value.value


def exercise(data: dict, language: str) -> None:
    with translation.override(language):
        form = build_answers_form(DEFINITION, prefix="t0", data=data)

        valid = form.is_valid()
        event("valid" if valid else "invalid")
        if valid:
            check_form_data(form)
        else:
            assert form.errors
        raw = answers_to_session(form)
        str(form)

    assert json.loads(json.dumps(raw)) == raw


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=posted_data(), language=st.sampled_from(["en", "fr"]))
def test_arbitrary_posted_data_never_breaks_the_form(data, language):
    exercise(data, language)


@st.composite
def plausible_data(draw: st.DrawFn) -> dict:
    data = {}
    for code, field_type in TYPES.items():
        if field_type == "multi_choice":
            value = draw(st.lists(st.sampled_from(CHOICES[code]), unique=True))
        elif field_type == "single_choice":
            value = draw(st.sampled_from(CHOICES[code]))
        else:
            value = draw(plausible[field_type])
        data[f"t0-{name_of(code)}"] = value
    return data


@settings(max_examples=120, deadline=None)
@given(data=plausible_data(), language=st.sampled_from(["en", "fr"]))
def test_a_valid_form_always_serializes_to_the_documented_formats(data, language):
    exercise(data, language)
