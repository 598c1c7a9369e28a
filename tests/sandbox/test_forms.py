"""Form answers in reservations: validated against the form, 422 naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import hold, reserve

VALID = {
    "visitor_name": "M. Doe",
    "needs_wheelchair": "false",
    "group_size": "3",
    "budget": "2.99",
    "birth_date": "2001-01-01",
    "arrival_time": "07:30",
    "callback_at": "2025-01-01 00:00:00",
    "language": "en",
    "interests": "history,food",
}


def _form_data(client: httpx.Client, demo, answers: dict[str, str]) -> dict[str, Any]:
    form = client.get(demo.form_iri).json()
    ids = {f["code"]: f["@id"] for f in form["fields"]}
    return {
        "form": demo.form_iri,
        "fields": [{"field": ids[code], "value": value} for code, value in answers.items()],
    }


def test_valid_answers_are_accepted(sandbox_demo, sandbox_client: httpx.Client):
    data = _form_data(sandbox_client, sandbox_demo, VALID)
    reservation = hold(sandbox_client, sandbox_demo.tour.reservation_item(1, data))
    assert reservation["status"] == "reserved"


def test_optional_fields_may_be_left_out(sandbox_demo, sandbox_client: httpx.Client):
    required = {k: VALID[k] for k in ("visitor_name", "needs_wheelchair", "group_size", "language")}
    data = _form_data(sandbox_client, sandbox_demo, required)
    assert reserve(sandbox_client, sandbox_demo.tour.reservation_item(1, data)).status_code == 200


@pytest.mark.parametrize(
    ("code", "value", "error"),
    [
        ("needs_wheelchair", "yes", "invalid_bool"),
        ("group_size", "three", "invalid_integer"),
        ("budget", "2,99", "invalid_decimal"),
        ("birth_date", "01/01/2001", "invalid_date"),
        ("arrival_time", "7h30", "invalid_time"),
        ("callback_at", "2025-01-01T00:00", "invalid_datetime"),
        ("language", "de", "invalid_choice"),
        ("interests", "history,sport", "invalid_choice"),
    ],
)
def test_bad_value_is_422_naming_the_field(
    sandbox_demo, sandbox_client: httpx.Client, code, value, error
):
    data = _form_data(sandbox_client, sandbox_demo, {**VALID, code: value})
    response = reserve(sandbox_client, sandbox_demo.tour.reservation_item(1, data))
    violation = response.json()["violations"][0]
    assert response.status_code == 422
    assert violation["propertyPath"] == f"items[0].ticketSessions[0].formData.fields[{code}]"
    assert violation["code"] == error


def test_missing_required_field_is_422_naming_it(sandbox_demo, sandbox_client: httpx.Client):
    answers = {k: v for k, v in VALID.items() if k != "group_size"}
    data = _form_data(sandbox_client, sandbox_demo, answers)
    response = reserve(sandbox_client, sandbox_demo.tour.reservation_item(1, data))
    violation = response.json()["violations"][0]
    assert violation["propertyPath"].endswith("fields[group_size]")
    assert violation["code"] == "required"


def test_form_ticket_without_form_data_is_422(sandbox_demo, sandbox_client: httpx.Client):
    response = reserve(sandbox_client, sandbox_demo.tour.reservation_item(1))
    assert response.status_code == 422
    assert {v["code"] for v in response.json()["violations"]} == {"required"}
