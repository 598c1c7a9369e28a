"""Order documents: poll the API until they are downloadable, store them, serve them.

`documents_poll` is one polling step. It never sleeps: it returns how long to wait before
the next step and the Celery task schedules it. Every write is conditional on the current
state, so two workers running the same step (a redelivered task) download nothing twice and
queue one email.

The API's `temporaryUrl` is a bearer credential: it is used once, inside this module, and is
never stored, logged or put in an error message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from shop.korus import get_client
from shop.korus.errors import KorusError, KorusHTTPError, KorusTransientError, ValidationFailed
from shop.korus.models import Beneficiary, OrderItemTicket
from shop.korus.models import OrderDocument as RemoteDocument
from shop.models import EmailOutbox, Order, OrderDocument, OrderFulfilment
from shop.models.documents import document_upload_to
from shop.services.receipts import order_items

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
BENEFICIARY_FIELDS = (
    "title",
    "firstname",
    "lastname",
    "email",
    "phone",
    "dateOfBirth",
    "placeOfBirth",
    "nationality",
)


class InvalidDocument(Exception):
    """What the download URL returned is not a PDF we can give a buyer."""


class DocumentUnavailable(Exception):
    """A buyer asked for a document we cannot serve right now."""


class BeneficiaryRejected(Exception):
    """The API refused the beneficiary details; `errors` maps our field names to messages."""

    def __init__(self, errors: Mapping[str, str] | None = None) -> None:
        self.errors = dict(errors or {})
        super().__init__("beneficiary details rejected")


@dataclass(frozen=True, slots=True)
class PollOutcome:
    done: bool
    status: str
    # Seconds to wait before the next step when not done.
    countdown: float = 0.0


@dataclass(frozen=True, slots=True)
class DocumentsState:
    """What the order page shows about the documents."""

    status: str
    total: int
    ready: int
    documents: tuple[OrderDocument, ...]
    beneficiary_tickets: tuple[Mapping[str, Any], ...]

    @property
    def done(self) -> bool:
        return self.status in {OrderFulfilment.Status.READY, OrderFulfilment.Status.FAILED}


# --------------------------------------------------------------------------------------------
# Delays
# --------------------------------------------------------------------------------------------
def _delay_cap() -> float:
    cap = float(settings.DOCUMENTS_POLL_MAX_SECONDS)
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    visibility = options.get("visibility_timeout")
    if visibility:
        # A countdown close to the visibility timeout gets the task redelivered while the
        # first worker still holds it.
        cap = min(cap, float(visibility) / 4)
    return max(cap, 0.1)


def poll_delay(attempt: int, *, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: between half and all of min * 2**attempt, capped."""
    base = float(settings.DOCUMENTS_POLL_MIN_SECONDS) * (2.0 ** min(attempt, 20))
    cap = _delay_cap()
    base = min(base, cap)
    return min(cap, base / 2 + rng() * base / 2)


def _wait_until(moment: dt.datetime, now: dt.datetime, rng: Callable[[], float]) -> float:
    # A little past downloadableAt (the issuer's clock may lag ours), never past the cap.
    seconds = (moment - now).total_seconds() + 0.2 + rng() * 0.5
    return min(_delay_cap(), max(seconds, float(settings.DOCUMENTS_POLL_MIN_SECONDS) / 2))


# --------------------------------------------------------------------------------------------
# Starting and polling
# --------------------------------------------------------------------------------------------
def fulfilment_start(*, order_id: int) -> OrderFulfilment | None:
    """The fulfilment row of a confirmed order, created with its deadline on first call."""
    order = Order.objects.filter(pk=order_id, status=Order.Status.CONFIRMED).first()
    if order is None or order.korus_id is None:
        return None
    deadline = timezone.now() + dt.timedelta(minutes=settings.DOCUMENTS_DEADLINE_MINUTES)
    try:
        fulfilment, _ = OrderFulfilment.objects.get_or_create(
            order=order, defaults={"deadline_at": deadline}
        )
    except IntegrityError:
        fulfilment = OrderFulfilment.objects.get(order=order)
    return fulfilment


