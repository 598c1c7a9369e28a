"""Parsing quirks of the models, beyond what the operation tests already show."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shop.korus.models import (
    Beneficiary,
    CustomerInput,
    DocumentLink,
    Form,
    FormFieldChoice,
    Media,
    Money,
    Order,
    OrderDocument,
    Session,
    SessionAvailability,
)
from tests.korus.conftest import load


def test_money_upper_cases_the_currency() -> None:
    assert Money.of("100.00", "eur") == Money(Decimal("100.00"), "EUR")


def test_money_without_currency_is_in_euros() -> None:
    assert Money.of("1.50", None).currency == "EUR"


def test_money_from_garbage_is_refused() -> None:
    with pytest.raises(ValueError, match="decimal"):
        Money.of("12,50", "EUR")


def test_money_needs_an_amount() -> None:
    with pytest.raises(ValueError, match="missing"):
        Money.of(None, "EUR")


def test_form_fields_are_sorted_by_position() -> None:
    form = Form.from_api(load("form.json"))
    assert [f.code for f in form.fields] == ["lastname", "meal", "seat"]


def test_form_field_details() -> None:
    lastname, meal, seat = Form.from_api(load("form.json")).fields
    assert (lastname.label, lastname.type, lastname.required, lastname.position) == (
        "Nom",
        "text",
        True,
        1,
    )
    assert lastname.iri.endswith("/fields/01953871-e6df-7135-bd6c-ebe655262810")
    assert meal.choices == (
        FormFieldChoice("veg", "Végétarien"),
        FormFieldChoice("std", "Standard"),
    )
    assert (seat.type, seat.help_text, seat.choices) == (
        "signature",
        "Pour les moins de 3 ans",
        (),
    )


def test_form_fields_without_positions_keep_the_api_order() -> None:
    data = load("form.json")
    for field in data["fields"]:
        del field["position"]
    assert [f.code for f in Form.from_api(data).fields] == ["meal", "lastname", "seat"]


def test_choice_given_as_a_plain_string() -> None:
    assert FormFieldChoice.from_api("yes") == FormFieldChoice("yes", "yes")


def test_choice_without_label_uses_its_value() -> None:
    assert FormFieldChoice.from_api({"value": 3}) == FormFieldChoice("3", "3")


def test_choice_without_value_is_refused() -> None:
    with pytest.raises(ValueError, match="value"):
        FormFieldChoice.from_api({"label": "?"})


def test_id_taken_from_the_iri_when_absent() -> None:
    session = Session.from_api({"@id": "/v1/x/sessions/337177bc-e513-444f-bcee-49a3e25b48a3"})
    assert session.id == "337177bc-e513-444f-bcee-49a3e25b48a3"


def test_naive_and_zulu_datetimes_are_utc() -> None:
    naive = Session.from_api({"@id": "/s/1", "occursAt": "2025-06-07T20:00:00"})
    zulu = Session.from_api({"@id": "/s/2", "occursAt": "2025-06-07T20:00:00Z"})
    expected = dt.datetime(2025, 6, 7, 20, tzinfo=dt.UTC)
    assert naive.occurs_at == zulu.occurs_at == expected


def test_a_bad_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="date-time"):
        OrderDocument.from_api({"@id": "/d/1", "downloadableAt": 12})


def test_a_date_given_as_datetime_keeps_the_day() -> None:
    beneficiary = Beneficiary.from_api({"dateOfBirth": "2000-01-01T00:00:00+00:00"})
    assert beneficiary.date_of_birth == dt.date(2000, 1, 1)


def test_a_non_string_date_is_refused() -> None:
    with pytest.raises(ValueError, match="date"):
        Beneficiary.from_api({"dateOfBirth": 20000101})


def test_boolean_strings_are_understood() -> None:
    assert Session.from_api({"@id": "/s", "availableQuantity": True}).available_quantity is None
    base = load("product_base.json") | {"disabled": "true", "recurring": "0"}
    from shop.korus.models import ProductBase

    parsed = ProductBase.from_api(base)
    assert parsed.disabled
    assert not parsed.recurring


def test_media_shapes() -> None:
    assert Media.opt("https://x/y.png") == Media("https://x/y.png", None)
    assert Media.opt({"contentUrl": "https://x/z.png", "position": 3}) == Media(
        "https://x/z.png", 3
    )
    assert Media.opt({"position": 1}) is None
    assert Media.opt(None) is None


def test_product_base_without_venue_or_medias() -> None:
    from shop.korus.models import ProductBase

    base = ProductBase.from_api({"@id": "/pb/1", "venue": None, "medias": None})
    assert (base.venue, base.logo, base.gallery) == (None, None, ())


def test_session_availability_from_its_own_endpoint() -> None:
    entry = SessionAvailability.from_api(load("session_availability.json"))
    assert entry.session_id == "337177bc-e513-444f-bcee-49a3e25b48a3"


def test_customer_input_leaves_out_empty_optional_fields() -> None:
    assert CustomerInput("a", "b", "a@b.c").to_api() == {
        "firstname": "a",
        "lastname": "b",
        "email": "a@b.c",
        "optin": False,
    }


def test_beneficiary_to_api_leaves_out_unknown_values() -> None:
    assert Beneficiary(lastname="Doe", nationality="FR").to_api() == {
        "lastname": "Doe",
        "nationality": "FR",
    }


def test_document_link_unpacks_and_hides_its_url() -> None:
    link = DocumentLink("https://s/doc.pdf?Signature=abc", "fr")
    url, language = link
    assert (url, language) == ("https://s/doc.pdf?Signature=abc", "fr")
    assert "Signature" not in repr(link)


def test_document_without_downloadable_at_is_downloadable() -> None:
    document = OrderDocument.from_api({"@id": "/weird/d1"})
    assert document.is_downloadable(dt.datetime.now(dt.UTC))
    assert document.order_id is None


def test_order_keeps_a_plain_json_copy() -> None:
    order = Order.from_api(load("order.json"))
    assert isinstance(order.raw["items"], list)
    assert order.raw["customer"]["email"] == "john.doe@example.com"


def test_bulk_results_say_whether_everything_succeeded() -> None:
    from shop.korus.models import OrderBulkResult, ReservationBulkResult

    assert OrderBulkResult(orders=(), failed=()).ok
    assert ReservationBulkResult(reservations=(), failed=()).ok


def test_order_with_minimal_fields() -> None:
    order = Order.from_api({"@id": "/v1/booking/orders/o1", "totalAmountInclTax": "0.00"})
    assert (order.id, order.customer, order.items, order.reference) == ("o1", None, (), "")


def test_embedded_iri_objects_are_reduced_to_their_iri() -> None:
    from shop.korus.models import Product

    product = Product.from_api({"name": "P", "productBase": {"@id": "/pb/9"}})
    assert product.product_base_iri == "/pb/9"
    assert Product.from_api({"productBase": {"name": "no id"}}).product_base_iri is None
