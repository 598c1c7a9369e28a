"""Typed, immutable views of KorusTicket payloads, built once at the boundary.

Every resource keeps its IRI (`iri`, the JSON-LD `@id`) and its `id`. Unknown fields are ignored,
`@context` may be a string or an object (it is not read), nullable fields become None, money is
Decimal built from the API's strings, date-times are timezone-aware and dates are `datetime.date`.
Code outside shop/korus never sees a dict from the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, NamedTuple, TypeVar

from shop.korus._parse import (
    id_of,
    iri_of,
    mappings,
    opt_date,
    opt_datetime,
    opt_decimal,
    opt_id,
    opt_int,
    opt_iri,
    opt_str,
    to_bool,
    to_datetime,
    to_decimal,
)

T = TypeVar("T")
Json = Mapping[str, Any]

# The docs say only EUR is supported; a price without a currency is taken to be in euros.
DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: Any, currency: Any) -> Money:
        # Schema examples say "eur", real responses "EUR": normalise so comparisons just work.
        return cls(to_decimal(amount), str(currency or DEFAULT_CURRENCY).upper())

    @classmethod
    def opt(cls, amount: Any, currency: Any) -> Money | None:
        return None if amount is None or amount == "" else cls.of(amount, currency)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a Hydra collection; `has_next` says whether more pages follow."""

    items: tuple[T, ...]
    total_items: int | None
    page: int
    items_per_page: int | None
    next_page: int | None
    previous_page: int | None

    @property
    def has_next(self) -> bool:
        return self.next_page is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_page is not None


# --------------------------------------------------------------------------------------------
# Catalog (older model: events and sessions)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Catalog:
    iri: str
    id: str
    name: str
    created_at: dt.datetime | None
    last_synced_at: dt.datetime | None

    @classmethod
    def from_api(cls, data: Json) -> Catalog:
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            name=str(data.get("name") or ""),
            created_at=opt_datetime(data.get("createdAt")),
            last_synced_at=opt_datetime(data.get("lastSyncedAt")),
        )


@dataclass(frozen=True, slots=True)
class Event:
    iri: str
    id: str
    name: str
    description: str | None

    @classmethod
    def from_api(cls, data: Json) -> Event:
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            name=str(data.get("name") or ""),
            description=opt_str(data.get("description")),
        )


@dataclass(frozen=True, slots=True)
class Session:
    """An event session (older model) or an offer-ticket time slot (newer model)."""

    iri: str
    id: str
    occurs_at: dt.datetime | None
    duration: int | None
    available_quantity: int | None

    @classmethod
    def from_api(cls, data: Json) -> Session:
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            occurs_at=opt_datetime(data.get("occursAt")),
            duration=opt_int(data.get("duration")),
            available_quantity=opt_int(data.get("availableQuantity")),
        )


@dataclass(frozen=True, slots=True)
class SessionAvailability:
    """Real-time availability of one session (its own endpoint, or an entry of an offer's)."""

    session_iri: str
    session_id: str
    available_quantity: int | None

    @classmethod
    def from_api(cls, data: Json) -> SessionAvailability:
        # The session endpoint's own @id is ".../sessions/{id}/availability".
        iri = opt_iri(data.get("session"))
        if iri is None:
            iri = iri_of(data).removesuffix("/availability")
        return cls(
            session_iri=iri,
            session_id=opt_id(iri) or "",
            available_quantity=opt_int(data.get("availableQuantity")),
        )


# --------------------------------------------------------------------------------------------
# Catalog (newer model: product bases, products, offers)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Venue:
    name: str | None
    line1: str | None
    line2: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    phone: str | None
    website: str | None
    latitude: Decimal | None
    longitude: Decimal | None

    @classmethod
    def from_api(cls, data: Json) -> Venue:
        return cls(
            name=opt_str(data.get("name")),
            line1=opt_str(data.get("line1")),
            line2=opt_str(data.get("line2")),
            postal_code=opt_str(data.get("postalCode")),
            city=opt_str(data.get("city")),
            country=opt_str(data.get("country")),
            phone=opt_str(data.get("phone")),
            website=opt_str(data.get("website")),
            latitude=opt_decimal(data.get("latitude")),
            longitude=opt_decimal(data.get("longitude")),
        )


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    position: int | None

    @classmethod
    def opt(cls, data: Any) -> Media | None:
        if isinstance(data, str) and data:
            return cls(url=data, position=None)
        if not isinstance(data, Mapping):
            return None
        url = data.get("url") or data.get("contentUrl")
        if not url:
            return None
        return cls(url=str(url), position=opt_int(data.get("position")))


