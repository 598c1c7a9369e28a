"""Send the sandbox's models to the `sandbox` database alias, everything else to `default`.

When both aliases point at the same database (one DATABASE_URL on a PaaS), the sandbox's
tables are created by the ordinary `migrate` and the alias is only a second connection,
so that the emulator's writes commit on their own like a remote API's.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

SANDBOX_APP = "sandbox"
SANDBOX_DB = "sandbox"


def _shares_default_database() -> bool:
    # Decided from the configuration, not by comparing NAMEs: the test runner renames the
    # default database before the sandbox alias follows it, so the names differ mid-setup.
    return bool(getattr(settings, "SANDBOX_SHARES_DEFAULT_DATABASE", False))


class SandboxRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return SANDBOX_DB if model._meta.app_label == SANDBOX_APP else None  # type: ignore[attr-defined]

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return self.db_for_read(model, **hints)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        in_sandbox = {obj1._meta.app_label == SANDBOX_APP, obj2._meta.app_label == SANDBOX_APP}
        return None if len(in_sandbox) == 1 else False

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        if _shares_default_database():
            return db == "default" or (db == SANDBOX_DB and app_label == SANDBOX_APP)
        if app_label == SANDBOX_APP:
            return db == SANDBOX_DB
        return db != SANDBOX_DB