def documents_poll(
    *, order_id: int, now: dt.datetime | None = None, rng: Callable[[], float] = random.random
) -> PollOutcome:
    """One polling step for an order's documents.

    Raises KorusTransientError (the task retries it with backoff). Any other API error is
    recorded on the fulfilment and polling goes on until the deadline.
    """
    fulfilment = fulfilment_start(order_id=order_id)
    if fulfilment is None:
        return PollOutcome(done=True, status="no_order")
    if fulfilment.is_done:
        return PollOutcome(done=True, status=fulfilment.status)
    now = now or timezone.now()
    if now >= fulfilment.deadline_at:
        return _give_up(fulfilment, now=now)
    OrderFulfilment.objects.filter(pk=fulfilment.pk).update(
        polls=F("polls") + 1, last_polled_at=now
    )
    order = fulfilment.order
    try:
        waiting = _tickets_waiting_for_beneficiary(order)
        if waiting:
            _set_needs_beneficiary(fulfilment, waiting)
            return PollOutcome(
                done=False,
                status=OrderFulfilment.Status.NEEDS_BENEFICIARY,
                countdown=min(_delay_cap(), settings.DOCUMENTS_BENEFICIARY_POLL_SECONDS),
            )
        if fulfilment.status == OrderFulfilment.Status.NEEDS_BENEFICIARY:
            OrderFulfilment.objects.filter(pk=fulfilment.pk).update(
                status=OrderFulfilment.Status.WAITING, beneficiary_tickets=[]
            )
        remote = list(get_client().order_documents(str(order.korus_id)))
    except KorusTransientError:
        raise
    except KorusError as exc:
        _note(fulfilment, f"API refused a documents call: {_describe(exc)}")
        return PollOutcome(
            done=False, status=fulfilment.status, countdown=poll_delay(fulfilment.polls, rng=rng)
        )
    _sync_documents(order, remote)
    pending = list(order.documents.filter(status=OrderDocument.Status.PENDING))
    for document in pending:
        if document.downloadable_at is None or document.downloadable_at <= now:
            _fetch_into_storage(order, document)
    return _after_fetching(fulfilment, remote, now=now, rng=rng)


def _after_fetching(
    fulfilment: OrderFulfilment,
    remote: list[RemoteDocument],
    *,
    now: dt.datetime,
    rng: Callable[[], float],
) -> PollOutcome:
    documents = list(fulfilment.order.documents.all())
    pending = [d for d in documents if d.status != OrderDocument.Status.READY]
    if remote and not pending:
        _mark_ready(fulfilment, now=now)
        return PollOutcome(done=True, status=OrderFulfilment.Status.READY)
    later = [d.downloadable_at for d in pending if d.downloadable_at and d.downloadable_at > now]
    if later and len(later) == len(pending):
        countdown = _wait_until(min(later), now, rng)
    else:
        countdown = poll_delay(fulfilment.polls, rng=rng)
    return PollOutcome(done=False, status=OrderFulfilment.Status.WAITING, countdown=countdown)


def _sync_documents(order: Order, remote: Iterable[RemoteDocument]) -> None:
    for position, doc in enumerate(remote):
        try:
            with transaction.atomic():
                obj, created = OrderDocument.objects.get_or_create(
                    order=order,
                    korus_id=doc.id,
                    defaults={"position": position, "downloadable_at": doc.downloadable_at},
                )
        except IntegrityError:
            continue
        if not created and obj.downloadable_at != doc.downloadable_at:
            OrderDocument.objects.filter(pk=obj.pk).update(downloadable_at=doc.downloadable_at)


def _fetch_into_storage(order: Order, document: OrderDocument, *, replace: bool = False) -> bool:
    """Download one document and store it; False (with the reason recorded) if it failed.

    Only transient API errors propagate, for the task's backoff.
    """
    OrderDocument.objects.filter(pk=document.pk).update(attempts=F("attempts") + 1)
    client = get_client()
    try:
        link = client.document_link(
            str(order.korus_id), str(document.korus_id), language=order.language or None
        )
        data = client.download(link.temporary_url)
        _check_pdf(data)
    except KorusTransientError:
        raise
    except (KorusError, InvalidDocument) as exc:
        OrderDocument.objects.filter(pk=document.pk).update(last_error=_describe(exc))
        return False
    storage = document.file.storage
    name = storage.save(document_upload_to(document, "document.pdf"), ContentFile(data))
    fields = {
        "status": OrderDocument.Status.READY,
        "file": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "language": link.cached_language or "",
        "fetched_at": timezone.now(),
        "last_error": "",
    }
    rows = OrderDocument.objects.filter(pk=document.pk)
    if not replace:
        rows = rows.filter(status=OrderDocument.Status.PENDING)
    old_name = document.file.name if replace else ""
    if rows.update(**fields) == 0:
        # Another worker stored it first: keep theirs.
        storage.delete(name)
        return True
    if old_name and old_name != name:
        storage.delete(old_name)
    logger.info(
        "documents: stored document %s of order %s (%d bytes)", document.pk, order.pk, len(data)
    )
    return True


