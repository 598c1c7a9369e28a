"""The ticket forms step of the checkout: one answers form per ticket unit that needs one.

A quantity of 3 of an offer whose ticket has a form gives 3 forms. What the buyer typed is
kept raw in the BookingSession (valid or not), so going back, a failed validation and an
expired reservation that is remade all show the same answers again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from shop.forms.answer_state import (
    answers_from_session,
    answers_to_data,
    answers_to_session,
    copy_first_answers,
)
from shop.forms.answer_violations import apply_violations
from shop.forms.answers import AnswersForm, FormUnavailable, answers_form_or_unavailable
from shop.korus.errors import KorusTransientError, NotFound, Violation
from shop.korus.models import Form, FormData
from shop.services import catalog
from shop.services.errors import ServiceUnavailable
from shop.session import BookingSession, RawAnswers, answers_prefix

COPY_FIELD = "copy"


@dataclass(slots=True)
class TicketUnit:
    """One ticket unit of one offer that needs answers."""

    offer_id: str
    ticket_id: str
    unit: int
    quantity: int
    prefix: str
    form: AnswersForm | None
    unavailable: str | None = None


@dataclass(slots=True)
class AnswersStep:
    units: list[TicketUnit] = field(default_factory=list)
    copy_request: tuple[str, str] | None = None
    saved: dict[str, RawAnswers] = field(default_factory=dict)
    # The keys of the POST the forms are bound to (None when not bound to a POST).
    posted_keys: frozenset[str] | None = None
    # Ticket ids of each offer, in the order the request lists them.
    ticket_order: dict[str, list[str]] = field(default_factory=dict)

    def is_valid(self) -> bool:
        return all(u.form is not None and u.form.is_bound and u.form.is_valid() for u in self.units)

    def has_errors(self) -> bool:
        return any(u.form is not None and u.form.is_bound and u.form.errors for u in self.units)

    @property
    def blocking_error(self) -> str | None:
        for unit in self.units:
            if unit.unavailable:
                return unit.unavailable
        return None

    def raw_answers(self) -> dict[str, RawAnswers]:
        """What to keep for each unit; a unit the POST did not mention keeps its saved answers."""
        raw: dict[str, RawAnswers] = {}
        for unit in self.units:
            if unit.form is None:
                continue
            if self.posted_keys is not None and not any(
                key.startswith(unit.prefix + "-") for key in self.posted_keys
            ):
                continue
            raw[unit.prefix] = answers_to_session(unit.form)
        return raw

    def unit_for(self, offer_id: str, ticket_id: str, unit: int) -> TicketUnit | None:
        for candidate in self.units:
            if (candidate.offer_id, candidate.ticket_id, candidate.unit) == (
                offer_id,
                ticket_id,
                unit,
            ):
                return candidate
        return None

    def form_data(self, offer_id: str, ticket_id: str, unit: int) -> FormData | None:
        found = self.unit_for(offer_id, ticket_id, unit)
        if found is None or found.form is None:
            return None
        return found.form.to_form_data()

    def groups(self) -> list[list[TicketUnit]]:
        """Units grouped by (offer, ticket), for the page and its "copy" buttons."""
        grouped: dict[tuple[str, str], list[TicketUnit]] = {}
        for unit in self.units:
            grouped.setdefault((unit.offer_id, unit.ticket_id), []).append(unit)
        return list(grouped.values())

    def apply_violations(
        self, violations: Sequence[Violation], *, item_units: Sequence[tuple[str, int]] = ()
    ) -> list[Violation]:
        """Put each formData violation on its unit's form; return the ones that fit none.

        Paths look like items[i].ticketSessions[j].formData.fields[k].value: item i is
        `item_units[i]` (offer id, ticket unit), entry j is the offer's j-th ticket.
        """
        leftover: list[Violation] = []
        for violation in violations:
            target = self._unit_for_path(violation.property_path, item_units)
            if target is None or target.form is None or not target.form.is_bound:
                leftover.append(violation)
                continue
            apply_violations(target.form, [violation])
        return leftover

    def _unit_for_path(self, path: str, item_units: Sequence[tuple[str, int]]) -> TicketUnit | None:
        if "formData" not in path:
            return None
        item = _index_after(path, "items[")
        entry = _index_after(path, "ticketSessions[")
        if item is None or entry is None or item >= len(item_units):
            with_form = [u for u in self.units if u.form is not None]
            return with_form[0] if len(with_form) == 1 else None
        offer_id, unit = item_units[item]
        ticket_ids = self.ticket_order.get(offer_id, [])
        if entry >= len(ticket_ids):
            return None
        return self.unit_for(offer_id, ticket_ids[entry], unit)


def _index_after(path: str, marker: str) -> int | None:
    start = path.find(marker)
    if start < 0:
        return None
    start += len(marker)
    end = path.find("]", start)
    try:
        return int(path[start:end])
    except ValueError:
        return None


def _definition(form_iri: str) -> Form | None:
    try:
        return catalog.form_get(form_iri)
    except NotFound:
        return None
    except KorusTransientError:
        raise ServiceUnavailable() from None


def _copy_request(data: Mapping[str, Any] | None) -> tuple[str, str] | None:
    if data is None:
        return None
    raw = data.get(COPY_FIELD)
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    if not isinstance(raw, str) or raw.count(":") != 1:
        return None
    offer_id, ticket_id = raw.split(":")
    return offer_id, ticket_id


def answers_step(
    *, booking: BookingSession, data: Mapping[str, Any] | None, bind_saved: bool = False
) -> AnswersStep:
    """Build the step's forms: bound to `data`, or to the saved answers, or unbound with them."""
    step = AnswersStep(
        copy_request=_copy_request(data),
        saved=booking.all_answers(),
        posted_keys=frozenset(str(key) for key in data) if data is not None else None,
    )
    for line in booking.lines:
        step.ticket_order[line.offer_id] = [t.ticket_id for t in line.tickets]
        for ticket in line.tickets:
            if not ticket.form_iri:
                continue
            definition = _definition(ticket.form_iri)
            for unit in range(line.quantity):
                prefix = answers_prefix(line.offer_id, ticket.ticket_id, unit)
                if definition is None:
                    step.units.append(
                        TicketUnit(
                            line.offer_id,
                            ticket.ticket_id,
                            unit,
                            line.quantity,
                            prefix,
                            None,
                            unavailable=_("This ticket cannot be booked online right now."),
                        )
                    )
                    continue
                saved = booking.answers(prefix)
                legend = _("Ticket %(n)d of %(total)d") % {"n": unit + 1, "total": line.quantity}
                if data is not None:
                    built = answers_form_or_unavailable(
                        definition, prefix=prefix, data=data, legend=legend
                    )
                elif bind_saved:
                    built = answers_form_or_unavailable(
                        definition,
                        prefix=prefix,
                        data=answers_to_data(
                            answers_from_session(saved, definition), prefix=prefix
                        ),
                        legend=legend,
                    )
                else:
                    built = answers_form_or_unavailable(
                        definition,
                        prefix=prefix,
                        initial=answers_from_session(saved, definition),
                        legend=legend,
                    )
                if isinstance(built, FormUnavailable):
                    step.units.append(
                        TicketUnit(
                            line.offer_id,
                            ticket.ticket_id,
                            unit,
                            line.quantity,
                            prefix,
                            None,
                            unavailable=str(built.message),
                        )
                    )
                else:
                    step.units.append(
                        TicketUnit(
                            line.offer_id, ticket.ticket_id, unit, line.quantity, prefix, built
                        )
                    )
    return step


def copy_from_first(*, booking: BookingSession, step: AnswersStep) -> AnswersStep:
    """Copy unit 0's raw answers into the other units of the same (offer, ticket)."""
    if step.copy_request is None:
        return step
    offer_id, ticket_id = step.copy_request
    group = [u for u in step.units if (u.offer_id, u.ticket_id) == (offer_id, ticket_id)]
    if len(group) < 2 or any(u.form is None for u in group):
        return step
    raws = [answers_to_session(u.form) for u in group if u.form is not None]
    copies = copy_first_answers(raws)
    for unit, raw in zip(group, copies, strict=True):
        assert unit.form is not None
        # Unbound with the copied answers: the buyer sees them filled in, without errors yet.
        unit.form = answers_form_or_unavailable(
            unit.form.definition,
            prefix=unit.prefix,
            initial=answers_from_session(raw, unit.form.definition),
            legend=unit.form.legend,
        )  # type: ignore[assignment]
    return step
