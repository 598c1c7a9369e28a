from __future__ import annotations

import logging

import pytest
from django import forms
from django.test import override_settings
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from shop.forms.answers import (
    FIELD_BUILDERS,
    AnswersForm,
    FormUnavailable,
    UnsupportedFormField,
    answers_form_or_unavailable,
    autocomplete_hint,
    build_answers_form,
    encode_multi_choice,
)
from shop.korus.models import FieldValue, FormData
from tests.forms.definitions import (
    FORM_ID,
    FORM_IRI,
    VALID_ANSWERS,
    field_payload,
    form_with,
    iri_of,
    name_of,
    posted,
    single_field_form,
)

ALL_TYPES = [
    "text",
    "bool",
    "integer",
    "decimal",
    "date",
    "time",
    "datetime",
    "single_choice",
    "multi_choice",
]


def bound_single(field_type: str, raw: object, *, required: bool = True) -> tuple[AnswersForm, str]:
    definition, name = single_field_form(field_type, required=required)
    data = {} if raw is None else {f"t0-{name}": raw}
    return build_answers_form(definition, prefix="t0", data=data), name


def api_value(form: AnswersForm) -> str | None:
    values = form.to_form_data().fields
    return values[0].value if values else None


# --- structure ------------------------------------------------------------------------------


def test_the_dispatch_table_covers_the_nine_documented_types():
    assert sorted(FIELD_BUILDERS) == sorted(ALL_TYPES)


def test_fields_are_named_after_the_field_id_in_position_order(definition):
    form = build_answers_form(definition, prefix="t0")

    codes = [
        "last_name",
        "baby_seat",
        "children_count",
        "height_m",
        "birth_date",
        "arrival_time",
        "pickup_at",
        "menu",
        "allergies",
    ]
    assert list(form.fields) == [name_of(code) for code in codes]


def test_each_field_carries_its_definition(definition):
    form = build_answers_form(definition, prefix="t0")

    field = form.fields[name_of("menu")]
    assert field.korus_field.iri == iri_of("menu")
    assert field.korus_field.type == "single_choice"


def test_labels_and_required_flags_come_from_the_definition(definition):
    form = build_answers_form(definition, prefix="t0")

    assert form.fields[name_of("children_count")].label == "Number of children"
    assert form.fields[name_of("children_count")].required is True
    assert form.fields[name_of("allergies")].required is False


def test_help_text_comes_from_the_definition():
    payload = field_payload("last_name")
    payload["helpText"] = "As written on your ID."
    form = build_answers_form(form_with(payload), prefix="t0")

    assert form.fields[name_of("last_name")].help_text == "As written on your ID."


def test_choices_keep_their_labels(definition):
    form = build_answers_form(definition, prefix="t0")

    assert list(form.fields[name_of("allergies")].choices) == [
        ("gluten", "Gluten"),
        ("peanuts", "Peanuts"),
        ("lactose", "Lactose"),
    ]


def test_a_short_single_choice_is_a_radio_group(definition):
    form = build_answers_form(definition, prefix="t0")

    assert isinstance(form.fields[name_of("menu")].widget, forms.RadioSelect)


def test_a_long_single_choice_is_a_select_with_a_blank_first_option():
    payload = field_payload("menu")
    payload["choices"] = [{"value": f"v{i}", "label": f"Option {i}"} for i in range(8)]
    form = build_answers_form(form_with(payload), prefix="t0")

    field = form.fields[name_of("menu")]
    assert isinstance(field.widget, forms.Select)
    assert next(iter(field.choices))[0] == ""


def test_multi_choice_is_a_group_of_checkboxes(definition):
    form = build_answers_form(definition, prefix="t0")

    assert isinstance(form.fields[name_of("allergies")].widget, forms.CheckboxSelectMultiple)


@pytest.mark.parametrize(
    ("code", "input_type"),
    [("birth_date", "date"), ("arrival_time", "time"), ("pickup_at", "datetime-local")],
)
def test_temporal_fields_use_html5_input_types(definition, code, input_type):
    form = build_answers_form(definition, prefix="t0")

    assert f'type="{input_type}"' in str(form[name_of(code)])


def test_a_decimal_field_asks_for_a_decimal_keyboard_in_a_text_input(definition):
    html = str(build_answers_form(definition, prefix="t0")[name_of("height_m")])

    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("code", "hint"),
    [
        ("email", "email"),
        ("customer_email", "email"),
        ("first_name", "given-name"),
        ("firstname", "given-name"),
        ("last_name", "family-name"),
        ("name", "name"),
        ("phone_number", "tel"),
        ("date_of_birth", "bday"),
        ("postal_code", "postal-code"),
        ("allergies", None),
        ("menu", None),
    ],
)
def test_autocomplete_hints_follow_the_field_code(code, hint):
    assert autocomplete_hint(code) == hint