@dataclass(frozen=True, slots=True)
class ProductBase:
    iri: str
    id: str
    name: str
    disabled: bool
    description: str | None
    short_description: str | None
    terms_of_use: str | None
    use_session: bool
    timezone: str | None
    recurring: bool
    beneficiary_info_may_be_required: bool
    instant_document_delivery: bool
    max_amount_per_order: int | None
    universe: str | None
    venue: Venue | None
    logo: Media | None
    gallery: tuple[Media, ...]

    @classmethod
    def from_api(cls, data: Json) -> ProductBase:
        venue = data.get("venue")
        medias = data.get("medias")
        medias = medias if isinstance(medias, Mapping) else {}
        gallery = [m for m in (Media.opt(x) for x in medias.get("gallery") or ()) if m]
        gallery.sort(key=lambda m: (m.position is None, m.position or 0))
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            name=str(data.get("name") or ""),
            disabled=to_bool(data.get("disabled")),
            description=opt_str(data.get("description")),
            short_description=opt_str(data.get("shortDescription")),
            terms_of_use=opt_str(data.get("termsOfUse")),
            use_session=to_bool(data.get("useSession")),
            timezone=opt_str(data.get("timezone")),
            recurring=to_bool(data.get("recurring")),
            beneficiary_info_may_be_required=to_bool(data.get("beneficiaryInfoMayBeRequired")),
            instant_document_delivery=to_bool(data.get("instantDocumentDelivery")),
            max_amount_per_order=opt_int(data.get("maxAmountPerOrder")),
            universe=opt_str(data.get("universe")),
            venue=Venue.from_api(venue) if isinstance(venue, Mapping) else None,
            logo=Media.opt(medias.get("logo")),
            gallery=tuple(gallery),
        )


@dataclass(frozen=True, slots=True)
class OptionValue:
    iri: str
    id: str
    code: str | None
    name: str

    @classmethod
    def from_api(cls, data: Json) -> OptionValue:
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            code=opt_str(data.get("code") or data.get("value")),
            name=str(data.get("name") or data.get("label") or ""),
        )


@dataclass(frozen=True, slots=True)
class Product:
    """A product (its own resource) or the product embedded in an offer."""

    iri: str | None
    id: str | None
    name: str
    description: str | None
    disabled: bool
    product_base_iri: str | None

    @classmethod
    def from_api(cls, data: Json) -> Product:
        iri = opt_iri(data)
        value = data.get("id")
        return cls(
            iri=iri,
            id=str(value) if value else opt_id(iri),
            name=str(data.get("name") or ""),
            description=opt_str(data.get("description")),
            disabled=to_bool(data.get("disabled")),
            product_base_iri=opt_iri(data.get("productBase")),
        )


@dataclass(frozen=True, slots=True)
class OfferTicket:
    """A ticket of an offer: `date_access` means no session to choose; `form_iri` a form to fill."""

    iri: str | None
    id: str | None
    name: str
    description: str | None
    date_access: bool
    form_iri: str | None

    @property
    def form_id(self) -> str | None:
        return opt_id(self.form_iri)

    @classmethod
    def from_api(cls, data: Json) -> OfferTicket:
        iri = opt_iri(data)
        value = data.get("id")
        return cls(
            iri=iri,
            id=str(value) if value else opt_id(iri),
            name=str(data.get("name") or ""),
            description=opt_str(data.get("description")),
            date_access=to_bool(data.get("dateAccess")),
            form_iri=opt_iri(data.get("form")),
        )


