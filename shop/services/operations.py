"""The operator's side: the API call log, the editable shop settings, what needs attention,
an order's timeline, and the admin actions (each delegating to the service that owns the work).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.signals import request_finished
from django.db import DatabaseError, connections, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from shop import signals
from shop.korus.calls import CallRecord
from shop.models import (
    ApiCallLog,
    EmailOutbox,
    Order,
    OrderFulfilment,
    Reservation,
    ShopSettings,
)
from shop.models.operations import shop_settings_cache_key

if TYPE_CHECKING:
    from shop.korus.models import Order as KorusOrder

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# API call log
# ---------------------------------------------------------------------------------------------
_order_scope: ContextVar[int | None] = ContextVar("api_call_order", default=None)
# Records made on threads that must not open a database connection of their own (the client's
# parallel pool): kept here and written by the next call on a thread that may. Bounded, so a
# process that never flushes cannot grow without limit; the oldest are dropped first.
_pending: deque[ApiCallLog] = deque(maxlen=1000)
_pending_lock = threading.Lock()

_RESOURCE_ID = re.compile(r"/v1/booking/(?:orders|reservations)/([0-9A-Fa-f-]{32,36})(?:/|$)")
_URL_WITH_QUERY = re.compile(r"(https?://[^\s?#]+)[?#][^\s]*")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[^\s,;]+")


@contextmanager
def api_calls_about(order_id: int | None) -> Iterator[None]:
    """Attribute the API calls made inside the block to this order (for its timeline)."""
    token = _order_scope.set(order_id)
    try:
        yield
    finally:
        _order_scope.reset(token)


def _scrub(text: str) -> str:
    """Drop anything credential-like a message could carry: signed URL queries, auth headers,
    the configured key."""
    text = _URL_WITH_QUERY.sub(r"\1?[redacted]", text)
    text = _BEARER.sub(r"\1 [redacted]", text)
    for secret in (settings.KORUS_API_KEY, settings.KORUS_CLIENT_SECRET):
        if secret:
            text = text.replace(secret, "[redacted]")
    return text


def _request_id() -> str:
    try:
        from booking_site.request_id import get_request_id
    except ImportError:  # a deployment without the request-id middleware
        return ""
    return get_request_id() or ""


def api_call_row(record: CallRecord) -> ApiCallLog:
    """The log row for one HTTP attempt (unsaved)."""
    path = _scrub(record.path.split("?", 1)[0].split("#", 1)[0])[:500]
    match = _RESOURCE_ID.search(path)
    return ApiCallLog(
        method=record.method[:8],
        path=path,
        resource_id=match.group(1).lower() if match else "",
        status=record.status,
        duration_ms=float(record.duration_ms),
        error=_scrub(record.error or "")[:500],
        attempt=max(1, min(int(record.attempt), 32767)),
        order_id=_order_scope.get(),
        request_id=_request_id()[:128],
        created_at=timezone.now(),
    )


def _may_write_here() -> bool:
    # A thread that has not touched the database (a pool thread of the client) would open a
    # connection of its own: never closed, and on SQLite blocked by the request's write lock.
    if threading.current_thread() is threading.main_thread():
        return True
    return connections["default"].connection is not None


def api_call_log_flush() -> int:
    """Write the records kept from other threads; how many were written."""
    with _pending_lock:
        rows = list(_pending)
        _pending.clear()
    if not rows:
        return 0
    _write(rows)
    return len(rows)


@receiver(request_finished, dispatch_uid="operations_api_call_log_flush")
def _flush_after_response(**_: object) -> None:
    # The page's parallel reads ran on pool threads, which keep their rows for a thread that
    # may write: the request's own, once its response is out (a browse-only worker would
    # otherwise only ever drop the oldest of them).
    try:
        api_call_log_flush()
    except DatabaseError as exc:
        logger.warning("api call log: could not write the calls of pool threads: %s", exc)


def _write(rows: Sequence[ApiCallLog]) -> None:
    # A savepoint when inside the caller's transaction: a failed insert must not poison it.
    with transaction.atomic():
        ApiCallLog.objects.bulk_create(rows)


def api_call_record(record: CallRecord) -> None:
    """The client's on_call hook: one cheap INSERT per HTTP attempt; never fails the caller.

    Only the path (no host, no query string) is stored, so neither the key nor a signed
    `temporaryUrl` can reach the log.
    """
    if not getattr(settings, "OPERATIONS_API_LOG_ENABLED", True):
        return
    try:
        row = api_call_row(record)
        if not _may_write_here():
            with _pending_lock:
                _pending.append(row)
            return
        with _pending_lock:
            rows = [*_pending, row]
            _pending.clear()
        _write(rows)
    except (DatabaseError, ValueError, TypeError) as exc:
        # The log is a convenience: the client's own log line already recorded the call.
        logger.warning("api call log: could not record %s %s: %s", record.method, record.path, exc)


@receiver(signals.order_confirmed, dispatch_uid="operations_link_api_calls")
def _link_calls_of_confirming_request(sender: object, order_id: int, **_: Any) -> None:
    # The confirm request (or task) made the POST orders/_bulk, whose path names no order:
    # its request id ties those rows to the order that was just confirmed.
    request_id = _request_id()
    if not request_id:
        return
    try:
        api_call_log_flush()
        ApiCallLog.objects.filter(request_id=request_id, order__isnull=True).update(
            order_id=order_id
        )
    except DatabaseError as exc:
        logger.warning("api call log: could not link calls to order %s: %s", order_id, exc)


def api_call_log_prune(
    *, keep_days: int | None = None, max_rows: int | None = None, now: dt.datetime | None = None
) -> int:
    """Delete rows older than `keep_days` and beyond the newest `max_rows`; how many went."""
    keep_days = settings.OPERATIONS_API_LOG_KEEP_DAYS if keep_days is None else keep_days
    max_rows = settings.OPERATIONS_API_LOG_MAX_ROWS if max_rows is None else max_rows
    now = now or timezone.now()
    api_call_log_flush()
    deleted, _ = ApiCallLog.objects.filter(
        created_at__lt=now - dt.timedelta(days=keep_days)
    ).delete()
    boundary = (
        ApiCallLog.objects.order_by("-created_at", "-id")
        .values_list("created_at", "id")[max_rows : max_rows + 1]
        .first()
    )
    if boundary is not None:
        created_at, row_id = boundary
        extra, _ = ApiCallLog.objects.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, id__lte=row_id)
        ).delete()
        deleted += extra
    return deleted


def order_resource_ids(order: Order) -> list[str]:
    """The API ids that identify this order in call paths: its orders and reservations."""
    ids: set[str] = set()
    for value in [order.korus_id, *(order.korus_ids or [])]:
        if value:
            ids.add(str(value).rstrip("/").rsplit("/", 1)[-1].lower())
    hold_key = order.reservation.hold_key if order.reservation_id else None
    if hold_key is not None:
        ids.update(
            str(k).lower()
            for k in Reservation.objects.filter(hold_key=hold_key).values_list(
                "korus_id", flat=True
            )
        )
    return sorted(ids)


def order_api_calls(order: Order) -> QuerySet[ApiCallLog]:
    """The logged calls made for this order: attributed to it, or naming one of its ids."""
    return ApiCallLog.objects.filter(
        Q(order=order) | Q(resource_id__in=order_resource_ids(order))
    ).order_by("created_at", "id")


# ---------------------------------------------------------------------------------------------
# Shop settings
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ShopSettingsView:
    """What templates and services read: plain values, safe to cache and share."""

    shop_name: str
    contact_email: str
    logo_url: str
    terms_text: str
    privacy_text: str
    low_stock_threshold: int
    featured_event_ids: tuple[str, ...] = field(default_factory=tuple)


def shop_settings_row() -> ShopSettings:
    """The singleton row, created with the environment's defaults on first use."""
    row, _ = ShopSettings.objects.get_or_create(pk=ShopSettings.SINGLETON_ID)
    return row


