"""Small, strict converters from JSON-LD values to Python values (used by models.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any


def iri_of(data: Mapping[str, Any]) -> str:
    iri = data.get("@id")
    if not isinstance(iri, str) or not iri:
        raise ValueError("resource without an @id")
    return iri


def last_segment(iri: str) -> str:
    return iri.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def id_of(data: Mapping[str, Any]) -> str:
    """The resource id: its `id` field, else the last segment of its IRI."""
    value = data.get("id")
    if value is not None and value != "":
        return str(value)
    return last_segment(iri_of(data))


def opt_iri(value: Any) -> str | None:
    """An IRI reference that may be given as a string, an embedded object or null."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        iri = value.get("@id")
        return iri if isinstance(iri, str) and iri else None
    return str(value)


def opt_id(iri: str | None) -> str | None:
    return last_segment(iri) if iri else None


def opt_str(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)


def opt_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    return int(value)


def to_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def to_decimal(value: Any) -> Decimal:
    if value is None or isinstance(value, bool):
        raise ValueError("amount missing")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal amount: {value!r}") from exc


def opt_decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else to_decimal(value)


def to_datetime(value: Any) -> dt.datetime:
    """A timezone-aware datetime; a naive value is taken as UTC (the API documents UTC)."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a date-time: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def opt_datetime(value: Any) -> dt.datetime | None:
    return None if value is None or value == "" else to_datetime(value)


def opt_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    # Some payloads give a date-time where a date is documented: keep the calendar day.
    return dt.date.fromisoformat(value[:10])


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a JSON array (null or absent = empty; non-objects skipped)."""
    if not value:
        return []
    return [entry for entry in value if isinstance(entry, Mapping)]