@dataclass(frozen=True, slots=True)
class Offer:
    iri: str
    id: str
    date: dt.date | None
    availability_check_required: bool
    realtime_price_required: bool
    price: Money | None
    original_price: Money | None
    product: Product | None
    tickets: tuple[OfferTicket, ...]
    available_quantity: int | None

    @classmethod
    def from_api(cls, data: Json) -> Offer:
        price = data.get("price")
        price = price if isinstance(price, Mapping) else {}
        currency = price.get("currency")
        product = data.get("product")
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            date=opt_date(data.get("date")),
            availability_check_required=to_bool(data.get("availabilityCheckRequired")),
            realtime_price_required=to_bool(data.get("realtimePriceRequired")),
            price=Money.opt(price.get("amountInclTax"), currency),
            original_price=Money.opt(price.get("originalAmountInclTax"), currency),
            product=Product.from_api(product) if isinstance(product, Mapping) else None,
            tickets=tuple(OfferTicket.from_api(t) for t in mappings(data.get("tickets"))),
            available_quantity=opt_int(data.get("availableQuantity")),
        )


@dataclass(frozen=True, slots=True)
class OfferPrice:
    """The real-time price of an offer (`.../offers/{id}/price`)."""

    iri: str
    offer_iri: str
    offer_id: str
    incl_tax: Money
    excl_tax: Money | None

    @classmethod
    def from_api(cls, data: Json) -> OfferPrice:
        iri = iri_of(data)
        offer_iri = iri.removesuffix("/price")
        currency = data.get("currency")
        return cls(
            iri=iri,
            offer_iri=offer_iri,
            offer_id=opt_id(offer_iri) or "",
            incl_tax=Money.of(data.get("amountInclTax"), currency),
            excl_tax=Money.opt(data.get("amountExclTax"), currency),
        )


@dataclass(frozen=True, slots=True)
class OfferAvailability:
    """Real-time availability of an offer and of each of its sessions."""

    iri: str
    available_quantity: int | None
    sessions: tuple[SessionAvailability, ...]

    def for_session(self, session_iri_or_id: str) -> SessionAvailability | None:
        for entry in self.sessions:
            if session_iri_or_id in (entry.session_iri, entry.session_id):
                return entry
        return None

    @classmethod
    def from_api(cls, data: Json) -> OfferAvailability:
        return cls(
            iri=iri_of(data),
            available_quantity=opt_int(data.get("availableQuantity")),
            sessions=tuple(
                SessionAvailability.from_api(entry)
                for entry in mappings(data.get("sessionsAvailability"))
                if opt_iri(entry.get("session"))
            ),
        )


# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FormFieldChoice:
    value: str
    label: str

    @classmethod
    def from_api(cls, data: Any) -> FormFieldChoice:
        if not isinstance(data, Mapping):
            return cls(value=str(data), label=str(data))
        value = data.get("value", data.get("code", data.get("id")))
        if value is None:
            raise ValueError("form field choice without a value")
        label = data.get("label") or data.get("name") or value
        return cls(value=str(value), label=str(label))


@dataclass(frozen=True, slots=True)
class FormField:
    """A field of a form; `type` stays the raw string so that the form builder can reject
    types it does not know instead of silently rendering them as text."""

    iri: str
    id: str
    code: str
    label: str
    type: str
    required: bool
    position: int | None
    help_text: str | None
    choices: tuple[FormFieldChoice, ...]

    @classmethod
    def from_api(cls, data: Json) -> FormField:
        code = str(data.get("code") or data.get("name") or "")
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            code=code,
            label=str(data.get("label") or data.get("name") or code),
            type=str(data.get("type") or ""),
            required=to_bool(data.get("required")),
            position=opt_int(data.get("position")),
            help_text=opt_str(data.get("helpText") or data.get("description")),
            choices=tuple(FormFieldChoice.from_api(c) for c in data.get("choices") or ()),
        )


@dataclass(frozen=True, slots=True)
class Form:
    iri: str
    id: str
    code: str
    fields: tuple[FormField, ...]

    @classmethod
    def from_api(cls, data: Json) -> Form:
        fields = [FormField.from_api(f) for f in mappings(data.get("fields"))]
        if all(f.position is not None for f in fields):
            # sorted() is stable: equal positions keep the API's order.
            fields.sort(key=lambda f: f.position or 0)
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            code=str(data.get("code") or ""),
            fields=tuple(fields),
        )