def _logo_url(row: ShopSettings) -> str:
    if not row.logo:
        return ""
    name = row.logo.name.rsplit("/", 1)[-1]
    return reverse("shop:shop_logo", kwargs={"name": name})


LOGO_CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def shop_logo_file(*, name: str) -> tuple[File[bytes], str] | None:
    """The current logo (an open file and its content type) if `name` is its file name.

    Served by us rather than from MEDIA_URL: production media are private (signed S3 URLs
    expire, and a cached page would keep a dead one).
    """
    row = ShopSettings.objects.filter(pk=ShopSettings.SINGLETON_ID).only("logo").first()
    if row is None or not row.logo or row.logo.name.rsplit("/", 1)[-1] != name:
        return None
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = LOGO_CONTENT_TYPES.get(suffix)
    if content_type is None:
        return None
    try:
        return row.logo.storage.open(row.logo.name, "rb"), content_type
    except FileNotFoundError:
        return None


def shop_settings_view(row: ShopSettings) -> ShopSettingsView:
    return ShopSettingsView(
        shop_name=row.shop_name,
        contact_email=row.contact_email,
        logo_url=_logo_url(row),
        terms_text=row.terms_text,
        privacy_text=row.privacy_text,
        low_stock_threshold=row.low_stock_threshold,
        featured_event_ids=tuple(str(i) for i in row.featured_event_ids or () if i),
    )


