"""Forms: by id or by the IRI an offer ticket gives."""

from __future__ import annotations

import pytest
import respx

from shop.korus.client import KorusClient
from tests.korus.conftest import jsonld

FORM_ID = "0195197f-7918-7285-bb4b-7df2b682c3eb"
FORM = f"/v1/forms/{FORM_ID}"


def test_form_by_id(router: respx.Router, client: KorusClient) -> None:
    route = router.get(FORM).mock(return_value=jsonld("form.json"))
    form = client.form(FORM_ID, language="en")
    assert (form.id, form.iri, form.code) == (FORM_ID, FORM, "customer_infos_form")
    assert [f.type for f in form.fields] == ["text", "single_choice", "signature"]
    assert route.calls.last.request.headers["Accept-Language"] == "en"


def test_form_by_iri(router: respx.Router, client: KorusClient) -> None:
    route = router.get(FORM).mock(return_value=jsonld("form.json"))
    client.form(FORM)
    assert route.called


@pytest.mark.parametrize(
    "iri",
    [
        "/v1/booking/orders/1",
        "//evil.example/v1/forms/1",
        "/v1/forms/../booking/orders/1",
        "/v1/forms/1?x=1",
    ],
)
def test_form_iri_outside_forms_is_refused(client: KorusClient, iri: str) -> None:
    with pytest.raises(ValueError, match="IRI"):
        client.form(iri)
