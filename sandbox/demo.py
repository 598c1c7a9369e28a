"""The demo catalog: varied, bilingual, dated relative to today, loaded with bulk inserts.

`load()` returns a `DemoCatalog` naming the row of each demo case, so tests and scripts can
reach "the sold-out session" or "the realtime-price offer" without searching for it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from sandbox import clock
from sandbox import models as m

SANDBOX_DB = "sandbox"
TZ = "Europe/Paris"


@dataclass(frozen=True)
class DemoCase:
    """One bookable thing: an offer's ticket, and the session it is booked for (if any)."""

    catalog_id: uuid.UUID
    event_id: uuid.UUID
    offer_id: uuid.UUID
    ticket_id: uuid.UUID
    session_id: uuid.UUID | None = None

    @property
    def catalog_iri(self) -> str:
        return f"/v1/ticketing/catalogs/{self.catalog_id}"

    @property
    def event_iri(self) -> str:
        return f"{self.catalog_iri}/events/{self.event_id}"

    @property
    def session_iri(self) -> str | None:
        return f"{self.event_iri}/sessions/{self.session_id}" if self.session_id else None

    @property
    def offer_iri(self) -> str:
        return f"{self.catalog_iri}/offers/{self.offer_id}"

    @property
    def ticket_iri(self) -> str:
        return f"{self.offer_iri}/tickets/{self.ticket_id}"

    @property
    def ticket_session_iri(self) -> str | None:
        return f"{self.ticket_iri}/sessions/{self.session_id}" if self.session_id else None

    def reservation_item(
        self, quantity: int = 1, form_data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A ready-made `items[]` entry of POST /v1/booking/reservations/_bulk."""
        entry: dict[str, Any] = {"ticket": self.ticket_iri}
        if self.session_iri:
            entry["session"] = self.session_iri
        if form_data is not None:
            entry["formData"] = form_data
        return {"offer": self.offer_iri, "quantity": quantity, "ticketSessions": [entry]}


@dataclass(frozen=True)
class DemoCatalog:
    catalog_id: uuid.UUID
    second_catalog_id: uuid.UUID
    museum: DemoCase  # timed entry every 30 minutes over 60 days (adult offer)
    concert: DemoCase  # adult price category
    concert_child: DemoCase
    concert_concession: DemoCase  # has originalAmountInclTax
    sold_out: DemoCase
    three_left: DemoCase
    tour: DemoCase  # its ticket has the nine-field form
    date_access: DemoCase  # full-day ticket, no session
    realtime_price: DemoCase
    beneficiary: DemoCase  # tickets require beneficiary data
    form_id: uuid.UUID

    @property
    def catalog_iri(self) -> str:
        return f"/v1/ticketing/catalogs/{self.catalog_id}"

    @property
    def form_iri(self) -> str:
        return f"/v1/forms/{self.form_id}"


def _venue(name: str, line1: str, postal: str, city: str, lat: str, lon: str) -> dict[str, Any]:
    return {
        "name": name,
        "line1": line1,
        "line2": None,
        "postalCode": postal,
        "city": city,
        "country": "FR",
        "phone": "+33400000000",
        "website": None,
        "latitude": lat,
        "longitude": lon,
    }


class _Builder:
    """Collects rows in memory, then writes each table with one bulk insert."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.tz = ZoneInfo(TZ)
        self.rows: dict[type, list[Any]] = {}

    def add(self, row: Any) -> Any:
        self.rows.setdefault(type(row), []).append(row)
        return row

    def at(self, day_offset: int, hour: int, minute: int = 0) -> datetime:
        day = self.today + timedelta(days=day_offset)
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def event(self, catalog: m.Catalog, position: int, **fields: Any) -> m.Event:
        return self.add(m.Event(catalog=catalog, position=position, timezone=TZ, **fields))

    def session(
        self, event: m.Event, occurs: datetime, capacity: int | None, duration: int | None
    ) -> m.Session:
        return self.add(
            m.Session(
                event=event,
                occurs_at=occurs,
                local_date=occurs.date(),
                duration=duration,
                capacity=capacity,
            )
        )

    def product(self, event: m.Event, position: int, fr: str, en: str) -> m.Product:
        return self.add(
            m.Product(
                event=event,
                position=position,
                name_fr=fr,
                name_en=en,
                description_fr=f"{fr} : {event.name_fr}",
                description_en=f"{en}: {event.name_en}",
            )
        )

    def offer(
        self,
        product: m.Product,
        day: date,
        price: str,
        *,
        original: str | None = None,
        realtime: str | None = None,
        stock: int | None = None,
        vat: str = "10.00",
        date_access: bool = False,
        form: m.Form | None = None,
        beneficiary: list[str] | None = None,
    ) -> tuple[m.Offer, m.OfferTicket]:
        offer = self.add(
            m.Offer(
                catalog=product.event.catalog,
                product=product,
                date=day,
                amount_incl_tax=Decimal(price),
                original_amount_incl_tax=Decimal(original) if original else None,
                vat_rate=Decimal(vat),
                realtime_price_required=realtime is not None,
                realtime_amount_incl_tax=Decimal(realtime) if realtime else None,
                stock=stock,
            )
        )
        ticket = self.add(
            m.OfferTicket(
                offer=offer,
                date_access=date_access,
                form=form,
                required_beneficiary_fields=beneficiary or [],
                name_fr=f"Billet {product.name_fr}",
                name_en=f"{product.name_en} ticket",
                description_fr=product.description_fr,
                description_en=product.description_en,
            )
        )
        return offer, ticket

    def save(self) -> None:
        for model in (
            m.Catalog,
            m.Event,
            m.Session,
            m.Form,
            m.FormField,
            m.Product,
            m.Offer,
            m.OfferTicket,
        ):
            model.objects.bulk_create(self.rows.get(model, []), batch_size=500)


def _tour_form(b: _Builder) -> m.Form:
    form = b.add(m.Form(code="guided_tour_visitor"))
    specs = [
        ("visitor_name", "text", True, "Nom du visiteur", "Visitor name", []),
        ("needs_wheelchair", "bool", True, "Fauteuil roulant", "Wheelchair access", []),
        ("group_size", "integer", True, "Taille du groupe", "Group size", []),
        ("budget", "decimal", False, "Budget boutique (EUR)", "Shop budget (EUR)", []),
        ("birth_date", "date", False, "Date de naissance", "Date of birth", []),
        ("arrival_time", "time", False, "Heure d'arrivée", "Arrival time", []),
        ("callback_at", "datetime", False, "Rappel souhaité le", "Call me back at", []),
        (
            "language",
            "single_choice",
            True,
            "Langue de la visite",
            "Tour language",
            [
                ("fr", "Français", "French"),
                ("en", "Anglais", "English"),
                ("es", "Espagnol", "Spanish"),
            ],
        ),
        (
            "interests",
            "multi_choice",
            False,
            "Centres d'intérêt",
            "Interests",
            [
                ("history", "Histoire", "History"),
                ("architecture", "Architecture", "Architecture"),
                ("food", "Gastronomie", "Food"),
            ],
        ),
    ]
    for position, (code, kind, required, fr, en, choices) in enumerate(specs, start=1):
        b.add(
            m.FormField(
                form=form,
                code=code,
                type=kind,
                required=required,
                position=position,
                label_fr=fr,
                label_en=en,
                help_fr="Facultatif" if not required else "",
                help_en="Optional" if not required else "",
                choices=[{"value": v, "label_fr": lf, "label_en": le} for v, lf, le in choices],
            )
        )
    return form


def _build(b: _Builder) -> DemoCatalog:
    now = clock.now()
    catalog = b.add(
        m.Catalog(
            name_fr="Lyon Culture — catalogue de démonstration",
            name_en="Lyon Culture — demo catalog",
            created_at=now - timedelta(days=30),
            last_synced_at=now,
        )
    )
    second = b.add(
        m.Catalog(
            name_fr="Catalogue partenaires",
            name_en="Partners catalog",
            created_at=now - timedelta(days=10),
            last_synced_at=now,
        )
    )

    # 1. Museum: timed entry every 30 minutes, 09:00-17:30, over 60 days.
    museum = b.event(
        catalog,
        1,
        name_fr="Musée des Lumières — entrée horodatée",
        name_en="Museum of Light — timed entry",
        description_fr="<p>Collections permanentes et expositions.</p>",
        description_en="<p>Permanent collections and exhibitions.</p>",
        short_description_fr="Entrée à heure fixe",
        short_description_en="Timed entry",
        universe="museum",
        venue=_venue("Musée des Lumières", "1 quai des Arts", "69002", "Lyon", "45.7480", "4.8180"),
    )
    museum_sessions: dict[int, list[m.Session]] = {}
    for day in range(60):
        for slot in range(18):
            occurs = b.at(day, 9 + slot // 2, 30 * (slot % 2))
            museum_sessions.setdefault(day, []).append(b.session(museum, occurs, 50, 30))
    adult = b.product(museum, 1, "Plein tarif", "Adult")
    reduced = b.product(museum, 2, "Tarif réduit", "Reduced")
    museum_offers = {}
    for day in range(60):
        d = b.today + timedelta(days=day)
        museum_offers[day] = b.offer(adult, d, "16.00", vat="5.50")
        b.offer(reduced, d, "10.00", vat="5.50")
    m_offer, m_ticket = museum_offers[1]

    # 2. Concert: adult / child / concession; one session with 3 seats left, one sold out.
    concert = b.event(
        catalog,
        2,
        name_fr="Orchestre national — Symphonie fantastique",
        name_en="National Orchestra — Symphonie fantastique",
        description_fr="<p>Berlioz par l'Orchestre national.</p>",
        description_en="<p>Berlioz by the National Orchestra.</p>",
        recurring=False,
        max_amount_per_order=10,
        universe="show",
        venue=_venue("Auditorium", "149 rue Garibaldi", "69003", "Lyon", "45.7610", "4.8540"),
    )
    concert_days = {
        "normal": (3, 300),
        "three_left": (10, 3),
        "sold_out": (17, 0),
        "late": (24, 300),
    }
    concert_sessions = {
        k: b.session(concert, b.at(day, 20), cap, 120) for k, (day, cap) in concert_days.items()
    }
    c_products = {
        "adult": b.product(concert, 1, "Adulte", "Adult"),
        "child": b.product(concert, 2, "Enfant (-12 ans)", "Child (under 12)"),
        "concession": b.product(concert, 3, "Tarif réduit", "Concession"),
    }
    c_offers: dict[tuple[str, str], tuple[m.Offer, m.OfferTicket]] = {}
    for key, (day, _cap) in concert_days.items():
        d = b.today + timedelta(days=day)
        c_offers[(key, "adult")] = b.offer(c_products["adult"], d, "45.00")
        c_offers[(key, "child")] = b.offer(c_products["child"], d, "20.00")
        c_offers[(key, "concession")] = b.offer(
            c_products["concession"], d, "30.00", original="45.00"
        )

    # 3. Guided tour whose ticket has a form with all nine field types.
    form = _tour_form(b)
    tour = b.event(
        catalog,
        3,
        name_fr="Visite guidée du Vieux-Lyon",
        name_en="Old Lyon guided tour",
        description_fr="<p>Traboules et cours Renaissance.</p>",
        description_en="<p>Traboules and Renaissance courtyards.</p>",
        universe="tour",
        venue=_venue("Place Saint-Jean", "Place Saint-Jean", "69005", "Lyon", "45.7600", "4.8270"),
    )
    tour_product = b.product(tour, 1, "Visite guidée", "Guided tour")
    tour_sessions: dict[int, m.Session] = {}
    tour_offers = {}
    for day in range(1, 31):
        tour_sessions[day] = b.session(tour, b.at(day, 10), 15, 90)
        b.session(tour, b.at(day, 15), 15, 90)
        tour_offers[day] = b.offer(tour_product, b.today + timedelta(days=day), "18.00", form=form)

    # 4. Date-access (full-day) tickets: one "day" session per date marks the calendar.
    park = b.event(
        catalog,
        4,
        name_fr="Parc des Oiseaux — billet journée",
        name_en="Bird Park — day ticket",
        date_access=True,
        universe="park",
        description_fr="<p>Accès libre toute la journée.</p>",
        description_en="<p>Come and go all day.</p>",
        venue=_venue(
            "Parc des Oiseaux",
            "Route de Villars",
            "01330",
            "Villars-les-Dombes",
            "45.9990",
            "5.0300",
        ),
    )
    park_adult = b.product(park, 1, "Journée adulte", "Adult day pass")
    park_child = b.product(park, 2, "Journée enfant", "Child day pass")
    park_offers = {}
    park_sessions = {}
    for day in range(1, 31):
        d = b.today + timedelta(days=day)
        park_sessions[day] = b.session(park, b.at(day, 10), None, 480)
        park_offers[day] = b.offer(park_adult, d, "25.00", stock=500, date_access=True)
        b.offer(park_child, d, "15.00", stock=500, date_access=True)

    # 5. Dynamic price: the listed price is indicative, /price tells the real one.
    match = b.event(
        catalog,
        5,
        name_fr="Match : Lyon - Marseille",
        name_en="Football: Lyon v Marseille",
        recurring=False,
        universe="sport",
        description_fr="<p>Prix dynamiques.</p>",
        description_en="<p>Dynamic pricing.</p>",
        venue=_venue("Stade", "10 avenue Simone Veil", "69150", "Décines", "45.7650", "4.9820"),
    )
    match_product = b.product(match, 1, "Tribune Est", "East stand")
    match_session = b.session(match, b.at(8, 21), 1000, 105)
    b.session(match, b.at(36, 21), 1000, 105)
    rt_offer, rt_ticket = b.offer(
        match_product, b.today + timedelta(days=8), "55.00", realtime="61.50"
    )
    b.offer(match_product, b.today + timedelta(days=36), "55.00", realtime="49.90")

    # 6. Beneficiary data required before the tickets can be issued.
    cruise = b.event(
        catalog,
        6,
        name_fr="Croisière sur la Saône",
        name_en="Saône river cruise",
        beneficiary_info_may_be_required=True,
        instant_document_delivery=False,
        universe="cruise",
        description_fr="<p>Billets nominatifs.</p>",
        description_en="<p>Named tickets.</p>",
        venue=_venue("Quai Rambaud", "Quai Rambaud", "69002", "Lyon", "45.7430", "4.8170"),
    )
    cruise_product = b.product(cruise, 1, "Croisière", "Cruise")
    cruise_cases = []
    for day in (5, 12, 19, 26):
        s = b.session(cruise, b.at(day, 14), 80, 120)
        offer, ticket = b.offer(
            cruise_product,
            b.today + timedelta(days=day),
            "32.00",
            beneficiary=["firstname", "lastname", "dateOfBirth"],
        )
        cruise_cases.append((s, offer, ticket))

    # Second catalog: a small one, to exercise KORUS_CATALOG_ID.
    pottery = b.event(
        second,
        1,
        name_fr="Atelier poterie",
        name_en="Pottery workshop",
        universe="workshop",
        venue=_venue("Atelier", "3 rue Mercière", "69002", "Lyon", "45.7630", "4.8330"),
    )
    pottery_product = b.product(pottery, 1, "Atelier", "Workshop")
    for day in (6, 13):
        b.session(pottery, b.at(day, 18), 12, 120)
        b.offer(pottery_product, b.today + timedelta(days=day), "40.00")

    def case(
        event: m.Event, pair: tuple[m.Offer, m.OfferTicket], session: m.Session | None
    ) -> DemoCase:
        return DemoCase(
            catalog.pk, event.pk, pair[0].pk, pair[1].pk, session.pk if session else None
        )

    return DemoCatalog(
        catalog_id=catalog.pk,
        second_catalog_id=second.pk,
        museum=case(museum, (m_offer, m_ticket), museum_sessions[1][2]),
        concert=case(concert, c_offers[("normal", "adult")], concert_sessions["normal"]),
        concert_child=case(concert, c_offers[("normal", "child")], concert_sessions["normal"]),
        concert_concession=case(
            concert, c_offers[("normal", "concession")], concert_sessions["normal"]
        ),
        sold_out=case(concert, c_offers[("sold_out", "adult")], concert_sessions["sold_out"]),
        three_left=case(concert, c_offers[("three_left", "adult")], concert_sessions["three_left"]),
        tour=case(tour, tour_offers[2], tour_sessions[2]),
        date_access=case(park, park_offers[3], None),
        realtime_price=case(match, (rt_offer, rt_ticket), match_session),
        beneficiary=case(cruise, cruise_cases[0][1:], cruise_cases[0][0]),
        form_id=form.pk,
    )


def is_loaded() -> bool:
    return m.Catalog.objects.exists()


def clear() -> None:
    """Delete every sandbox row except the fault rules (children first: PROTECT links)."""
    for model in (
        m.OrderDocument,
        m.OrderItemTicket,
        m.OrderItem,
        m.Order,
        m.HoldLine,
        m.ReservationItem,
        m.Reservation,
        m.OfferTicket,
        m.Offer,
        m.Product,
        m.Session,
        m.Event,
        m.FormField,
        m.Form,
        m.Catalog,
    ):
        model.objects.all().delete()


def load(*, reset: bool = False) -> DemoCatalog:
    with transaction.atomic(using=SANDBOX_DB):
        if reset:
            clear()
        today = clock.now().astimezone(ZoneInfo(TZ)).date()
        builder = _Builder(today)
        demo = _build(builder)
        builder.save()
    return demo
