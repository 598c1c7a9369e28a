"""Load the sandbox's demo catalog (dates relative to today)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox import demo


class Command(BaseCommand):
    help = "Load the KorusTicket sandbox's demo catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when a catalog is already loaded."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete every sandbox catalog, reservation and order first.",
        )

    def handle(self, *args: Any, if_empty: bool, reset: bool, **options: Any) -> None:
        if demo.is_loaded() and not reset:
            if if_empty:
                self.stdout.write("Sandbox demo catalog already loaded.")
                return
            raise CommandError(
                "A sandbox catalog is already loaded: use --reset to reload it "
                "or --if-empty to keep it."
            )
        loaded = demo.load(reset=reset)
        self.stdout.write(self.style.SUCCESS(f"Sandbox demo catalog loaded: {loaded.catalog_iri}"))