# One read of the settings per process and second, not per call: the layout, the catalog's
# threshold and the page cache's key all ask on every page view, and each ask would otherwise
# be a cache round trip. A save drops this process's memo at once and again on commit; other
# processes see the edit within SETTINGS_MEMO_SECONDS.
SETTINGS_MEMO_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class _SettingsMemo:
    key: str  # the cache key, which holds the environment's defaults
    view: ShopSettingsView
    expires: float  # time.monotonic()


_settings_memo: _SettingsMemo | None = None


def shop_settings_memo_clear() -> None:
    global _settings_memo
    _settings_memo = None


@receiver(post_save, sender=ShopSettings, dispatch_uid="operations_settings_memo_saved")
def _settings_memo_saved(**_: object) -> None:
    # Again after commit: a read between the write and the commit re-memoizes old values.
    shop_settings_memo_clear()
    transaction.on_commit(shop_settings_memo_clear)


def shop_settings_get() -> ShopSettingsView:
    """The shop's settings, cached; the row's save() drops the cache entry on commit.

    Before an operator has saved anything, the environment's defaults (settings.SHOP_*).
    """
    global _settings_memo
    key = shop_settings_cache_key()
    memo = _settings_memo
    if memo is not None and memo.key == key and memo.expires > time.monotonic():
        return memo.view
    cached = cache.get(key)
    if isinstance(cached, ShopSettingsView):
        view = cached
    else:
        row = ShopSettings.objects.filter(pk=ShopSettings.SINGLETON_ID).first() or ShopSettings()
        view = shop_settings_view(row)
        cache.set(key, view, timeout=settings.OPERATIONS_SETTINGS_CACHE_SECONDS)
    _settings_memo = _SettingsMemo(key, view, time.monotonic() + SETTINGS_MEMO_SECONDS)
    return view