# --------------------------------------------------------------------------------------------
# Requests (bodies of the POSTs and PATCHes)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FieldValue:
    field_iri: str
    value: str

    def to_api(self) -> dict[str, Any]:
        return {"field": self.field_iri, "value": self.value}


@dataclass(frozen=True, slots=True)
class FormData:
    form_iri: str
    fields: tuple[FieldValue, ...]

    def to_api(self) -> dict[str, Any]:
        return {"form": self.form_iri, "fields": [f.to_api() for f in self.fields]}


@dataclass(frozen=True, slots=True)
class TicketSessionRequest:
    ticket_iri: str
    session_iri: str | None = None
    form_data: FormData | None = None

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ticket": self.ticket_iri}
        if self.session_iri:
            body["session"] = self.session_iri
        if self.form_data is not None:
            body["formData"] = self.form_data.to_api()
        return body


@dataclass(frozen=True, slots=True)
class ReservationRequestItem:
    offer_iri: str
    quantity: int
    ticket_sessions: tuple[TicketSessionRequest, ...] = ()

    def to_api(self) -> dict[str, Any]:
        return {
            "offer": self.offer_iri,
            "quantity": self.quantity,
            "ticketSessions": [t.to_api() for t in self.ticket_sessions],
        }


@dataclass(frozen=True, slots=True)
class CustomerInput:
    firstname: str
    lastname: str
    email: str
    phone: str | None = None
    country: str | None = None
    language: str | None = None
    optin: bool = False
    title: str | None = None

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "firstname": self.firstname,
            "lastname": self.lastname,
            "email": self.email,
            "optin": self.optin,
        }
        for key in ("phone", "country", "language", "title"):
            value = getattr(self, key)
            if value:
                body[key] = value
        return body


@dataclass(frozen=True, slots=True)
class Beneficiary:
    """A ticket's beneficiary, as read from an order and as sent to set one."""

    firstname: str | None = None
    lastname: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    date_of_birth: dt.date | None = None
    place_of_birth: str | None = None
    nationality: str | None = None

    _API_NAMES = (
        ("firstname", "firstname"),
        ("lastname", "lastname"),
        ("email", "email"),
        ("phone", "phone"),
        ("title", "title"),
        ("date_of_birth", "dateOfBirth"),
        ("place_of_birth", "placeOfBirth"),
        ("nationality", "nationality"),
    )

    @classmethod
    def from_api(cls, data: Json) -> Beneficiary:
        return cls(
            firstname=opt_str(data.get("firstname")),
            lastname=opt_str(data.get("lastname")),
            email=opt_str(data.get("email")),
            phone=opt_str(data.get("phone")),
            title=opt_str(data.get("title")),
            date_of_birth=opt_date(data.get("dateOfBirth")),
            place_of_birth=opt_str(data.get("placeOfBirth")),
            nationality=opt_str(data.get("nationality")),
        )

    def to_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for attr, key in self._API_NAMES:
            value = getattr(self, attr)
            if value is not None:
                body[key] = value.isoformat() if isinstance(value, dt.date) else value
        return body


# --------------------------------------------------------------------------------------------
# Reservations
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReservationOfferTicket:
    ticket_iri: str
    session_iri: str | None
    seating: Any

    @classmethod
    def from_api(cls, data: Json) -> ReservationOfferTicket:
        return cls(
            ticket_iri=opt_iri(data.get("ticket")) or "",
            session_iri=opt_iri(data.get("session")),
            seating=data.get("seating"),
        )


@dataclass(frozen=True, slots=True)
class ReservationItem:
    offer_iri: str
    product_iri: str | None
    date: dt.date | None
    amount_incl_tax: Decimal
    amount_excl_tax: Decimal | None
    offer_tickets: tuple[ReservationOfferTicket, ...]

    @property
    def offer_id(self) -> str | None:
        return opt_id(self.offer_iri)

    @classmethod
    def from_api(cls, data: Json) -> ReservationItem:
        return cls(
            offer_iri=opt_iri(data.get("offer")) or "",
            product_iri=opt_iri(data.get("product")),
            date=opt_date(data.get("date")),
            amount_incl_tax=to_decimal(data.get("amountInclTax")),
            amount_excl_tax=opt_decimal(data.get("amountExclTax")),
            offer_tickets=tuple(
                ReservationOfferTicket.from_api(t) for t in mappings(data.get("offerTickets"))
            ),
        )


