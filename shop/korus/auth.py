"""The two ways of authenticating to KorusTicket (DESIGN.md): a fixed Authorization value, or an
OIDC client-credentials access token that is cached, refreshed and refetched after a 401."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from shop.korus.errors import KorusPayloadError

# Refresh this long before the token's announced expiry, so that a token never expires in
# flight (clock skew, slow requests).
EXPIRY_MARGIN_S = 30.0


class Authenticator(Protocol):
    def authorization(self) -> str: ...

    def invalidate(self, used: str) -> bool:
        """Forget a rejected credential; True when a new one can be tried."""
        ...


@dataclass(frozen=True, slots=True)
class StaticAuth:
    """KORUS_API_KEY, sent verbatim (it may already read "Bearer ...")."""

    value: str

    def authorization(self) -> str:
        return self.value

    def invalidate(self, used: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "StaticAuth(<redacted>)"


TokenFetcher = Callable[[Mapping[str, str]], Mapping[str, Any]]


class OIDCClientCredentials:
    """Client-credentials grant against KORUS_TOKEN_URL, the token cached until shortly before
    `expires_in`.

    A new grant is used instead of the refresh token: for a service account it is just as cheap
    and it cannot fail because the refresh token expired first.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        fetch: TokenFetcher,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:
        return f"OIDCClientCredentials(client_id={self._form['client_id']!r})"

    def authorization(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                self._refresh()
            assert self._token is not None
            return self._token

    def invalidate(self, used: str) -> bool:
        with self._lock:
            # Another thread may already have replaced the rejected token.
            if self._token == used:
                self._token = None
        return True

    def _refresh(self) -> None:
        payload = self._fetch(self._form)
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise KorusPayloadError("token response without an access_token")
        token_type = str(payload.get("token_type") or "Bearer")
        try:
            expires_in = float(payload.get("expires_in") or 60)
        except (TypeError, ValueError):
            expires_in = 60.0
        margin = min(EXPIRY_MARGIN_S, expires_in / 2)
        self._token = f"{token_type.capitalize()} {token}"
        self._expires_at = self._clock() + expires_in - margin