# ---------------------------------------------------------------------------------------------
# Needs attention
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One thing an operator should look at, with why."""

    kind: str
    reason: str
    since: dt.datetime
    order: Order | None = None
    reservation: Reservation | None = None
    email: EmailOutbox | None = None


UNFINISHED_FULFILMENT = (OrderFulfilment.Status.WAITING, OrderFulfilment.Status.NEEDS_BENEFICIARY)


def _stale_pending_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=int(settings.CHECKOUT_SUBMIT_STALE_SECONDS))


def attention_order_q(now: dt.datetime | None = None) -> Q:
    """Orders needing a look: documents past their deadline or given up on, creation failed,
    being reconciled or stuck pending, an email that failed, or a hold expired at confirm."""
    now = now or timezone.now()
    return (
        Q(fulfilment__status=OrderFulfilment.Status.FAILED)
        | Q(fulfilment__status__in=UNFINISHED_FULFILMENT, fulfilment__deadline_at__lt=now)
        | Q(status__in=(Order.Status.FAILED, Order.Status.RECONCILING))
        | Q(status=Order.Status.PENDING, created_at__lt=_stale_pending_cutoff(now))
        | Q(
            Exists(
                EmailOutbox.objects.filter(order=OuterRef("pk"), status=EmailOutbox.Status.FAILED)
            )
        )
    )


def attention_items(*, now: dt.datetime | None = None, limit: int = 200) -> list[AttentionItem]:
    """Everything that needs an operator, newest first, each with its reason."""
    now = now or timezone.now()
    items: list[AttentionItem] = []

    fulfilments = (
        OrderFulfilment.objects.select_related("order")
        .filter(
            Q(status=OrderFulfilment.Status.FAILED)
            | Q(status__in=UNFINISHED_FULFILMENT, deadline_at__lt=now)
        )
        .order_by("-deadline_at")[:limit]
    )
    for f in fulfilments:
        if f.status == OrderFulfilment.Status.FAILED:
            reason = f.reason or "Documents were not delivered."
        else:
            reason = f"Documents past their deadline ({f.get_status_display()})" + (
                f": {f.reason}" if f.reason else ""
            )
        items.append(AttentionItem("documents", reason, f.deadline_at, order=f.order))

    orders = Order.objects.filter(
        Q(status__in=(Order.Status.FAILED, Order.Status.RECONCILING))
        | Q(status=Order.Status.PENDING, created_at__lt=_stale_pending_cutoff(now))
    ).order_by("-created_at")[:limit]
    for order in orders:
        label = {
            Order.Status.FAILED: "Order creation failed",
            Order.Status.RECONCILING: "Order being reconciled with the API",
            Order.Status.PENDING: "Order stuck while being confirmed",
        }[Order.Status(order.status)]
        reason = f"{label}: {order.failure_reason}" if order.failure_reason else label
        items.append(AttentionItem("order", reason, order.created_at, order=order))

    emails = (
        EmailOutbox.objects.select_related("order")
        .filter(status=EmailOutbox.Status.FAILED)
        .order_by("-updated_at")[:limit]
    )
    for email in emails:
        reason = f"{email.get_kind_display()} email to {email.to} failed" + (
            f": {email.last_error}" if email.last_error else ""
        )
        items.append(
            AttentionItem("email", reason, email.updated_at, order=email.order, email=email)
        )

    # The buyer reached the confirm step (our order row exists) but the hold ran out first.
    expired = (
        Reservation.objects.select_related("order")
        .filter(expires_at__lt=now, order__isnull=False)
        .exclude(status=Reservation.Status.ORDERED)
        .exclude(order__status=Order.Status.CONFIRMED)
        .order_by("-expires_at")[:limit]
    )
    for reservation in expired:
        items.append(
            AttentionItem(
                "reservation",
                "Reservation expired at the confirm step",
                reservation.expires_at,
                order=reservation.order,
                reservation=reservation,
            )
        )
    items.sort(key=lambda item: item.since, reverse=True)
    return items[:limit]


# ---------------------------------------------------------------------------------------------
# An order's timeline
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # "order", "api", "documents", "email", "receipt"
    text: str
    failed: bool = False


def order_timeline(order: Order) -> list[TimelineEntry]:
    """What happened to an order, oldest first: its states, API calls, polls and emails."""
    entries = [TimelineEntry(order.created_at, "order", "Order created (pending)")]
    if order.confirmed_at:
        entries.append(
            TimelineEntry(order.confirmed_at, "order", f"Confirmed by the API ({order.reference})")
        )
    if order.status in (Order.Status.FAILED, Order.Status.RECONCILING, Order.Status.CANCELLED):
        text = f"{order.get_status_display()}" + (
            f": {order.failure_reason}" if order.failure_reason else ""
        )
        entries.append(TimelineEntry(order.confirmed_at or order.created_at, "order", text, True))
    for call in order_api_calls(order)[:500]:
        text = f"{call.method} {call.path} → {call.status or '-'} in {call.duration_ms:.0f} ms"
        if call.attempt > 1:
            text += f" (attempt {call.attempt})"
        if call.error:
            text += f": {call.error}"
        entries.append(TimelineEntry(call.created_at, "api", text, call.failed))
    fulfilment = OrderFulfilment.objects.filter(order=order).first()
    if fulfilment is not None:
        entries.append(
            TimelineEntry(
                fulfilment.created_at,
                "documents",
                f"Waiting for documents (deadline {fulfilment.deadline_at:%Y-%m-%d %H:%M})",
            )
        )
        if fulfilment.last_polled_at:
            entries.append(
                TimelineEntry(
                    fulfilment.last_polled_at,
                    "documents",
                    f"Documents polled {fulfilment.polls} time(s); "
                    f"now {fulfilment.get_status_display()}"
                    + (f": {fulfilment.reason}" if fulfilment.reason else ""),
                    fulfilment.status == OrderFulfilment.Status.FAILED,
                )
            )
        if fulfilment.ready_at:
            entries.append(TimelineEntry(fulfilment.ready_at, "documents", "Documents ready"))
    for document in order.documents.all():
        if document.fetched_at:
            entries.append(
                TimelineEntry(
                    document.fetched_at,
                    "documents",
                    f"Document {document.position + 1} stored ({document.size or 0} bytes, "
                    f"{document.attempts} attempt(s))",
                )
            )
        if document.last_error:
            entries.append(
                TimelineEntry(
                    document.updated_at,
                    "documents",
                    f"Document {document.position + 1}: {document.last_error}",
                    True,
                )
            )
    for email in order.emails.all():
        if email.sent_at:
            entries.append(
                TimelineEntry(
                    email.sent_at, "email", f"{email.get_kind_display()} email sent to {email.to}"
                )
            )
        elif email.last_error or email.status == EmailOutbox.Status.FAILED:
            entries.append(
                TimelineEntry(
                    email.updated_at,
                    "email",
                    f"{email.get_kind_display()} email: {email.get_status_display()} after "
                    f"{email.attempts} attempt(s)"
                    + (f": {email.last_error}" if email.last_error else ""),
                    True,
                )
            )
        else:
            entries.append(
                TimelineEntry(email.created_at, "email", f"{email.get_kind_display()} email queued")
            )
    receipt = getattr(order, "receipt", None) if _has_receipt(order) else None
    if receipt is not None:
        entries.append(TimelineEntry(receipt.rendered_at, "receipt", "Receipt rendered"))
    entries.sort(key=lambda e: e.at)
    return entries


def _has_receipt(order: Order) -> bool:
    from shop.models import Receipt

    return Receipt.objects.filter(order=order).exists()


# ---------------------------------------------------------------------------------------------
# Order display helpers (admin)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TicketRow:
    item_id: str
    ticket_id: str
    event: str
    occurs_at: dt.datetime | None
    voucher: str
    status: str
    beneficiary: str
    required_fields: tuple[str, ...]
    deadline: dt.datetime | None


def order_ticket_rows(order: Order) -> list[TicketRow]:
    """The order's tickets as the API returned them, with their beneficiary status."""
    from shop.services.receipts import order_items

    rows: list[TicketRow] = []
    for item in order_items(order=order):
        for ticket in item.tickets:
            beneficiary = ticket.beneficiary
            name = ""
            if beneficiary is not None:
                name = " ".join(
                    part for part in (beneficiary.firstname, beneficiary.lastname) if part
                )
            rows.append(
                TicketRow(
                    item_id=item.id,
                    ticket_id=ticket.id,
                    event=ticket.event or "",
                    occurs_at=ticket.occurs_at,
                    voucher=ticket.voucher or "",
                    status=ticket.status or "",
                    beneficiary=name,
                    required_fields=tuple(ticket.required_beneficiary_fields),
                    deadline=ticket.beneficiary_designation_deadline,
                )
            )
    return rows


