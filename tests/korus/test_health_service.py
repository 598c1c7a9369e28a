"""shop.services.health.korus_ping, used by /readyz."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
import respx

from shop.korus import reset_client, wiring
from shop.korus.client import KorusClient
from shop.korus.errors import Unauthorized
from shop.services.health import korus_ping
from tests.korus.conftest import jsonld


@pytest.fixture
def process_client(
    make_client: Callable[..., KorusClient], monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The process client built on the mocked transport (the HTTP edge), nothing else replaced."""
    reset_client()
    monkeypatch.setattr(wiring, "build_client", lambda **kw: make_client())
    yield
    reset_client()


def test_korus_ping_passes_when_the_api_answers(router: respx.Router, process_client: None) -> None:
    route = router.get("/v1/ticketing/catalogs").mock(return_value=jsonld("catalogs_page2.json"))
    korus_ping()
    assert route.called


def test_korus_ping_raises_when_the_key_is_refused(
    router: respx.Router, process_client: None
) -> None:
    router.get("/v1/ticketing/catalogs").mock(return_value=httpx.Response(401))
    with pytest.raises(Unauthorized):
        korus_ping()
