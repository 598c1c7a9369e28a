from __future__ import annotations

from shop.korus.errors import (
    KorusHTTPError,
    KorusTransientError,
    NotFound,
    RateLimited,
    ServerError,
    error_for_status,
    parse_error_body,
)


def test_api_platform_2_hydra_keys_are_read() -> None:
    _, title, detail, _ = parse_error_body(
        b'{"@type": "hydra:Error", "hydra:title": "An error occurred", "hydra:description": "Nope"}'
    )
    assert (title, detail) == ("An error occurred", "Nope")


def test_a_json_body_that_is_not_an_object_is_kept() -> None:
    assert parse_error_body(b"[1]") == ([1], None, None, ())


def test_an_empty_body() -> None:
    assert parse_error_body(b"") == (None, None, None, ())


def test_transient_errors_share_a_base() -> None:
    assert issubclass(ServerError, KorusTransientError)
    assert issubclass(RateLimited, KorusTransientError)
    assert not issubclass(NotFound, KorusTransientError)


def test_message_names_the_call_and_request_id() -> None:
    error = error_for_status(
        404, b'{"title": "Not Found"}', request_id="abc", method="GET", path="/v1/x"
    )
    assert str(error) == "HTTP 404 Not Found (GET /v1/x) [request abc]"


def test_message_without_details() -> None:
    assert str(KorusHTTPError(418)) == "HTTP 418 error"


def test_violations_skip_entries_that_are_not_objects() -> None:
    _, _, _, violations = parse_error_body(
        b'{"violations": ["x", {"propertyPath": "email", "message": "bad"}]}'
    )
    assert [(v.property_path, v.message, v.code) for v in violations] == [("email", "bad", None)]
