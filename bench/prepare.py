"""Create the bench's databases, load the demo catalog, collect static files; print the ids
of the pages to measure, and the museum sessions buyers book, as one JSON line
(`python -m bench.prepare`)."""

from __future__ import annotations

import datetime as dt
import json

import django
from django.core.management import call_command


def main() -> None:
    django.setup()
    for alias in ("default", "sandbox"):
        call_command("migrate", database=alias, interactive=False, verbosity=0, run_syncdb=True)
    call_command("collectstatic", interactive=False, verbosity=0)

    from sandbox import demo
    from sandbox import models as m

    catalog = demo.load(reset=True)
    park_day = (
        m.Session.objects.filter(event_id=catalog.date_access.event_id)
        .order_by("occurs_at")
        .values_list("id", flat=True)[2]
    )
    cases = {
        "museum": catalog.museum,
        "concert": catalog.concert,
        "realtime_price": catalog.realtime_price,
        "tour": catalog.tour,
    }
    # Timed entries from tomorrow on (none has started), 50 seats each: room for every buyer.
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    museum_sessions = m.Session.objects.filter(
        event_id=catalog.museum.event_id, occurs_at__gte=tomorrow
    ).order_by("occurs_at")[:400]
    ids = {
        "catalog_id": str(catalog.catalog_id),
        **{name: [str(c.event_id), str(c.session_id)] for name, c in cases.items()},
        "date_access": [str(catalog.date_access.event_id), str(park_day)],
        "buy": [[str(catalog.museum.event_id), str(s.id)] for s in museum_sessions],
    }
    print(json.dumps(ids))


if __name__ == "__main__":
    main()