def money(amount: Decimal | None, currency: str) -> str:
    return "" if amount is None else f"{amount:.2f} {currency}"


def _json_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def order_event_label(order: Order) -> str:
    """Event and session start as captured at checkout (no catalog call)."""
    summary = _json_or_empty(order.summary)
    event = str(summary.get("event") or "")
    starts = summary.get("starts_at")
    if isinstance(starts, str) and starts:
        try:
            when = dt.datetime.fromisoformat(starts)
        except ValueError:
            return event
        when = timezone.localtime(when) if timezone.is_aware(when) else when
        return f"{event} · {when:%Y-%m-%d %H:%M}" if event else f"{when:%Y-%m-%d %H:%M}"
    return event


# ---------------------------------------------------------------------------------------------
# Admin actions: each refuses with an operator-facing reason, or does one thing and says what.
# The work itself belongs to the checkout and documents services; these only pick the step.
# ---------------------------------------------------------------------------------------------
class OperationRefused(Exception):
    """The action does not apply to this order now; the message says why (for operators)."""


def _order(order_id: int) -> Order:
    try:
        return Order.objects.select_related("reservation").get(pk=order_id)
    except Order.DoesNotExist:
        raise OperationRefused(f"Order {order_id} does not exist.") from None


def _api_order_ids(order: Order) -> list[str]:
    ids = [str(i).rstrip("/").rsplit("/", 1)[-1] for i in order.korus_ids or () if i]
    if not ids and order.korus_id:
        ids = [str(order.korus_id)]
    return ids


