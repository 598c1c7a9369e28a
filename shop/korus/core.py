"""The one request choke point: base URL, headers, auth, timeouts, retries, timing and logs."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode, urlsplit

import httpx

from shop.korus.auth import Authenticator, OIDCClientCredentials, StaticAuth
from shop.korus.calls import CallObserver, CallRecord, log_call
from shop.korus.errors import (
    KorusConnectionError,
    KorusError,
    KorusHTTPError,
    KorusPayloadError,
    KorusTimeout,
    KorusTransientError,
    error_for_status,
)
from shop.korus.retry import (
    RetryPolicy,
    parse_retry_after,
    retry_delay,
    should_retry,
    within_budget,
)

T = TypeVar("T")
Params = Sequence[tuple[str, str | int]]
QueryValue = str | int | float | bool | None

JSONLD = "application/ld+json"
MERGE_PATCH = "application/merge-patch+json"
USER_AGENT = "korus-shop/0.1"


def segment(value: object) -> str:
    """One path segment from an id: quoted so that an id can never change the path's shape."""
    text = str(value)
    if not text or text in {".", ".."}:
        raise ValueError(f"invalid identifier: {value!r}")
    return quote(text, safe="")


def iri_path(iri: str, prefix: str) -> str:
    """A relative API IRI checked to point under `prefix` (no host, no traversal)."""
    parts = urlsplit(iri)
    if parts.scheme or parts.netloc or parts.query or not parts.path.startswith(prefix):
        raise ValueError(f"not an IRI under {prefix}: {iri!r}")
    if any(piece in {".", ".."} for piece in parts.path.split("/")):
        raise ValueError(f"invalid IRI: {iri!r}")
    return parts.path


