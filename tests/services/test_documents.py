"""Polling an order's documents: wait, download once, store, give up at the deadline."""

# ruff: noqa: F811 (the shared fixtures are imported, then named as arguments)
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid

import httpx
import pytest
from django.utils import timezone

from shop.korus.errors import KorusTransientError
from shop.models import EmailOutbox, OrderDocument, OrderFulfilment
from shop.services.documents import (
    DocumentUnavailable,
    document_for_download,
    documents_poll,
    fulfilment_start,
    poll_delay,
)
from tests.services.documents_support import (  # noqa: F401 (fixtures)
    BASE,
    PDF,
    SIGNED,
    jsonld,
    korus_api,
    make_order,
    media,
    mock_documents,
    order_payload,
)

pytestmark = pytest.mark.django_db


def _past() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=1)


def test_poll_stores_downloadable_documents_and_marks_the_order_ready(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    mock_documents(korus_api, order, [(doc_id, _past())])

    outcome = documents_poll(order_id=order.pk)

    assert outcome.done
    assert outcome.status == "ready"
    document = OrderDocument.objects.get(order=order)
    assert document.status == "ready"
    assert document.file.read() == PDF
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert OrderFulfilment.objects.get(order=order).status == "ready"
    assert EmailOutbox.objects.filter(order=order, kind="tickets_ready").count() == 1


def test_poll_waits_for_downloadable_at_without_asking_for_a_link(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    later = timezone.now() + dt.timedelta(seconds=20)
    routes = mock_documents(korus_api, order, [(doc_id, later)])

    outcome = documents_poll(order_id=order.pk, rng=lambda: 0.0)

    assert not outcome.done
    assert routes[doc_id].call_count == 0
    assert 19 <= outcome.countdown <= 21


def test_a_second_poll_after_ready_downloads_nothing_and_queues_no_second_email(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    routes = mock_documents(korus_api, order, [(doc_id, _past())])
    documents_poll(order_id=order.pk)

    again = documents_poll(order_id=order.pk)

    assert again.done
    assert routes["download"].call_count == 1
    assert routes["list"].call_count == 1
    assert EmailOutbox.objects.filter(order=order).count() == 1


def test_a_download_that_is_not_a_pdf_is_recorded_and_polling_goes_on(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    mock_documents(korus_api, order, [(doc_id, _past())], pdf=b"<html>denied</html>")

    outcome = documents_poll(order_id=order.pk)

    assert not outcome.done
    document = OrderDocument.objects.get(order=order)
    assert document.status == "pending"
    assert "not a PDF" in document.last_error


def test_past_the_deadline_the_order_is_marked_failed_with_the_reason(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    mock_documents(korus_api, order, [(doc_id, timezone.now() + dt.timedelta(days=3))])
    documents_poll(order_id=order.pk)

    outcome = documents_poll(order_id=order.pk, now=timezone.now() + dt.timedelta(days=2))

    fulfilment = OrderFulfilment.objects.get(order=order)
    assert outcome.done
    assert fulfilment.status == "failed"
    assert "0 of 1 documents were stored before the deadline" in fulfilment.reason
    assert EmailOutbox.objects.filter(order=order, kind="tickets_delayed").exists()


def test_a_server_error_propagates_for_the_task_to_retry(korus_api, media):
    order = make_order()
    korus_api.get(f"{BASE}/v1/booking/orders/{order.korus_id}/documents").mock(
        return_value=httpx.Response(503)
    )

    with pytest.raises(KorusTransientError):
        documents_poll(order_id=order.pk)


def test_a_refused_call_is_recorded_and_polling_goes_on(korus_api, media):
    order = make_order()
    korus_api.get(f"{BASE}/v1/booking/orders/{order.korus_id}/documents").mock(
        return_value=httpx.Response(403, json={"title": "Forbidden", "status": 403})
    )

    outcome = documents_poll(order_id=order.pk)

    assert not outcome.done
    assert "Forbidden (HTTP 403)" in OrderFulfilment.objects.get(order=order).reason


def test_tickets_waiting_for_beneficiaries_pause_the_documents(korus_api, media):
    order = make_order(required=["firstname", "lastname"], status="waiting_beneficiary_data")
    korus_api.get(f"{BASE}/v1/booking/orders/{order.korus_id}").mock(
        return_value=jsonld(order_payload(order))
    )
    routes = mock_documents(korus_api, order, [])

    outcome = documents_poll(order_id=order.pk)

    fulfilment = OrderFulfilment.objects.get(order=order)
    assert not outcome.done
    assert outcome.status == "needs_beneficiary"
    assert fulfilment.beneficiary_tickets[0]["fields"] == ["firstname", "lastname"]
    assert routes["list"].call_count == 0


def test_the_temporary_url_never_reaches_the_logs(korus_api, media, caplog):
    caplog.set_level(logging.DEBUG)
    order = make_order()
    mock_documents(korus_api, order, [(str(uuid.uuid4()), _past())])

    documents_poll(order_id=order.pk)

    assert SIGNED.split("?")[1] not in caplog.text
    assert "Signature=" not in caplog.text


def test_a_missing_stored_copy_is_fetched_again_for_the_buyer(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    routes = mock_documents(korus_api, order, [(doc_id, _past())])
    documents_poll(order_id=order.pk)
    document = OrderDocument.objects.get(order=order)
    document.file.storage.delete(document.file.name)

    served = document_for_download(order=order, document_id=document.pk)

    assert served.file.read() == PDF
    assert routes["download"].call_count == 2


def test_a_document_of_another_order_is_not_found(korus_api, media):
    order, other = make_order(), make_order()
    mock_documents(korus_api, other, [(str(uuid.uuid4()), _past())])
    documents_poll(order_id=other.pk)
    foreign = OrderDocument.objects.get(order=other)

    with pytest.raises(OrderDocument.DoesNotExist):
        document_for_download(order=order, document_id=foreign.pk)


def test_a_document_that_cannot_be_fetched_again_is_unavailable(korus_api, media):
    order = make_order()
    doc_id = str(uuid.uuid4())
    routes = mock_documents(korus_api, order, [(doc_id, _past())])
    documents_poll(order_id=order.pk)
    document = OrderDocument.objects.get(order=order)
    document.file.storage.delete(document.file.name)
    routes[doc_id].mock(return_value=httpx.Response(404, json={"title": "Not Found"}))

    with pytest.raises(DocumentUnavailable):
        document_for_download(order=order, document_id=document.pk)


def test_poll_delays_grow_and_stay_under_a_quarter_of_the_visibility_timeout(settings):
    settings.DOCUMENTS_POLL_MIN_SECONDS = 2
    settings.DOCUMENTS_POLL_MAX_SECONDS = 600
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 400}

    delays = [poll_delay(n, rng=lambda: 1.0) for n in range(12)]

    assert delays[0] == 2
    assert delays[3] == 16
    assert max(delays) == 100


def test_the_fulfilment_deadline_comes_from_the_setting(settings):
    settings.DOCUMENTS_DEADLINE_MINUTES = 30
    order = make_order()

    fulfilment = fulfilment_start(order_id=order.pk)

    minutes = (fulfilment.deadline_at - timezone.now()).total_seconds() / 60
    assert 29 < minutes <= 30
