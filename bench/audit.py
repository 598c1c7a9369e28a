"""Compare the shop's orders with the API's (the sandbox's tables) after a run
(`python -m bench.audit`, with the run's environment). Prints one JSON line.

- duplicates: API orders beyond one per reservation of the shop's order that carries their
  external reference (a hold of several reservations rightly makes several API orders);
- api_without_local: API orders whose external reference has no confirmed order in the shop
  (the buyer paid for tickets the shop does not know it sold);
- local_without_api: confirmed shop orders whose API order ids the API does not have;
- unsettled: shop orders still pending or reconciling (the sweep has not settled them yet);
- documents: confirmed orders whose documents are stored and ready, failed, or still waiting.
"""

from __future__ import annotations

import json
from collections import Counter

import django


def audit() -> dict[str, int]:
    from sandbox import models as sm
    from shop.models import Order, OrderDocument, OrderFulfilment

    api = list(sm.Order.objects.values_list("id", "external_reference"))
    api_ids = {str(order_id) for order_id, _ref in api}
    per_reference = Counter(ref for _id, ref in api)
    local = {order.external_reference: order for order in Order.objects.all()}
    duplicates = 0
    api_without_local = 0
    for reference, count in per_reference.items():
        order = local.get(reference)
        allowed = max(1, len(order.reservation_iris)) if order else 1
        duplicates += max(0, count - allowed)
        if order is None or order.status != Order.Status.CONFIRMED:
            api_without_local += count
    confirmed = [o for o in local.values() if o.status == Order.Status.CONFIRMED]
    local_without_api = sum(
        1 for o in confirmed if not o.korus_ids or any(str(k) not in api_ids for k in o.korus_ids)
    )
    fulfilment = Counter(
        OrderFulfilment.objects.filter(order__in=confirmed).values_list("status", flat=True)
    )
    statuses = Counter(o.status for o in local.values())
    return {
        "api_orders": len(api),
        "local_orders": len(local),
        "confirmed": len(confirmed),
        "failed": statuses.get(Order.Status.FAILED, 0),
        "unsettled": statuses.get(Order.Status.PENDING, 0)
        + statuses.get(Order.Status.RECONCILING, 0),
        "duplicates": duplicates,
        "api_without_local": api_without_local,
        "local_without_api": local_without_api,
        "documents_ready": fulfilment.get(OrderFulfilment.Status.READY, 0),
        "documents_failed": fulfilment.get(OrderFulfilment.Status.FAILED, 0),
        "documents_waiting": len(confirmed)
        - fulfilment.get(OrderFulfilment.Status.READY, 0)
        - fulfilment.get(OrderFulfilment.Status.FAILED, 0),
        "document_files": OrderDocument.objects.filter(order__in=confirmed)
        .exclude(file="")
        .count(),
    }


def main() -> None:
    django.setup()
    print(json.dumps(audit()))


if __name__ == "__main__":
    main()