def _check_pdf(data: bytes) -> None:
    if not data.startswith(PDF_MAGIC):
        raise InvalidDocument("the downloaded file is not a PDF")
    if len(data) > settings.DOCUMENTS_MAX_BYTES:
        raise InvalidDocument(
            f"the downloaded file is larger than {settings.DOCUMENTS_MAX_BYTES} bytes"
        )


def _describe(exc: BaseException) -> str:
    # Status and class only: an HTTP error's text may carry a signed download path.
    if isinstance(exc, KorusHTTPError):
        return f"{type(exc).__name__} (HTTP {exc.status})"
    if isinstance(exc, InvalidDocument):
        return str(exc)
    return type(exc).__name__


def _note(fulfilment: OrderFulfilment, reason: str) -> None:
    OrderFulfilment.objects.filter(pk=fulfilment.pk).update(reason=reason[:1000])


def _mark_ready(fulfilment: OrderFulfilment, *, now: dt.datetime) -> None:
    updated = OrderFulfilment.objects.filter(
        pk=fulfilment.pk,
        status__in=[OrderFulfilment.Status.WAITING, OrderFulfilment.Status.NEEDS_BENEFICIARY],
    ).update(status=OrderFulfilment.Status.READY, ready_at=now, reason="", beneficiary_tickets=[])
    if updated:
        _queue_email(fulfilment.order, EmailOutbox.Kind.TICKETS_READY)


def _give_up(fulfilment: OrderFulfilment, *, now: dt.datetime) -> PollOutcome:
    fulfilment.refresh_from_db()
    documents = list(fulfilment.order.documents.all())
    ready = sum(1 for d in documents if d.status == OrderDocument.Status.READY)
    errors = sorted({d.last_error for d in documents if d.last_error})
    if fulfilment.status == OrderFulfilment.Status.NEEDS_BENEFICIARY:
        why = "beneficiary details were not given before the deadline"
    elif not documents:
        why = "the API listed no documents before the deadline"
    else:
        why = f"{ready} of {len(documents)} documents were stored before the deadline"
    details = "; ".join(part for part in [fulfilment.reason, *errors] if part)
    reason = f"Gave up at {now.isoformat(timespec='seconds')}: {why}" + (
        f" (last errors: {details})" if details else ""
    )
    updated = OrderFulfilment.objects.filter(
        pk=fulfilment.pk,
        status__in=[OrderFulfilment.Status.WAITING, OrderFulfilment.Status.NEEDS_BENEFICIARY],
    ).update(status=OrderFulfilment.Status.FAILED, reason=reason[:2000])
    if updated:
        logger.warning("documents: order %s: %s", fulfilment.order_id, reason)
        _queue_email(fulfilment.order, EmailOutbox.Kind.TICKETS_DELAYED)
    return PollOutcome(done=True, status=OrderFulfilment.Status.FAILED)


def _queue_email(order: Order, kind: str) -> None:
    from shop.services.emails import email_queue
    from shop.tasks import email_send_task

    outbox = email_queue(order=order, kind=kind)
    if outbox is not None:
        transaction.on_commit(lambda: email_send_task.delay(outbox.pk))


# --------------------------------------------------------------------------------------------
# Beneficiaries
# --------------------------------------------------------------------------------------------
def _tickets_waiting_for_beneficiary(order: Order) -> list[tuple[str, OrderItemTicket]]:
    stored = [
        (item.id, ticket)
        for item in order_items(order=order)
        for ticket in item.tickets
        if ticket.required_beneficiary_fields
    ]
    if not stored:
        # The order as created asked for no beneficiary: no need to ask the API again.
        return []
    fresh = get_client().order(str(order.korus_id))
    return [
        (item.id, ticket)
        for item in fresh.items
        for ticket in item.tickets
        if ticket.needs_beneficiary
    ]


