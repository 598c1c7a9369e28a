"""The API call log: written by the client's hook, free of secrets, bounded, read-only."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.korus import get_client
from shop.korus.calls import CallRecord
from shop.models import ApiCallLog
from shop.services.operations import (
    api_call_log_flush,
    api_call_log_prune,
    api_call_record,
    api_calls_about,
)
from shop.tasks_operations import api_call_log_prune_task

pytestmark = pytest.mark.django_db

ORDER_ID = "0194ac3f-11aa-7cde-8f01-23456789abcd"


def record(path: str = f"/v1/booking/orders/{ORDER_ID}", **kwargs) -> CallRecord:
    values = {"method": "GET", "status": 200, "duration_ms": 12.5, "error": None, "attempt": 1}
    return CallRecord(path=path, **{**values, **kwargs})


def test_every_client_call_is_logged_with_method_path_status_and_time(sandbox_demo):
    get_client().catalogs()

    row = ApiCallLog.objects.get()

    assert (row.method, row.path, row.status) == ("GET", "/v1/ticketing/catalogs", 200)
    assert row.duration_ms > 0
    assert row.attempt == 1
    assert row.error == ""


def test_a_call_about_an_order_carries_its_id_for_the_timeline():
    api_call_record(record())

    assert ApiCallLog.objects.get().resource_id == ORDER_ID


def test_calls_inside_api_calls_about_are_attributed_to_that_order(place_order):
    order = place_order(quantity=1)
    ApiCallLog.objects.all().delete()

    with api_calls_about(order.pk):
        api_call_record(record(path="/v1/booking/orders", status=503))

    assert ApiCallLog.objects.get().order_id == order.pk


def test_the_log_never_keeps_a_key_a_token_or_a_signed_url_query(settings):
    settings.KORUS_API_KEY = "secret-api-key-123"
    api_call_record(
        record(
            path="/v1/files/doc.pdf?GoogleAccessId=svc&Signature=abc",
            status=None,
            error=(
                "KorusConnectionError for https://storage.example/doc.pdf?Signature=abc "
                "with Bearer eyJhbGciOi and secret-api-key-123"
            ),
        )
    )

    row = ApiCallLog.objects.get()
    stored = f"{row.path} {row.error}"
    for secret in ("Signature=abc", "GoogleAccessId", "eyJhbGciOi", "secret-api-key-123"):
        assert secret not in stored
    assert row.path == "/v1/files/doc.pdf"


def test_a_call_made_on_a_pool_thread_is_kept_until_a_thread_that_may_write_flushes():
    thread = threading.Thread(target=api_call_record, args=(record(),))
    thread.start()
    thread.join()
    assert not ApiCallLog.objects.exists()

    assert api_call_log_flush() == 1
    assert ApiCallLog.objects.count() == 1


def test_a_database_failure_never_reaches_the_caller(monkeypatch):
    from django.db import DatabaseError

    from shop.services import operations

    def broken(rows):
        raise DatabaseError("disk full")

    monkeypatch.setattr(operations, "_write", broken)

    api_call_record(record())  # no exception


def test_pruning_drops_rows_older_than_the_retention():
    now = timezone.now()
    api_call_record(record())
    api_call_record(record())
    old = ApiCallLog.objects.order_by("id").first()
    ApiCallLog.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=15))

    deleted = api_call_log_prune(keep_days=14, max_rows=100, now=now)

    assert deleted == 1
    assert not ApiCallLog.objects.filter(pk=old.pk).exists()


def test_pruning_keeps_at_most_the_newest_rows():
    for _ in range(5):
        api_call_record(record())
    newest = list(ApiCallLog.objects.order_by("-created_at", "-id").values_list("id", flat=True))

    deleted = api_call_log_prune(keep_days=14, max_rows=2)

    assert deleted == 3
    assert sorted(ApiCallLog.objects.values_list("id", flat=True)) == sorted(newest[:2])


def test_the_periodic_prune_task_uses_the_configured_bounds(settings):
    settings.OPERATIONS_API_LOG_MAX_ROWS = 1
    for _ in range(3):
        api_call_record(record())

    assert api_call_log_prune_task.apply().get() == 2
    assert ApiCallLog.objects.count() == 1


def test_the_prune_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["operations-api-call-log-prune"]

    assert entry["task"] == api_call_log_prune_task.name
    assert "shop.tasks_operations" in settings.CELERY_IMPORTS


def test_the_log_list_filters_server_errors_and_is_read_only(staff_client):
    api_call_record(record(status=200))
    api_call_record(record(status=503))
    url = reverse("admin:shop_apicalllog_changelist")

    response = staff_client.get(url, {"outcome": "5xx"})

    assert [r.status for r in response.context["cl"].result_list] == [503]
    row = ApiCallLog.objects.get(status=503)
    change = reverse("admin:shop_apicalllog_change", args=[row.pk])
    assert staff_client.post(change, {"status": "200"}).status_code == 403
    assert staff_client.get(reverse("admin:shop_apicalllog_add")).status_code == 403


def test_the_calls_of_a_pages_parallel_reads_are_written_once_its_response_is_out(
    client, sandbox_demo
):
    url = f"/events/{sandbox_demo.concert.event_id}/sessions/{sandbox_demo.concert.session_id}/"
    client.get(url)  # its five reads run on pool threads, which may not write

    paths = set(ApiCallLog.objects.values_list("path", flat=True))

    assert any(path.endswith("/offers") for path in paths)
    assert any(path.endswith("/availability") for path in paths)
