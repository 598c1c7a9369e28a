"""Validate reservation formData against a form: required fields, value formats, choices."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sandbox import models as m
from sandbox.api import iri
from sandbox.api.http import violation


def _is_int(value: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", value) is not None


def _is_decimal(value: str) -> bool:
    try:
        return re.fullmatch(r"[+-]?\d+(\.\d+)?", value) is not None and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _strptime(fmt: str, pattern: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        if re.fullmatch(pattern, value) is None:
            return False
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            return False
        return True

    return check


CHECKS: dict[str, tuple[Callable[[str], bool], str]] = {
    "text": (lambda v: True, ""),
    "bool": (lambda v: v in ("true", "false"), 'This value should be "true" or "false".'),
    "integer": (_is_int, "This value should be a valid integer."),
    "decimal": (_is_decimal, "This value should be a valid decimal number."),
    "date": (
        _strptime("%Y-%m-%d", r"\d{4}-\d{2}-\d{2}"),
        "This value should be a date (YYYY-MM-DD).",
    ),
    "time": (_strptime("%H:%M", r"\d{2}:\d{2}"), "This value should be a time (HH:MM)."),
    "datetime": (
        _strptime("%Y-%m-%d %H:%M:%S", r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
        "This value should be a date and time (YYYY-MM-DD HH:MM:SS).",
    ),
}


def _choice_values(field: m.FormField) -> set[str]:
    return {c["value"] for c in field.choices}


def validate(
    form: m.Form, form_data: Any, path: str
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Return (violations, normalised answers [{field, code, value}])."""
    fields = list(form.fields.all())
    if not isinstance(form_data, dict) or not isinstance(form_data.get("fields", []), list):
        return [
            violation(
                f"{path}.formData",
                'This value should be an object with "form" and "fields".',
                "invalid_form_data",
            )
        ], []
    if form_data.get("form") is not None and iri.match("/v1/forms/{id}", form_data["form"]) != {
        "id": form.pk
    }:
        return [
            violation(
                f"{path}.formData.form", f"This value should be {iri.form(form)}.", "invalid_form"
            )
        ], []
    by_iri = {iri.form_field(f): f for f in fields}
    given: dict[str, list[str]] = {}
    problems: list[dict[str, Any]] = []
    for index, entry in enumerate(form_data.get("fields", [])):
        if not isinstance(entry, dict):
            problems.append(
                violation(
                    f"{path}.formData.fields[{index}]",
                    "This value should be an object.",
                    "invalid_entry",
                )
            )
            continue
        field = by_iri.get(_path_of(entry.get("field")))
        if field is None:
            problems.append(
                violation(
                    f"{path}.formData.fields[{index}].field",
                    "This field does not belong to the form.",
                    "unknown_field",
                )
            )
            continue
        value = entry.get("value")
        if not isinstance(value, str):
            problems.append(
                violation(
                    f"{path}.formData.fields[{field.code}]",
                    f"{field.label_en}: the value should be a string.",
                    "invalid_type",
                )
            )
            continue
        given.setdefault(field.code, []).append(value)
    answers: list[dict[str, str]] = []
    for field in fields:
        at = f"{path}.formData.fields[{field.code}]"
        values = [v for v in given.get(field.code, []) if v.strip() != ""]
        if not values:
            if field.required:
                problems.append(
                    violation(at, f"{field.label_en}: this value should not be blank.", "required")
                )
            continue
        if field.type == "multi_choice":
            # Several choices arrive either as repeated entries or comma-separated.
            values = [part.strip() for v in values for part in v.split(",") if part.strip()]
        elif len(values) > 1:
            problems.append(
                violation(at, f"{field.label_en}: one value expected.", "too_many_values")
            )
            continue
        if field.type in ("single_choice", "multi_choice"):
            bad = [v for v in values if v not in _choice_values(field)]
            if bad:
                problems.append(
                    violation(
                        at, f'{field.label_en}: "{bad[0]}" is not a valid choice.', "invalid_choice"
                    )
                )
                continue
        else:
            check, message = CHECKS[field.type]
            if not check(values[0]):
                problems.append(
                    violation(at, f"{field.label_en}: {message}", f"invalid_{field.type}")
                )
                continue
        answers.append(
            {"field": iri.form_field(field), "code": field.code, "value": ",".join(values)}
        )
    return problems, answers


def _path_of(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    found = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*(/.*)$", value)
    return (found.group(1) if found else value).rstrip("/")