def order_refresh(*, order_id: int) -> str:
    """Read the order again from the API and update our copy (status, reference, items, totals).

    An order we never saw confirmed is looked up by its external reference: if the API has it
    (a lost answer), it becomes confirmed here and fulfilment starts, as at checkout.
    """
    from shop.korus import get_client
    from shop.korus.errors import KorusError

    order = _order(order_id)
    client = get_client()
    try:
        with api_calls_about(order.pk):
            ids = _api_order_ids(order)
            if ids:
                api_orders = [client.order(i) for i in ids]
            else:
                found = client.find_order_by_external_reference(order.external_reference)
                api_orders = [found] if found is not None else []
    except KorusError as exc:
        status = getattr(exc, "status", None)
        raise OperationRefused(
            f"The API did not answer for {order}: {type(exc).__name__}"
            + (f" (HTTP {status})" if status else "")
        ) from None
    if not api_orders:
        raise OperationRefused(
            f"The API has no order with external reference {order.external_reference}."
        )
    return _apply_api_orders(order, api_orders)


def _apply_api_orders(order: Order, api_orders: Sequence[KorusOrder]) -> str:
    # Imported here: booking reaches this module through the catalog's settings reads.
    from shop.services.booking import order_api_fields, order_mark_confirmed

    was = order.status
    cancelled = all((o.status or "").lower() == "cancelled" for o in api_orders)
    status = Order.Status.CANCELLED if cancelled else Order.Status.CONFIRMED
    if status == Order.Status.CONFIRMED and was != Order.Status.CONFIRMED:
        # The checkout's own recording is conditional: a concurrent confirm or reconciliation
        # sweep cannot make order_confirmed go out twice.
        order_mark_confirmed(order=order, api_orders=api_orders)
        return f"{order}: {Order.Status(was).label} → {Order.Status(status).label} (from the API)."
    Order.objects.filter(pk=order.pk).update(
        status=status,
        **order_api_fields(api_orders),
        confirmed_at=order.confirmed_at or timezone.now(),
        failure_reason="" if status == Order.Status.CONFIRMED else order.failure_reason,
    )
    if was == status:
        return f"{order}: refreshed from the API (still {Order.Status(status).label})."
    return f"{order}: {Order.Status(was).label} → {Order.Status(status).label} (from the API)."