def _set_needs_beneficiary(
    fulfilment: OrderFulfilment, waiting: list[tuple[str, OrderItemTicket]]
) -> None:
    tickets = [
        {
            "item_id": item_id,
            "ticket_id": ticket.id,
            "fields": [f for f in ticket.required_beneficiary_fields if f in BENEFICIARY_FIELDS],
            "deadline": (
                ticket.beneficiary_designation_deadline.isoformat()
                if ticket.beneficiary_designation_deadline
                else None
            ),
            "event": ticket.event or "",
            "occurs_at": ticket.occurs_at.isoformat() if ticket.occurs_at else None,
        }
        for item_id, ticket in waiting
    ]
    OrderFulfilment.objects.filter(
        pk=fulfilment.pk,
        status__in=[OrderFulfilment.Status.WAITING, OrderFulfilment.Status.NEEDS_BENEFICIARY],
    ).update(status=OrderFulfilment.Status.NEEDS_BENEFICIARY, beneficiary_tickets=tickets)


def beneficiary_submit(
    *, order: Order, item_id: str, ticket_id: str, values: Mapping[str, Any]
) -> None:
    """Send one ticket's beneficiary details to the API, then let polling go on.

    Raises BeneficiaryRejected with per-field messages when the API refuses them.
    """
    fulfilment = OrderFulfilment.objects.filter(order=order).first()
    if fulfilment is None or not any(
        t.get("item_id") == item_id and t.get("ticket_id") == ticket_id
        for t in fulfilment.beneficiary_tickets
    ):
        raise BeneficiaryRejected()
    beneficiary = Beneficiary(
        firstname=values.get("firstname") or None,
        lastname=values.get("lastname") or None,
        email=values.get("email") or None,
        phone=values.get("phone") or None,
        title=values.get("title") or None,
        date_of_birth=values.get("dateOfBirth") or None,
        place_of_birth=values.get("placeOfBirth") or None,
        nationality=values.get("nationality") or None,
    )
    try:
        get_client().set_beneficiary(str(order.korus_id), item_id, ticket_id, beneficiary)
    except ValidationFailed as exc:
        errors = {
            v.property_path.rsplit(".", 1)[-1]: v.message for v in exc.violations if v.property_path
        }
        raise BeneficiaryRejected(errors) from exc
    remaining = [
        t
        for t in fulfilment.beneficiary_tickets
        if not (t.get("item_id") == item_id and t.get("ticket_id") == ticket_id)
    ]
    OrderFulfilment.objects.filter(pk=fulfilment.pk).update(beneficiary_tickets=remaining)
    if not remaining:
        from shop.tasks import documents_poll_task

        transaction.on_commit(lambda: documents_poll_task.delay(order.pk))


# --------------------------------------------------------------------------------------------
# Reading and serving
# --------------------------------------------------------------------------------------------
def documents_state(*, order: Order) -> DocumentsState:
    fulfilment = OrderFulfilment.objects.filter(order=order).first()
    documents = tuple(order.documents.all())
    ready = sum(1 for d in documents if d.status == OrderDocument.Status.READY)
    return DocumentsState(
        status=fulfilment.status if fulfilment else OrderFulfilment.Status.WAITING,
        total=len(documents),
        ready=ready,
        documents=documents,
        beneficiary_tickets=tuple(fulfilment.beneficiary_tickets if fulfilment else ()),
    )


def document_for_download(*, order: Order, document_id: int) -> OrderDocument:
    """The document to stream to the buyer: our stored copy, fetched again if it went missing.

    Raises OrderDocument.DoesNotExist for a document of another order (the view's 404) and
    DocumentUnavailable when no copy can be had right now.
    """
    document = OrderDocument.objects.select_related("order").get(pk=document_id, order=order)
    if document.status == OrderDocument.Status.READY and document.file.name:
        if document.file.storage.exists(document.file.name):
            return document
        logger.warning(
            "documents: stored copy of document %s is missing, fetching it again", document.pk
        )
    try:
        stored = _fetch_into_storage(order, document, replace=True)
    except KorusTransientError as exc:
        raise DocumentUnavailable() from exc
    if not stored:
        raise DocumentUnavailable()
    document.refresh_from_db()
    return document


def documents_resume(*, now: dt.datetime | None = None) -> list[int]:
    """Order ids whose polling is unfinished: queue them again (after an outage, a lost task)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=_delay_cap() * 2)
    return list(
        OrderFulfilment.objects.filter(
            status__in=[OrderFulfilment.Status.WAITING, OrderFulfilment.Status.NEEDS_BENEFICIARY]
        )
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=stale))
        .values_list("order_id", flat=True)
    )
