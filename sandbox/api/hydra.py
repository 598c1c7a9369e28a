"""Hydra collections: paging (page, itemsPerPage 0..50, default 10), view and search blocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import QuerySet

from sandbox.api.http import SandboxRequest

T = TypeVar("T")
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 50


def _int_param(request: SandboxRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.param(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    return max(low, min(high, value))


def paging(request: SandboxRequest) -> tuple[int, int]:
    page = _int_param(request, "page", 1, 1, 10**9)
    per_page = _int_param(request, "itemsPerPage", DEFAULT_PER_PAGE, 0, MAX_PER_PAGE)
    return page, per_page


def _page_iri(path: str, query: list[tuple[str, str]], page: int) -> str:
    kept = [(k, v) for k, v in query if k != "page"] + [("page", str(page))]
    return f"{path}?{urlencode(kept)}"


def _total(
    items: QuerySet[Any] | Sequence[Any], start: int, per_page: int, chunk: list[Any]
) -> int:
    """The collection's size; a short page that is not empty, or an empty first page, says it
    without a COUNT query (most collections the shop reads fit in one page)."""
    if not isinstance(items, QuerySet):
        return len(items)
    if per_page and (0 < len(chunk) < per_page or (start == 0 and not chunk)):
        return start + len(chunk)
    return items.count()


def collection(
    request: SandboxRequest,
    *,
    context: str,
    items: QuerySet[Any] | Sequence[T],
    serialize: Callable[[list[Any]], list[dict[str, Any]]],
    filters: Sequence[str] = (),
) -> dict[str, Any]:
    """A Hydra collection of `items` (a queryset is sliced in the database)."""
    page, per_page = paging(request)
    start = (page - 1) * per_page
    chunk = list(items[start : start + per_page]) if per_page else []
    total = _total(items, start, per_page, chunk)
    path = request.path
    payload: dict[str, Any] = {
        "@context": f"/contexts/{context}",
        "@id": path,
        "@type": "Collection",
        "totalItems": total,
        "member": serialize(chunk),
    }
    if (per_page and total > per_page) or page > 1:
        last = max(1, -(-total // per_page)) if per_page else 1
        view: dict[str, Any] = {
            "@id": _page_iri(path, request.query, page),
            "@type": "PartialCollectionView",
            "first": _page_iri(path, request.query, 1),
            "last": _page_iri(path, request.query, last),
        }
        if page > 1:
            view["previous"] = _page_iri(path, request.query, page - 1)
        if page < last:
            view["next"] = _page_iri(path, request.query, page + 1)
        payload["view"] = view
    variables = ["page", "itemsPerPage", *filters]
    payload["search"] = {
        "@type": "IriTemplate",
        "template": f"{path}{{?{','.join(variables)}}}",
        "variableRepresentation": "BasicRepresentation",
        "mapping": [
            {
                "@type": "IriTemplateMapping",
                "variable": v,
                "property": None if v in ("page", "itemsPerPage") else v.split("[")[0],
                "required": False,
            }
            for v in variables
        ],
    }
    return payload
