"""BookingSession: the only code that reads or writes booking keys in request.session.

It stores ids and primitive values only (the chosen quantities, the buyer's raw answers,
the hold's key, the raw customer details), so nothing here goes stale when the catalog
changes. The checkout steps are ordered; `first_incomplete_step` is what each step view's
precondition check redirects to.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "booking"
CLIENT_KEY = "booking_client"

RawAnswers = dict[str, str | list[str]]


class Step(IntEnum):
    """The checkout steps, in the order the buyer goes through them."""

    START = 0  # quantities chosen on the session page
    ANSWERS = 1  # ticket forms answered (or none needed)
    HOLD = 2  # reservation made and not expired
    DETAILS = 3  # customer details given
    CONFIRM = 4


@dataclass(frozen=True, slots=True)
class TicketPlan:
    """What the answers step needs to know about one ticket of an offer."""

    ticket_id: str
    date_access: bool
    form_iri: str | None


@dataclass(frozen=True, slots=True)
class LinePlan:
    """One offer the buyer asked for, with its quantity and its tickets."""

    offer_id: str
    quantity: int
    tickets: tuple[TicketPlan, ...]

    def to_session(self) -> dict[str, Any]:
        return {
            "offer": self.offer_id,
            "qty": self.quantity,
            "tickets": [[t.ticket_id, t.date_access, t.form_iri] for t in self.tickets],
        }

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> LinePlan:
        return cls(
            offer_id=str(data["offer"]),
            quantity=int(data["qty"]),
            tickets=tuple(
                TicketPlan(str(t[0]), bool(t[1]), t[2] if t[2] else None) for t in data["tickets"]
            ),
        )


def answers_prefix(offer_id: str, ticket_id: str, unit: int) -> str:
    """The form prefix of one ticket unit: unique per offer, ticket and unit."""
    return f"t-{offer_id[:8]}-{ticket_id[:8]}-{unit}"


class BookingSession:
    """The checkout state of one browser, kept in its Django session."""

    def __init__(self, session: SessionBase) -> None:
        self._session = session

    # -- internal -------------------------------------------------------------------------
    @property
    def _data(self) -> dict[str, Any]:
        data = self._session.get(SESSION_KEY)
        return data if isinstance(data, dict) else {}

    def _update(self, **values: Any) -> None:
        data = dict(self._data)
        data.update(values)
        self._session[SESSION_KEY] = data

    # -- identity ---------------------------------------------------------------------------
    @property
    def client_hash(self) -> str:
        """A stable, non-secret id of this browser for limits and the reservation mirror.

        The session key itself changes (cycled on each hold), so a random id kept inside the
        session is what survives; only its hash leaves the session.
        """
        client = self._session.get(CLIENT_KEY)
        if not isinstance(client, str):
            client = secrets.token_urlsafe(16)
            self._session[CLIENT_KEY] = client
        return hashlib.sha256(client.encode()).hexdigest()

    def cycle_key(self) -> None:
        # A new session key once a hold is bound to it: a key seen before (fixation) no
        # longer leads to the buyer's reservation.
        self._session.cycle_key()

    # -- step START -------------------------------------------------------------------------
    def start(self, *, event_id: str, session_id: str, lines: list[LinePlan]) -> None:
        """Begin a checkout; answers already typed for the same offers are kept."""
        previous = self._data
        kept_answers = previous.get("answers", {}) if isinstance(previous, dict) else {}
        self._session[SESSION_KEY] = {
            "event": event_id,
            "session": session_id,
            "lines": [line.to_session() for line in lines],
            "answers": kept_answers if isinstance(kept_answers, dict) else {},
            "answers_ok": False,
            "details": previous.get("details", {}),
            "details_ok": False,
        }

    @property
    def event_id(self) -> str | None:
        value = self._data.get("event")
        return value if isinstance(value, str) else None

    @property
    def session_id(self) -> str | None:
        value = self._data.get("session")
        return value if isinstance(value, str) else None

    @property
    def lines(self) -> list[LinePlan]:
        raw = self._data.get("lines")
        if not isinstance(raw, list):
            return []
        try:
            return [LinePlan.from_session(line) for line in raw]
        except (KeyError, TypeError, ValueError, IndexError):
            return []

    # -- step ANSWERS -----------------------------------------------------------------------
    def answers(self, prefix: str) -> RawAnswers:
        stored = self._data.get("answers", {})
        value = stored.get(prefix) if isinstance(stored, dict) else None
        return dict(value) if isinstance(value, dict) else {}

    def all_answers(self) -> dict[str, RawAnswers]:
        stored = self._data.get("answers", {})
        return dict(stored) if isinstance(stored, dict) else {}

    def save_answers(self, answers: Mapping[str, RawAnswers], *, complete: bool) -> None:
        merged = self.all_answers()
        merged.update({prefix: dict(raw) for prefix, raw in answers.items()})
        # Any change to the answers invalidates a hold made with the old ones.
        self._update(answers=merged, answers_ok=complete)

    @property
    def answers_complete(self) -> bool:
        return bool(self._data.get("answers_ok"))

    # -- step HOLD --------------------------------------------------------------------------
    def set_hold(self, hold_key: str) -> None:
        self._update(hold=hold_key)

    def clear_hold(self) -> None:
        data = dict(self._data)
        data.pop("hold", None)
        self._session[SESSION_KEY] = data

    @property
    def hold_key(self) -> str | None:
        value = self._data.get("hold")
        return value if isinstance(value, str) else None

    # -- step DETAILS -----------------------------------------------------------------------
    def save_details(self, details: Mapping[str, Any], *, complete: bool) -> None:
        clean = {k: v for k, v in details.items() if isinstance(v, str | bool)}
        self._update(details=clean, details_ok=complete)

    @property
    def details(self) -> dict[str, Any]:
        value = self._data.get("details")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def details_complete(self) -> bool:
        return bool(self._data.get("details_ok"))

    # -- end --------------------------------------------------------------------------------
    def finish(self, order_secret: str) -> None:
        """The order exists: forget the checkout, remember the order for a reload."""
        self._session[SESSION_KEY] = {"last_order": order_secret}

    @property
    def last_order(self) -> str | None:
        value = self._data.get("last_order")
        return value if isinstance(value, str) else None

    def clear(self) -> None:
        self._session.pop(SESSION_KEY, None)

    # -- preconditions ----------------------------------------------------------------------
    def first_incomplete_step(self, *, hold_valid: bool) -> Step:
        """The earliest step still to do; `hold_valid` comes from the services (expiry)."""
        if not self.lines:
            return Step.START
        if not self.answers_complete:
            return Step.ANSWERS
        if not (self.hold_key and hold_valid):
            return Step.HOLD
        if not self.details_complete:
            return Step.DETAILS
        return Step.CONFIRM
