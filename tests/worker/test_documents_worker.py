"""Acceptance 1 and 2 of issue 8 with a real Celery worker and the sandbox API.

An order is created at the sandbox (documents downloadable a few seconds later), confirmed
locally, and the worker does the rest: poll, store, email. In the second test the worker is
killed while it holds the polling task, and another worker finishes the job.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from shop.models import EmailOutbox, Order, OrderDocument, OrderFulfilment, Reservation
from shop.signals import order_confirmed
from tests.worker.conftest import VISIBILITY_TIMEOUT, Worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, databases="__all__")]
DOCUMENT_DELAY = 3


def _sandbox_order(sandbox_client: Any, case: Any, email: str) -> dict[str, Any]:
    held = sandbox_client.post(
        "/v1/booking/reservations/_bulk",
        json={"items": [case.reservation_item(2)]},
        headers={"Content-Type": "application/ld+json"},
    )
    assert held.status_code == 200, held.text
    reservation = held.json()["reservations"][0]
    ordered = sandbox_client.post(
        "/v1/booking/orders/_bulk",
        json={
            "reservations": [reservation["@id"]],
            "externalReference": f"KS-{uuid.uuid4().hex[:12]}",
            "customer": {"firstname": "Jane", "lastname": "Doe", "email": email, "language": "en"},
        },
        headers={"Content-Type": "application/ld+json"},
    )
    assert ordered.status_code == 200, ordered.text
    return {"reservation": reservation, "order": ordered.json()["orders"][0]}


def _confirm_locally(api: dict[str, Any], email: str) -> Order:
    reservation, remote = api["reservation"], api["order"]
    local_reservation = Reservation.objects.create(
        korus_id=reservation["id"],
        iri=reservation["@id"],
        expires_at=parse_datetime(reservation["expiresAt"]),
        status=Reservation.Status.ORDERED,
        total_incl_tax=Decimal(remote["totalAmountInclTax"]),
        session_key_hash="w" * 64,
    )
    order = Order.objects.create(
        external_reference=remote["externalReference"],
        korus_id=remote["id"],
        reference=remote["reference"],
        status=Order.Status.CONFIRMED,
        reservation=local_reservation,
        customer_firstname="Jane",
        customer_lastname="Doe",
        customer_email=email,
        language="en",
        total_incl_tax=Decimal(remote["totalAmountInclTax"]),
        total_excl_tax=Decimal(remote["totalAmountExclTax"]),
        items=remote["items"],
        confirmed_at=timezone.now(),
    )
    # What the checkout service does once the API confirmed (on commit; autocommit here).
    order_confirmed.send(sender=Order, order_id=order.pk)
    return order


def _tickets_emails(mail_dir: Path) -> list[str]:
    texts = [p.read_text(errors="replace") for p in mail_dir.glob("*.log")]
    # The file backend appends every message of one connection to one file.
    return [
        part
        for text in texts
        for part in text.split("\n" + "-" * 79 + "\n")
        if "Subject: Your tickets for order" in part
    ]


def _check_delivered(client: Any, order: Order, worker: Worker) -> None:
    documents = list(OrderDocument.objects.filter(order=order))
    assert documents
    assert all(d.status == "ready" for d in documents)
    page = client.get(reverse("shop:order_status", kwargs={"secret": order.secret}))
    for document in documents:
        url = reverse(
            "shop:order_document", kwargs={"secret": order.secret, "document_id": document.pk}
        )
        assert url in page.content.decode()
        body = b"".join(client.get(url).streaming_content)
        assert body.startswith(b"%PDF-")
        assert hashlib.sha256(body).hexdigest() == document.sha256
    wait_until(
        lambda: EmailOutbox.objects.filter(
            order=order, kind="tickets_ready", status="sent"
        ).exists(),
        20,
        "the tickets-ready email was not sent",
        worker,
    )
    assert len(_tickets_emails(worker.mail_dir)) == 1  # type: ignore[attr-defined]


def test_documents_reach_the_buyer_through_a_real_worker(
    worker, sandbox_demo, sandbox_client, sandbox_settings, client
):
    sandbox_settings.document_delay = DOCUMENT_DELAY
    worker.env["SANDBOX_DOCUMENT_DELAY_SECONDS"] = str(DOCUMENT_DELAY)
    worker.start()
    api = _sandbox_order(sandbox_client, sandbox_demo.concert, "jane@example.com")

    order = _confirm_locally(api, "jane@example.com")

    wait_until(
        lambda: OrderFulfilment.objects.filter(order=order, status="ready").exists(),
        40,
        "the documents never became ready",
        worker,
    )
    _check_delivered(client, order, worker)


def test_documents_arrive_when_the_worker_dies_while_polling(
    worker, broker_is_redis, sandbox_demo, sandbox_client, sandbox_settings, client
):
    if not broker_is_redis:
        pytest.skip(
            "kombu's filesystem transport deletes a message when a worker receives it, so a "
            "killed worker's task is never redelivered; this test needs Redis (as CI has)"
        )
    sandbox_settings.document_delay = DOCUMENT_DELAY + VISIBILITY_TIMEOUT + 2
    worker.start()
    api = _sandbox_order(sandbox_client, sandbox_demo.concert, "kill@example.com")
    order = _confirm_locally(api, "kill@example.com")
    # Polling has started (a poll ran, and its retry is held by the worker) ...
    wait_until(
        lambda: OrderFulfilment.objects.filter(order=order, polls__gte=1).exists(),
        20,
        "the worker never polled",
        worker,
    )
    time.sleep(0.5)
    assert not OrderDocument.objects.filter(order=order, status="ready").exists()

    worker.kill()
    # ... then the unacknowledged message comes back once the visibility timeout has passed.
    time.sleep(VISIBILITY_TIMEOUT + 0.5)
    worker.start()

    wait_until(
        lambda: OrderFulfilment.objects.filter(order=order, status="ready").exists(),
        40,
        "the documents never became ready after the worker was killed",
        worker,
    )
    _check_delivered(client, order, worker)