@dataclass(frozen=True, slots=True)
class Reservation:
    iri: str
    id: str
    catalog_iri: str | None
    organization_iri: str | None
    created_at: dt.datetime | None
    expires_at: dt.datetime
    expired: bool
    total_incl_tax: Decimal
    total_excl_tax: Decimal | None
    items: tuple[ReservationItem, ...]
    order_iri: str | None
    seats_arrangement: str | None
    releasable: bool
    status: str | None

    @classmethod
    def from_api(cls, data: Json) -> Reservation:
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            catalog_iri=opt_iri(data.get("catalog")),
            organization_iri=opt_iri(data.get("organization")),
            created_at=opt_datetime(data.get("createdAt")),
            expires_at=to_datetime(data.get("expiresAt")),
            expired=to_bool(data.get("expired")),
            total_incl_tax=to_decimal(data.get("totalAmountInclTax")),
            total_excl_tax=opt_decimal(data.get("totalAmountExclTax")),
            items=tuple(ReservationItem.from_api(i) for i in mappings(data.get("items"))),
            order_iri=opt_iri(data.get("order")),
            seats_arrangement=opt_str(data.get("seatsArrangement")),
            releasable=to_bool(data.get("releasable")),
            status=opt_str(data.get("status")),
        )


@dataclass(frozen=True, slots=True)
class FailedReservation:
    """An item of a reservations `_bulk` call that was not reserved.

    `item` is the request item it refers to (matched by position or offer IRI), when known.
    """

    message: str
    code: str | None
    offer_iri: str | None
    item: ReservationRequestItem | None
    raw: Json = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class ReservationBulkResult:
    reservations: tuple[Reservation, ...]
    failed: tuple[FailedReservation, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


# --------------------------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Customer:
    firstname: str
    lastname: str
    email: str
    phone: str | None
    optin: bool
    country: str | None
    language: str | None
    title: str | None

    @classmethod
    def from_api(cls, data: Json) -> Customer:
        return cls(
            firstname=str(data.get("firstname") or ""),
            lastname=str(data.get("lastname") or ""),
            email=str(data.get("email") or ""),
            phone=opt_str(data.get("phone")),
            optin=to_bool(data.get("optin")),
            country=opt_str(data.get("country")),
            language=opt_str(data.get("language")),
            title=opt_str(data.get("title")),
        )


@dataclass(frozen=True, slots=True)
class OrderItemTicket:
    iri: str
    id: str
    voucher: str | None
    occurs_at: dt.datetime | None
    event: str | None
    required_beneficiary_fields: tuple[str, ...]
    beneficiary: Beneficiary | None
    beneficiary_designation_deadline: dt.datetime | None
    beneficiary_amendable: bool
    status: str | None
    seating: Any

    @property
    def needs_beneficiary(self) -> bool:
        return bool(self.required_beneficiary_fields) and self.status != "validated"

    @classmethod
    def from_api(cls, data: Json) -> OrderItemTicket:
        beneficiary = data.get("beneficiary")
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            voucher=opt_str(data.get("voucher")),
            occurs_at=opt_datetime(data.get("occursAt")),
            event=opt_str(data.get("event")),
            required_beneficiary_fields=tuple(
                str(f) for f in data.get("requiredBeneficiaryFields") or ()
            ),
            beneficiary=(
                Beneficiary.from_api(beneficiary) if isinstance(beneficiary, Mapping) else None
            ),
            beneficiary_designation_deadline=opt_datetime(
                data.get("beneficiaryDesignationDeadline")
            ),
            beneficiary_amendable=to_bool(data.get("beneficiaryAmendable")),
            status=opt_str(data.get("status")),
            seating=data.get("seating"),
        )