def test_a_text_field_renders_its_autocomplete_hint(definition):
    html = str(build_answers_form(definition, prefix="t0")[name_of("last_name")])

    assert 'autocomplete="family-name"' in html


def test_an_email_coded_text_field_is_an_email_input_that_checks_the_address():
    payload = field_payload("last_name")
    payload["code"] = "email"
    definition = form_with(payload)
    name = name_of("last_name")
    form = build_answers_form(definition, prefix="t0", data={f"t0-{name}": "not-an-address"})

    assert 'type="email"' in str(form[name])
    assert not form.is_valid()
    assert name in form.errors


def test_the_rendered_input_points_at_its_error_and_help_text():
    payload = field_payload("children_count")
    payload["helpText"] = "Under 12."
    name = name_of("children_count")
    form = build_answers_form(form_with(payload), prefix="t0", data={f"t0-{name}": "many"})
    form.is_valid()

    auto_id = form[name].auto_id
    assert f'aria-describedby="{auto_id}_helptext {auto_id}_error"' in str(form[name])
    assert 'aria-invalid="true"' in str(form[name])


# --- valid input gives the exact API string -------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "raw", "expected"),
    [
        ("text", "M. Doe", "M. Doe"),
        ("text", "  M. Doe  ", "M. Doe"),
        ("bool", "true", "true"),
        ("bool", "false", "false"),
        ("integer", "3", "3"),
        ("integer", "-12", "-12"),
        ("decimal", "2.99", "2.99"),
        ("decimal", "2.50", "2.50"),
        ("decimal", ".5", "0.5"),
        ("date", "2025-01-01", "2025-01-01"),
        ("time", "07:30", "07:30"),
        ("time", "07:30:45", "07:30"),
        ("datetime", "2025-01-01T00:00", "2025-01-01 00:00:00"),
        ("datetime", "2025-01-01 07:30:15", "2025-01-01 07:30:15"),
        ("single_choice", "fish", "fish"),
        ("multi_choice", ["gluten", "lactose"], "gluten,lactose"),
        ("multi_choice", ["peanuts"], "peanuts"),
    ],
)
def test_valid_input_gives_the_api_string(field_type, raw, expected):
    form, _name = bound_single(field_type, raw)

    assert form.is_valid(), form.errors
    assert api_value(form) == expected


@override_settings(TIME_ZONE="America/New_York")
def test_a_datetime_answer_is_not_shifted_by_the_site_time_zone():
    form, _name = bound_single("datetime", "2025-03-09T02:30")  # inside New York's DST gap

    assert form.is_valid(), form.errors
    assert api_value(form) == "2025-03-09 02:30:00"


def test_multi_choice_values_are_comma_separated():
    assert encode_multi_choice(["gluten", "peanuts", "lactose"]) == "gluten,peanuts,lactose"


def test_to_form_data_lists_every_answer_by_field_iri_in_position_order(definition):
    form = build_answers_form(definition, prefix="t0", data=posted(VALID_ANSWERS))

    assert form.is_valid(), form.errors
    assert form.to_form_data() == FormData(
        form_iri=FORM_IRI,
        fields=(
            FieldValue(field_iri=iri_of("last_name"), value="M. Doe"),
            FieldValue(field_iri=iri_of("baby_seat"), value="true"),
            FieldValue(field_iri=iri_of("children_count"), value="3"),
            FieldValue(field_iri=iri_of("height_m"), value="2.99"),
            FieldValue(field_iri=iri_of("birth_date"), value="2025-01-01"),
            FieldValue(field_iri=iri_of("arrival_time"), value="07:30"),
            FieldValue(field_iri=iri_of("pickup_at"), value="2025-01-01 00:00:00"),
            FieldValue(field_iri=iri_of("menu"), value="fish"),
            FieldValue(field_iri=iri_of("allergies"), value="gluten,lactose"),
        ),
    )


def test_to_form_data_refuses_an_invalid_form(definition):
    form = build_answers_form(definition, prefix="t0", data={})

    with pytest.raises(ValueError, match="valid"):
        form.to_form_data()


