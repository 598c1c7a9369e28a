"""Receipt rendering speed: `python -m bench.receipt [--runs N] [--items N]`.

Renders our receipt template for an in-memory order (no database, no network) with
WeasyPrint, first once cold (fonts loaded, template compiled), then N times warm, and prints
milliseconds per page. Issue 8's target: under 150 ms per page on the machine that runs it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from decimal import Decimal


def _order(items: int) -> object:
    from django.utils import timezone

    from shop.models import Order

    order_id = uuid.uuid4()
    lines = [
        {
            "id": str(uuid.uuid4()),
            "product": f"/v1/ticketing/catalogs/c/products/{uuid.uuid4()}",
            "date": "2030-06-07",
            "quantity": 2,
            "unitAmountInclTax": "25.00",
            "unitAmountExclTax": "20.83",
            "totalAmountInclTax": "50.00",
            "totalAmountExclTax": "41.67",
            "tickets": [
                {
                    "@id": f"/v1/booking/orders/{order_id}/items/i/tickets/{n}",
                    "id": str(n),
                    "occursAt": "2030-06-07T20:00:00+02:00",
                    "event": f"Concert {n}",
                    "requiredBeneficiaryFields": [],
                    "status": "validated",
                }
            ],
        }
        for n in range(items)
    ]
    return Order(
        korus_id=order_id,
        reference="KT-ORD-123456",
        external_reference="KS-BENCH",
        status=Order.Status.CONFIRMED,
        customer_firstname="Jane",
        customer_lastname="Doe",
        customer_email="jane@example.com",
        language="fr",
        total_incl_tax=Decimal(50 * items),
        total_excl_tax=Decimal("41.67") * items,
        currency="EUR",
        items=lines,
        created_at=timezone.now(),
        confirmed_at=timezone.now(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--items", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booking_site.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from shop.services.receipts import receipt_pdf

    order = _order(args.items)
    started = time.perf_counter()
    _, pages = receipt_pdf(order=order)  # type: ignore[arg-type]
    cold = (time.perf_counter() - started) * 1000
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        _, pages = receipt_pdf(order=order)  # type: ignore[arg-type]
        timings.append((time.perf_counter() - started) * 1000 / pages)
        # CPU time of this process: what the render costs when the machine is shared.
        cpu.append((time.process_time() - started_cpu) * 1000 / pages)
    timings.sort()
    print(f"receipt: {args.items} items, {pages} page(s), {args.runs} warm runs")
    print(
        f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    print(f"  cold first render: {cold:.0f} ms")
    print(
        f"  warm per page: median {statistics.median(timings):.1f} ms, "
        f"min {timings[0]:.1f} ms, p90 {timings[int(len(timings) * 0.9) - 1]:.1f} ms, "
        f"max {timings[-1]:.1f} ms "
        f"(target < 150 ms)"
    )
    print(f"  CPU per page: median {statistics.median(cpu):.1f} ms, min {min(cpu):.1f} ms")


if __name__ == "__main__":
    main()