@dataclass(frozen=True, slots=True)
class OrderItem:
    iri: str | None
    id: str
    product_iri: str | None
    date: dt.date | None
    quantity: int
    unit_amount_incl_tax: Decimal | None
    unit_amount_excl_tax: Decimal | None
    total_amount_incl_tax: Decimal | None
    total_amount_excl_tax: Decimal | None
    amount_incl_tax: Decimal | None
    amount_excl_tax: Decimal | None
    tickets: tuple[OrderItemTicket, ...]

    @classmethod
    def from_api(cls, data: Json) -> OrderItem:
        iri = opt_iri(data)
        return cls(
            iri=iri,
            id=str(data.get("id") or opt_id(iri) or ""),
            product_iri=opt_iri(data.get("product")),
            date=opt_date(data.get("date")),
            quantity=opt_int(data.get("quantity")) or 0,
            unit_amount_incl_tax=opt_decimal(data.get("unitAmountInclTax")),
            unit_amount_excl_tax=opt_decimal(data.get("unitAmountExclTax")),
            total_amount_incl_tax=opt_decimal(data.get("totalAmountInclTax")),
            total_amount_excl_tax=opt_decimal(data.get("totalAmountExclTax")),
            amount_incl_tax=opt_decimal(data.get("amountInclTax")),
            amount_excl_tax=opt_decimal(data.get("amountExclTax")),
            tickets=tuple(OrderItemTicket.from_api(t) for t in mappings(data.get("tickets"))),
        )


@dataclass(frozen=True, slots=True)
class Order:
    iri: str
    id: str
    created_at: dt.datetime | None
    catalog_iri: str | None
    organization_iri: str | None
    reference: str
    external_reference: str | None
    connector_reference: str | None
    total_incl_tax: Decimal
    total_excl_tax: Decimal | None
    reservation_iri: str | None
    customer: Customer | None
    status: str | None
    cancelled_at: dt.datetime | None
    notes: str | None
    items: tuple[OrderItem, ...]
    raw: Json = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Json) -> Order:
        customer = data.get("customer")
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            created_at=opt_datetime(data.get("createdAt")),
            catalog_iri=opt_iri(data.get("catalog")),
            organization_iri=opt_iri(data.get("organization")),
            reference=str(data.get("reference") or ""),
            external_reference=opt_str(data.get("externalReference")),
            connector_reference=opt_str(data.get("connectorReference")),
            total_incl_tax=to_decimal(data.get("totalAmountInclTax")),
            total_excl_tax=opt_decimal(data.get("totalAmountExclTax")),
            reservation_iri=opt_iri(data.get("reservation")),
            customer=Customer.from_api(customer) if isinstance(customer, Mapping) else None,
            status=opt_str(data.get("status")),
            cancelled_at=opt_datetime(data.get("cancelledAt")),
            notes=opt_str(data.get("notes")),
            items=tuple(OrderItem.from_api(i) for i in mappings(data.get("items"))),
            raw=_plain(data),
        )


@dataclass(frozen=True, slots=True)
class FailedOrder:
    """A reservation of an orders `_bulk` call that did not become an order."""

    message: str
    code: str | None
    reservation_iri: str | None
    raw: Json = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class OrderBulkResult:
    orders: tuple[Order, ...]
    failed: tuple[FailedOrder, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OrderDocument:
    iri: str
    id: str
    downloadable_at: dt.datetime | None

    @property
    def order_id(self) -> str | None:
        parts = self.iri.split("/")
        return parts[parts.index("orders") + 1] if "orders" in parts[:-1] else None

    def is_downloadable(self, now: dt.datetime) -> bool:
        return self.downloadable_at is None or self.downloadable_at <= now

    @classmethod
    def from_api(cls, data: Json) -> OrderDocument:
        return cls(
            iri=iri_of(data),
            id=id_of(data),
            downloadable_at=opt_datetime(data.get("downloadableAt")),
        )


class DocumentLink(NamedTuple):
    """A short-lived signed download URL: never log it, never hand it to a browser."""

    temporary_url: str
    cached_language: str | None

    def __repr__(self) -> str:
        return f"DocumentLink(temporary_url=<redacted>, cached_language={self.cached_language!r})"


def _plain(value: Any) -> Any:
    """A JSON-ready deep copy (the shop stores an order's items as returned)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_plain(v) for v in value]
    return value