def order_documents_retry(*, order_id: int, now: dt.datetime | None = None) -> str:
    """Poll the documents again with a fresh deadline (after giving up, or past the deadline)."""
    from shop.services.documents import fulfilment_start
    from shop.tasks import documents_poll_task

    now = now or timezone.now()
    order = _order(order_id)
    if order.status != Order.Status.CONFIRMED:
        raise OperationRefused(f"{order} is not confirmed: it has no documents to fetch.")
    fulfilment = fulfilment_start(order_id=order.pk)
    if fulfilment is None:
        raise OperationRefused(f"{order} has no API order id yet: refresh it from the API first.")
    if fulfilment.status == OrderFulfilment.Status.READY:
        raise OperationRefused(f"{order}: the documents are already stored.")
    deadline = now + dt.timedelta(minutes=int(settings.DOCUMENTS_DEADLINE_MINUTES))
    OrderFulfilment.objects.filter(pk=fulfilment.pk).exclude(
        status=OrderFulfilment.Status.READY
    ).update(
        status=OrderFulfilment.Status.WAITING,
        deadline_at=deadline,
        reason=f"Retried by an operator at {now.isoformat(timespec='seconds')}",
    )
    transaction.on_commit(lambda: documents_poll_task.delay(order.pk))
    return f"{order}: documents are being fetched again (new deadline {deadline:%Y-%m-%d %H:%M})."


def order_email_resend(*, order_id: int, kind: str) -> str:
    """Send one of the order's emails again, to the order's current address."""
    from shop.services.emails import email_queue
    from shop.tasks import email_send_task

    order = _order(order_id)
    kind_label = EmailOutbox.Kind(kind).label
    if order.status != Order.Status.CONFIRMED:
        raise OperationRefused(f"{order} is not confirmed: no {kind_label} email to send.")
    if (
        kind == EmailOutbox.Kind.TICKETS_READY
        and not OrderFulfilment.objects.filter(
            order=order, status=OrderFulfilment.Status.READY
        ).exists()
    ):
        raise OperationRefused(f"{order}: the tickets are not ready, so there is nothing to send.")
    outbox = email_queue(order=order, kind=kind)
    if outbox is None:
        raise OperationRefused(f"{order} has no email address.")
    stale = timezone.now() - dt.timedelta(seconds=int(settings.EMAIL_CLAIM_TIMEOUT_SECONDS))
    reset = (
        EmailOutbox.objects.filter(pk=outbox.pk)
        .exclude(status=EmailOutbox.Status.SENDING, claimed_at__gte=stale)
        .update(
            status=EmailOutbox.Status.PENDING,
            to=order.customer_email,
            attempts=0,
            claimed_at=None,
            last_error="",
        )
    )
    if not reset:
        raise OperationRefused(f"{order}: the {kind_label} email is being sent right now.")
    transaction.on_commit(lambda: email_send_task.delay(outbox.pk))
    return f"{order}: the {kind_label} email is queued to {order.customer_email}."


def email_outbox_resend(*, outbox_id: int) -> str:
    """Send this outbox email again (the email list's action)."""
    outbox = EmailOutbox.objects.filter(pk=outbox_id).only("order_id", "kind").first()
    if outbox is None:
        raise OperationRefused(f"Email {outbox_id} does not exist.")
    return order_email_resend(order_id=outbox.order_id, kind=outbox.kind)


def order_receipt_regenerate(*, order_id: int) -> str:
    """Render the receipt again (after a template or data fix) and replace the stored one."""
    from shop.models import Receipt
    from shop.services.receipts import receipt_render

    order = _order(order_id)
    if order.status != Order.Status.CONFIRMED:
        raise OperationRefused(f"{order} is not confirmed: it has no receipt.")
    with transaction.atomic():
        old = Receipt.objects.select_for_update().filter(order=order).first()
        old_name = old.file.name if old is not None else ""
        storage = old.file.storage if old is not None else None
        if old is not None:
            old.delete()
        receipt = receipt_render(order_id=order.pk)
        if receipt is None:
            raise OperationRefused(f"{order}: the receipt could not be rendered.")
        if storage is not None and old_name and old_name != receipt.file.name:
            # Only once the new row is committed: a rollback keeps the old file usable.
            transaction.on_commit(lambda: storage.delete(old_name))
    return f"{order}: receipt rendered again ({receipt.pages} page(s))."
