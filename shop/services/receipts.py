"""Our own receipt PDF for an order, rendered with WeasyPrint and stored once.

WeasyPrint fetches every URL a template mentions (stylesheets, images, fonts). Its default
fetcher would follow any http(s) URL from the rendering worker: ours serves only our static
files from local disk (and inline data: URLs) and refuses everything else, so a receipt never
makes a network call and renders the same in a sandboxed worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from shop.korus.models import OrderItem
from shop.models import Order, Receipt

logger = logging.getLogger(__name__)

# The base URL templates resolve relative links against; never fetched as such.
RENDER_BASE_URL = "https://receipt.invalid/"


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of an order as the buyer reads it (receipt, emails)."""

    label: str
    date: dt.date | None
    occurs_at: dt.datetime | None
    quantity: int
    unit_incl_tax: Decimal | None
    total_incl_tax: Decimal | None
    total_excl_tax: Decimal | None


def order_items(*, order: Order) -> list[OrderItem]:
    """The order's items as stored from the API's answer, parsed back into client models."""
    return [OrderItem.from_api(raw) for raw in order.items or () if isinstance(raw, Mapping)]


def item_label(order: Order, item: OrderItem) -> str:
    summary = order.summary if isinstance(order.summary, Mapping) else {}
    labels = summary.get("labels")
    if isinstance(labels, Mapping) and item.product_iri and labels.get(item.product_iri):
        return str(labels[item.product_iri])
    for key in ("event_name", "event"):
        if isinstance(summary.get(key), str) and summary[key]:
            return str(summary[key])
    events = [t.event for t in item.tickets if t.event]
    return events[0] if events else settings.SHOP_NAME


def order_lines(*, order: Order) -> list[OrderLine]:
    lines = []
    for item in order_items(order=order):
        occurs = sorted(t.occurs_at for t in item.tickets if t.occurs_at)
        lines.append(
            OrderLine(
                label=item_label(order, item),
                date=item.date,
                occurs_at=occurs[0] if occurs else None,
                quantity=item.quantity,
                unit_incl_tax=item.unit_amount_incl_tax,
                total_incl_tax=item.total_amount_incl_tax or item.amount_incl_tax,
                total_excl_tax=item.total_amount_excl_tax or item.amount_excl_tax,
            )
        )
    return lines


class RefusedURL(ValueError):
    """The receipt template referenced something other than a local static file."""


def _static_path(url_path: str) -> Path | None:
    static_prefix = urlsplit(settings.STATIC_URL).path or "/static/"
    if not url_path.startswith(static_prefix):
        return None
    relative = unquote(url_path[len(static_prefix) :])
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if isinstance(found, str):
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / relative
    return collected if collected.is_file() else None


def local_url_fetcher(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A WeasyPrint url_fetcher that reads our static files from disk and nothing else."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        from weasyprint import default_url_fetcher

        return dict(default_url_fetcher(url))
    base = urlsplit(RENDER_BASE_URL)
    if parts.scheme == base.scheme and parts.netloc == base.netloc:
        path = _static_path(parts.path)
        if path is not None:
            mime_type, _ = mimetypes.guess_type(path.name)
            return {"string": path.read_bytes(), "mime_type": mime_type, "redirected_url": url}
    # Log the scheme and host only: a URL can carry tokens in its query string.
    logger.warning("receipt: refused to fetch %s://%s%s", parts.scheme, parts.netloc, parts.path)
    raise RefusedURL(f"receipts may only use local static files, not {parts.scheme}://...")


def receipt_html(*, order: Order) -> str:
    """The receipt's HTML, in the buyer's language."""
    lines = order_lines(order=order)
    with translation.override(order.language or settings.LANGUAGE_CODE):
        return render_to_string(
            "shop/pdf/receipt.html",
            {
                "order": order,
                "lines": lines,
                "shop_name": settings.SHOP_NAME,
                "shop_contact_email": settings.SHOP_CONTACT_EMAIL,
                "tax_amount": (
                    order.total_incl_tax - order.total_excl_tax
                    if order.total_incl_tax is not None and order.total_excl_tax is not None
                    else None
                ),
                "issued_at": order.confirmed_at or order.created_at,
            },
        )


_fonts = threading.local()


def _font_config() -> Any:
    # Building a FontConfiguration (fontconfig setup) costs a good part of a small page's
    # render; one per thread is reused, as WeasyPrint does not document it as thread-safe.
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def receipt_pdf(*, order: Order) -> tuple[bytes, int]:
    """Render the receipt: (PDF bytes, number of pages)."""
    from weasyprint import HTML

    document = HTML(
        string=receipt_html(order=order), base_url=RENDER_BASE_URL, url_fetcher=local_url_fetcher
    ).render(font_config=_font_config())
    return document.write_pdf(), len(document.pages)


def receipt_render(*, order_id: int) -> Receipt | None:
    """Render and store the receipt of a confirmed order once; a rerun returns the stored one.

    Returns None when the order is unknown or not confirmed (nothing to receipt yet).
    """
    existing = Receipt.objects.filter(order_id=order_id).first()
    if existing is not None:
        return existing
    order = Order.objects.filter(pk=order_id, status=Order.Status.CONFIRMED).first()
    if order is None:
        return None
    pdf, pages = receipt_pdf(order=order)
    receipt = Receipt(
        order=order,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=pages,
        language=order.language,
        rendered_at=timezone.now(),
    )
    receipt.file.save("receipt.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            receipt.save()
    except IntegrityError:
        # Rendered concurrently by another worker: keep theirs, drop our file.
        receipt.file.delete(save=False)
        return Receipt.objects.get(order_id=order_id)
    return receipt