class KorusHTTP:
    """HTTP plumbing shared by every KorusTicket operation (see KorusClient for those).

    Thread-safe: one instance (and its connection pool) serves a whole process.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        retry_policy: RetryPolicy | None = None,
        default_language: str | None = None,
        on_call: CallObserver | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.default_language = default_language
        self.retry_policy = retry_policy or RetryPolicy()
        self._on_call = on_call
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(
                connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
            ),
            headers={"Accept": JSONLD, "User-Agent": USER_AGENT},
            follow_redirects=False,
        )
        self._token_url = token_url
        self._auth: Authenticator | None
        if client_id and client_secret and token_url:
            self._auth = OIDCClientCredentials(
                client_id, client_secret, self._fetch_token, clock=clock
            )
        elif api_key:
            self._auth = StaticAuth(api_key)
        else:
            self._auth = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------------------
    # The choke point
    # ----------------------------------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        content_type: str = JSONLD,
        language: str | None = None,
        retry: bool,
        authenticate: bool = True,
        accept: str | None = None,
    ) -> httpx.Response:
        """Send one logical call; return a 2xx response or raise a KorusError.

        `retry` is for idempotent calls only. A 401 under OIDC is answered once by a fresh
        token whatever the method: a rejected request was not processed.
        """
        headers: dict[str, str] = {}
        lang = language or self.default_language
        if lang:
            headers["Accept-Language"] = lang
        if accept:
            headers["Accept"] = accept
        content: bytes | None = None
        if body is not None:
            content = json.dumps(body).encode()
            headers["Content-Type"] = content_type
        started = self._clock()
        attempt = retries = 0
        refreshed = False
        while True:
            attempt += 1
            status: int | None = None
            retry_after: float | None = None
            used: str | None = None
            try:
                if authenticate and self._auth is not None:
                    used = self._auth.authorization()
                    headers["Authorization"] = used
                response = self._send(method, path, params, headers, content, attempt)
            except KorusTransientError as exc:
                error: KorusError = exc
                if isinstance(exc, KorusHTTPError):
                    status = exc.status
                    retry_after = getattr(exc, "retry_after", None)
            else:
                if response.is_success:
                    return response
                status = response.status_code
                if (
                    status == 401
                    and used is not None
                    and not refreshed
                    and self._auth is not None
                    and self._auth.invalidate(used)
                ):
                    refreshed = True
                    continue
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                error = error_for_status(
                    status,
                    response.content,
                    request_id=_request_id(response),
                    retry_after=retry_after,
                    method=method,
                    path=response.request.url.path,
                )
            if not retry or not should_retry(status):
                raise error
            retries += 1
            delay = retry_delay(retries, retry_after, self.retry_policy, self._jitter)
            if delay is None or not within_budget(
                self._clock() - started, delay, self.retry_policy
            ):
                raise error
            self._sleep(delay)

    def _send(
        self,
        method: str,
        path: str,
        params: Params | None,
        headers: Mapping[str, str],
        content: bytes | None,
        attempt: int,
    ) -> httpx.Response:
        """One HTTP attempt, timed, reported, with httpx's exceptions turned into ours."""
        started = time.perf_counter()
        log_path = urlsplit(path).path or "/"
        status: int | None = None
        error: str | None = None
        try:
            request = self._http.build_request(
                method,
                path,
                # Only when there are some: an empty list would drop a query already in the
                # URL (a temporaryUrl's signature).
                params=cast("list[tuple[str, QueryValue]]", list(params)) if params else None,
                headers=headers,
                content=content,
            )
            log_path = request.url.path
            response = self._http.send(request)
            status = response.status_code
            return response
        except httpx.TimeoutException as exc:
            error = KorusTimeout.__name__
            raise KorusTimeout(f"{method} {log_path}: {type(exc).__name__}") from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            error = KorusConnectionError.__name__
            raise KorusConnectionError(f"{method} {log_path}: {type(exc).__name__}") from exc
        finally:
            record = CallRecord(
                method=method,
                path=log_path,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                error=error,
                attempt=attempt,
            )
            log_call(record)
            if self._on_call is not None:
                self._on_call(record)

    def _fetch_token(self, form: Mapping[str, str]) -> Mapping[str, Any]:
        assert self._token_url is not None
        return self._json(self._post_form(self._token_url, form))

    def _post_form(self, url: str, form: Mapping[str, str]) -> httpx.Response:
        """The token request: form-encoded, never authenticated with a token, not retried here
        (the API call that needed it is retried as a whole)."""
        content = urlencode(dict(form)).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        response = self._send("POST", url, None, headers, content, 1)
        if not response.is_success:
            raise error_for_status(
                response.status_code,
                response.content,
                request_id=_request_id(response),
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                method="POST",
                path=response.request.url.path,
            )
        return response

    # ----------------------------------------------------------------------------------------
    # Decoding
    # ----------------------------------------------------------------------------------------
    @staticmethod
    def _json(response: httpx.Response) -> Mapping[str, Any]:
        try:
            data = response.json()
        except ValueError as exc:
            raise KorusPayloadError(
                f"{response.request.method} {response.request.url.path}: body is not JSON"
            ) from exc
        if not isinstance(data, Mapping):
            raise KorusPayloadError(
                f"{response.request.method} {response.request.url.path}: body is not an object"
            )
        return data

    @staticmethod
    def _parse(parse: Callable[[Mapping[str, Any]], T], data: Mapping[str, Any]) -> T:
        try:
            return parse(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise KorusPayloadError(
                f"unexpected payload for {getattr(parse, '__qualname__', parse)}: {exc}"
            ) from exc

    def _get(
        self,
        path: str,
        parse: Callable[[Mapping[str, Any]], T],
        *,
        params: Params | None = None,
        language: str | None = None,
        retry: bool = True,
    ) -> T:
        response = self._request("GET", path, params=params, language=language, retry=retry)
        return self._parse(parse, self._json(response))


def _request_id(response: httpx.Response) -> str | None:
    value = response.headers.get("X-Request-Id") or response.headers.get("X-Correlation-Id")
    return str(value) if value else None