# --- invalid, required and optional ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "raw"),
    [
        ("text", "M. \x00Doe"),
        ("text", "M. \ud800Doe"),
        ("text", "M. \x1bDoe"),
        ("text", "x" * 1001),
        ("bool", "maybe"),
        ("integer", "three"),
        ("integer", "3.5"),
        ("integer", "9" * 5000),
        ("integer", str(2**63)),
        ("decimal", "2.9.9"),
        ("decimal", "1e5"),
        ("decimal", "NaN"),
        ("decimal", "1" * 31),
        ("date", "2025-13-01"),
        ("date", "yesterday"),
        ("time", "25:00"),
        ("datetime", "2025-01-01T25:00"),
        ("datetime", "2025-01-01T07:30+02:00"),
        ("single_choice", "pasta"),
        ("multi_choice", ["gluten", "pasta"]),
    ],
)
def test_invalid_input_is_a_field_error(field_type, raw):
    form, name = bound_single(field_type, raw)

    assert not form.is_valid()
    assert list(form.errors) == [name]


@pytest.mark.parametrize("field_type", ALL_TYPES)
@pytest.mark.parametrize("raw", [None, ""])
def test_a_required_field_left_empty_is_an_error(field_type, raw):
    form, name = bound_single(field_type, raw, required=True)

    assert not form.is_valid()
    assert form.errors[name][0] == "This field is required."


@pytest.mark.parametrize("field_type", ALL_TYPES)
@pytest.mark.parametrize("raw", [None, ""])
def test_an_optional_field_left_empty_is_omitted_from_form_data(field_type, raw):
    form, _name = bound_single(field_type, raw, required=False)

    assert form.is_valid(), form.errors
    assert form.to_form_data().fields == ()


def test_an_optional_bool_offers_no_answer_as_a_choice():
    form, _name = bound_single("bool", "", required=False)

    assert ("", "No answer") in list(form.fields[_name].choices)


def test_a_list_posted_for_a_single_value_field_uses_the_last_value_like_a_query_dict():
    form, _name = bound_single("integer", ["1", "2"])

    assert form.is_valid(), form.errors
    assert api_value(form) == "2"


def test_a_query_dict_is_used_as_posted():
    definition, name = single_field_form("multi_choice")
    data = MultiValueDict({f"t0-{name}": ["gluten", "peanuts"]})
    form = build_answers_form(definition, prefix="t0", data=data)

    assert form.is_valid(), form.errors
    assert api_value(form) == "gluten,peanuts"


# --- locale-aware input ---------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("2,5", "2.5"), ("2,50", "2.50"), ("2.5", "2.5")])
def test_french_buyers_may_type_a_decimal_comma(raw, expected):
    with translation.override("fr"):
        form, _name = bound_single("decimal", raw)
        assert form.is_valid(), form.errors

    assert api_value(form) == expected


def test_an_english_decimal_comma_is_refused_rather_than_guessed():
    with translation.override("en"):
        form, name = bound_single("decimal", "2,5")
        assert not form.is_valid()

    assert form.errors.as_data()[name][0].code == "comma"


def test_french_buyers_may_type_a_date_the_french_way():
    with translation.override("fr"):
        form, _name = bound_single("date", "25/10/2025")
        assert form.is_valid(), form.errors

    assert api_value(form) == "2025-10-25"


def test_iso_dates_from_the_html5_widget_work_in_french():
    with translation.override("fr"):
        form, _name = bound_single("date", "2025-10-25")
        assert form.is_valid(), form.errors

    assert api_value(form) == "2025-10-25"


# --- unsupported definitions ----------------------------------------------------------------


def test_an_unknown_field_type_raises_with_the_form_id_and_type():
    payload = field_payload("last_name")
    payload["type"] = "signature"

    with pytest.raises(UnsupportedFormField) as caught:
        build_answers_form(form_with(payload), prefix="t0")

    assert (caught.value.form_id, caught.value.field_type) == (FORM_ID, "signature")


def test_an_unknown_field_type_is_logged_and_the_ticket_is_unavailable(caplog):
    payload = field_payload("last_name")
    payload["type"] = "signature"

    with caplog.at_level(logging.ERROR, logger="shop.forms.answers"):
        result = answers_form_or_unavailable(form_with(payload), prefix="t0")

    assert isinstance(result, FormUnavailable)
    assert str(result.message) == "This ticket cannot be booked online right now."
    assert FORM_ID in caplog.text
    assert "signature" in caplog.text


def test_a_choice_field_without_choices_makes_the_ticket_unavailable(caplog):
    payload = field_payload("menu")
    payload["choices"] = []

    with caplog.at_level(logging.ERROR, logger="shop.forms.answers"):
        result = answers_form_or_unavailable(form_with(payload), prefix="t0")

    assert isinstance(result, FormUnavailable)
    assert FORM_ID in caplog.text


def test_a_supported_definition_gives_the_form(definition):
    result = answers_form_or_unavailable(definition, prefix="t0")

    assert isinstance(result, AnswersForm)
