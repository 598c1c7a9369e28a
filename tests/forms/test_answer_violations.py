from __future__ import annotations

import json

import pytest

from shop.forms.answer_violations import apply_violations
from shop.forms.answers import build_answers_form
from shop.korus.errors import ValidationFailed, Violation, error_for_status
from tests.forms.definitions import (
    ALL_TYPES_PAYLOAD,
    VALID_ANSWERS,
    field_payload,
    form_with,
    iri_of,
    name_of,
    posted,
)

NOT_BLANK = "c1051bb4-d103-4f74-8988-acbcafc7fdc3"


def violations_from_422(*violations: dict) -> tuple[Violation, ...]:
    """Violations as the client parses them from a 422 body shaped like API Platform's."""
    body = {
        "@context": "/contexts/ConstraintViolationList",
        "@id": "/validation_errors/0",
        "@type": "ConstraintViolationList",
        "status": 422,
        "title": "An error occurred",
        "detail": "; ".join(f"{v['propertyPath']}: {v['message']}" for v in violations),
        "violations": list(violations),
    }
    error = error_for_status(422, json.dumps(body).encode())
    assert isinstance(error, ValidationFailed)
    return error.violations


@pytest.fixture
def valid_form(definition):
    form = build_answers_form(definition, prefix="t0", data=posted(VALID_ANSWERS))
    assert form.is_valid(), form.errors
    return form


def test_a_violation_naming_the_field_iri_lands_on_that_field(valid_form):
    violations = violations_from_422(
        {
            "propertyPath": f"items[0].ticketSessions[1].formData.fields[{iri_of('menu')}]",
            "message": "This value is not valid.",
            "code": None,
        }
    )

    apply_violations(valid_form, violations)

    assert list(valid_form.errors) == [name_of("menu")]


def test_a_violation_naming_the_field_id_lands_on_that_field(valid_form):
    field_id = field_payload("children_count")["id"]

    apply_violations(valid_form, [Violation(f"formData.{field_id}", "Too many.", None)])

    assert list(valid_form.errors) == [name_of("children_count")]


def test_a_violation_indexing_the_posted_fields_lands_on_that_field(valid_form):
    violations = violations_from_422(
        {
            "propertyPath": "items[0].ticketSessions[0].formData.fields[2].value",
            "message": "This value should be less than 3.",
            "code": "079d7420-2d13-460c-8756-de810eeb37d2",
        }
    )

    apply_violations(valid_form, violations)

    assert list(valid_form.errors) == [name_of("children_count")]


def test_an_index_counts_only_the_fields_that_were_posted(definition):
    answers = {code: value for code, value in VALID_ANSWERS.items() if code != "allergies"}
    # Move the optional field first so that leaving it out shifts every index.
    payload = field_payload("allergies")
    payload["position"] = 0
    others = [f for f in ALL_TYPES_PAYLOAD["fields"] if f["code"] != "allergies"]
    form = build_answers_form(form_with(payload, *others), prefix="t0", data=posted(answers))
    assert form.is_valid(), form.errors

    apply_violations(form, [Violation("formData.fields[0].value", "Too short.", None)])

    assert list(form.errors) == [name_of("last_name")]


def test_a_violation_naming_the_field_code_lands_on_that_field(valid_form):
    apply_violations(valid_form, [Violation("formData[arrival_time]", "Too early.", None)])

    assert list(valid_form.errors) == [name_of("arrival_time")]


def test_an_unmatched_violation_becomes_a_form_error(valid_form):
    apply_violations(valid_form, [Violation("items[0].quantity", "Too many tickets.", None)])

    assert valid_form.non_field_errors() == [
        "The ticket office did not accept these answers: Too many tickets."
    ]


def test_an_index_beyond_the_posted_fields_becomes_a_form_error(valid_form):
    apply_violations(valid_form, [Violation("formData.fields[42].value", "Bad.", None)])

    assert list(valid_form.errors) == ["__all__"]


def test_the_issuer_message_is_never_shown_alone(valid_form):
    apply_violations(valid_form, [Violation(f"fields[{iri_of('menu')}]", "Plat épuisé.", None)])

    assert valid_form.errors[name_of("menu")] == [
        "The ticket office did not accept this answer: Plat épuisé."
    ]


def test_a_known_constraint_code_is_explained_in_our_own_words(valid_form):
    apply_violations(
        valid_form, [Violation(f"fields[{iri_of('menu')}]", "Ne doit pas être vide.", NOT_BLANK)]
    )

    assert valid_form.errors[name_of("menu")] == ["The ticket office needs an answer here."]


def test_a_long_or_noisy_issuer_message_is_cleaned_and_shortened(valid_form):
    message = "Invalid\x00 value\n" + "x" * 500

    apply_violations(valid_form, [Violation(f"fields[{iri_of('menu')}]", message, None)])

    shown = valid_form.errors[name_of("menu")][0]
    assert "\x00" not in shown
    assert "\n" not in shown
    assert len(shown) < 220
    assert shown.endswith("…")


def test_violations_make_the_form_invalid_and_drop_the_cleaned_value(valid_form):
    apply_violations(valid_form, [Violation(f"fields[{iri_of('menu')}]", "No.", None)])

    assert not valid_form.is_valid()
    assert name_of("menu") not in valid_form.cleaned_data


def test_violations_need_a_bound_form(definition):
    form = build_answers_form(definition, prefix="t0")

    with pytest.raises(ValueError, match="bound"):
        apply_violations(form, [Violation("x", "y", None)])
