"""The demo loader command: --if-empty keeps data, --reset reloads, dates follow today."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sandbox import clock, models

pytestmark = pytest.mark.django_db(databases="__all__")


def test_load_demo_creates_the_catalog():
    call_command("sandbox_load_demo", stdout=StringIO())
    assert models.Catalog.objects.count() == 2
    assert models.Event.objects.filter(catalog__created_at__lt=clock.now()).count() == 7


def test_if_empty_keeps_existing_data():
    call_command("sandbox_load_demo", stdout=StringIO())
    first = set(models.Catalog.objects.values_list("pk", flat=True))
    call_command("sandbox_load_demo", "--if-empty", stdout=StringIO())
    assert set(models.Catalog.objects.values_list("pk", flat=True)) == first


def test_loading_twice_without_a_flag_is_refused():
    call_command("sandbox_load_demo", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("sandbox_load_demo", stdout=StringIO())


def test_reset_reloads_a_fresh_catalog():
    call_command("sandbox_load_demo", stdout=StringIO())
    first = set(models.Catalog.objects.values_list("pk", flat=True))
    call_command("sandbox_load_demo", "--reset", stdout=StringIO())
    assert models.Catalog.objects.count() == 2
    assert not first & set(models.Catalog.objects.values_list("pk", flat=True))


def test_museum_sessions_start_today_and_span_sixty_days(sandbox_demo):
    sessions = models.Session.objects.filter(event_id=sandbox_demo.museum.event_id)
    first = sessions.order_by("occurs_at").first().occurs_at
    last = sessions.order_by("-occurs_at").first().occurs_at
    assert abs(first - clock.now()) < timedelta(days=1)
    assert timedelta(days=58) < last - first < timedelta(days=60)
