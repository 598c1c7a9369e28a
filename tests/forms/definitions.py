"""Form definitions for the answers-form tests, built the way the shop builds them: from JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from shop.korus.models import Form

FIXTURES = Path(__file__).parent / "fixtures"
FORM_ID = "0195197f-7918-7285-bb4b-7df2b682c3eb"
FORM_IRI = f"/v1/forms/{FORM_ID}"


def load_form_payload() -> dict[str, Any]:
    return json.loads((FIXTURES / "form_all_types.json").read_text())


ALL_TYPES_PAYLOAD = load_form_payload()


def field_payload(code: str) -> dict[str, Any]:
    """A copy of the fixture's field with this code."""
    return copy.deepcopy(next(f for f in ALL_TYPES_PAYLOAD["fields"] if f["code"] == code))


def form_with(*fields: dict[str, Any]) -> Form:
    """A Form holding just these field payloads."""
    payload = copy.deepcopy(ALL_TYPES_PAYLOAD)
    payload["fields"] = list(fields)
    return Form.from_api(payload)


def single_field_form(field_type: str, *, required: bool = True) -> tuple[Form, str]:
    """A form whose only field has this type; returns it and the field's form name."""
    payload = field_payload(CODE_BY_TYPE[field_type])
    payload["required"] = required
    definition = form_with(payload)
    return definition, f"q_{payload['id']}"


CODE_BY_TYPE = {f["type"]: f["code"] for f in ALL_TYPES_PAYLOAD["fields"]}


def all_types_form() -> Form:
    return Form.from_api(load_form_payload())


def name_of(code: str) -> str:
    """The form field name (q_<field id>) of the fixture field with this code."""
    return f"q_{field_payload(code)['id']}"


def iri_of(code: str) -> str:
    return field_payload(code)["@id"]


# What a browser posts for a complete, valid set of answers, by field code.
VALID_ANSWERS: dict[str, str | list[str]] = {
    "last_name": "M. Doe",
    "baby_seat": "true",
    "children_count": "3",
    "height_m": "2.99",
    "birth_date": "2025-01-01",
    "arrival_time": "07:30",
    "pickup_at": "2025-01-01T00:00",
    "menu": "fish",
    "allergies": ["gluten", "lactose"],
}


def posted(answers: dict[str, Any], *, prefix: str = "t0") -> dict[str, Any]:
    """Answers by field code as the prefixed POST data of one ticket's form."""
    return {f"{prefix}-{name_of(code)}": value for code, value in answers.items()}
