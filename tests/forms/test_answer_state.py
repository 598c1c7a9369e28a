from __future__ import annotations

import json
import re

from shop.forms.answer_state import (
    RAW_MAX_CHARS,
    answers_from_session,
    answers_to_data,
    answers_to_session,
    copy_first_answers,
)
from shop.forms.answers import build_answers_form
from tests.forms.definitions import VALID_ANSWERS, field_payload, form_with, name_of, posted


def test_the_raw_answers_are_kept_even_when_invalid(definition):
    answers = {**VALID_ANSWERS, "children_count": "three", "height_m": "2,5"}
    form = build_answers_form(definition, prefix="t0", data=posted(answers))
    assert not form.is_valid()

    raw = answers_to_session(form)

    assert raw[name_of("children_count")] == "three"
    assert raw[name_of("height_m")] == "2,5"
    assert raw[name_of("allergies")] == ["gluten", "lactose"]


def test_raw_answers_are_keyed_without_the_form_prefix(definition):
    form = build_answers_form(
        definition, prefix="offer-3-unit-1", data=posted(VALID_ANSWERS, prefix="offer-3-unit-1")
    )

    assert set(answers_to_session(form)) == {name_of(code) for code in VALID_ANSWERS}


def test_unposted_fields_are_not_stored(definition):
    form = build_answers_form(definition, prefix="t0", data=posted({"last_name": "Doe"}))

    assert answers_to_session(form) == {name_of("last_name"): "Doe"}


def test_raw_answers_survive_the_session_serializer(definition):
    answers = {**VALID_ANSWERS, "last_name": "Zoë \x00 \ud800"}
    form = build_answers_form(definition, prefix="t0", data=posted(answers))

    raw = answers_to_session(form)

    assert json.loads(json.dumps(raw)) == raw


def test_a_huge_raw_value_is_clipped(definition):
    form = build_answers_form(definition, prefix="t0", data=posted({"last_name": "x" * 10**6}))

    assert len(answers_to_session(form)[name_of("last_name")]) == RAW_MAX_CHARS


def test_stored_answers_come_back_as_initial_values_on_the_page(definition):
    form = build_answers_form(definition, prefix="t0", data=posted(VALID_ANSWERS))
    raw = answers_to_session(form)

    again = build_answers_form(
        definition, prefix="t0", initial=answers_from_session(raw, definition)
    )

    html = str(again)
    assert 'value="M. Doe"' in html
    assert 'value="2025-01-01"' in html
    assert re.search(r'<input[^>]*value="gluten"[^>]*checked', html)
    assert re.search(r'<input[^>]*value="lactose"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="peanuts"[^>]*checked', html)


def test_stored_answers_rebound_as_data_give_the_same_form_data(definition):
    form = build_answers_form(definition, prefix="t0", data=posted(VALID_ANSWERS))
    raw = answers_to_session(form)

    rebound = build_answers_form(definition, prefix="t1", data=answers_to_data(raw, prefix="t1"))

    assert rebound.is_valid(), rebound.errors
    assert rebound.to_form_data() == form.to_form_data()


def test_an_unbound_form_stores_its_initial_answers(definition):
    initial = {name_of("last_name"): "Doe"}
    form = build_answers_form(definition, prefix="t0", initial=initial)

    assert answers_to_session(form) == initial


def test_answers_to_fields_the_issuer_removed_are_dropped():
    definition = form_with(field_payload("last_name"))
    raw = {name_of("last_name"): "Doe", name_of("menu"): "fish"}

    assert answers_from_session(raw, definition) == {name_of("last_name"): "Doe"}


def test_stored_values_of_the_wrong_shape_are_coerced():
    definition = form_with(field_payload("last_name"), field_payload("allergies"))
    raw = {name_of("last_name"): ["Smith", "Doe"], name_of("allergies"): "gluten"}

    assert answers_from_session(raw, definition) == {
        name_of("last_name"): "Doe",
        name_of("allergies"): ["gluten"],
    }


def test_copy_from_the_first_ticket_fills_every_other_unit():
    first = {"q_a": "Doe", "q_b": ["gluten"]}

    units = copy_first_answers([first, {"q_a": "Smith"}, {}])

    assert units == [first, first, first]


def test_copied_answers_are_independent_of_each_other():
    units = copy_first_answers([{"q_b": ["gluten"]}, {}])

    units[1]["q_b"].append("peanuts")

    assert units[0]["q_b"] == ["gluten"]


def test_copying_no_units_gives_no_units():
    assert copy_first_answers([]) == []
