"""Fault injection: latency, 5xx, 429 with Retry-After, timeouts and lost responses.

The live configuration is the FaultRule table, so the web process, the Celery worker, the
admin and the tests all see and change the same rules (each process within
RULES_MEMO_SECONDS of a change made elsewhere). Rules named "env:*" mirror the
SANDBOX_FAULT_* settings and are rewritten from them once per process.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sandbox.models import FaultRule

_synced = False
_sync_lock = threading.Lock()
_random = random.Random()

# The enabled rules are read at most every RULES_MEMO_SECONDS in each process: read on every
# call, they cost each answer a query, and the calls of one page arrive together. A change
# saved in this process (admin, tests, the bench's control endpoint) drops the memo at once;
# other processes follow within RULES_MEMO_SECONDS.
RULES_MEMO_SECONDS = 2.0
_rules: tuple[float, list[FaultRule]] | None = None


def forget_rules() -> None:
    global _rules
    _rules = None


@receiver((post_save, post_delete), sender=FaultRule, dispatch_uid="sandbox_fault_rules_changed")
def _rules_changed(**_: object) -> None:
    forget_rules()


def enabled_rules() -> list[FaultRule]:
    global _rules
    now = time.monotonic()
    memo = _rules
    if memo is not None and now - memo[0] < RULES_MEMO_SECONDS:
        return memo[1]
    rules = list(FaultRule.objects.filter(enabled=True))
    _rules = (now, rules)
    return rules


@dataclass(frozen=True)
class Decision:
    """What to do with one request: delay it, answer an error, or break the exchange."""

    latency_ms: int = 0
    status: int | None = None  # an error answer instead of the real one
    retry_after: int | None = None
    fault: str | None = None  # "timeout" (before the work) or "lost_response" (after it)


def env_rules() -> list[FaultRule]:
    methods = settings.SANDBOX_FAULT_METHODS
    path = settings.SANDBOX_FAULT_PATH
    rules = []
    if settings.SANDBOX_FAULT_LATENCY_MS:
        rules.append(
            FaultRule(
                name="env:latency",
                kind=FaultRule.LATENCY,
                rate=1.0,
                latency_ms=settings.SANDBOX_FAULT_LATENCY_MS,
            )
        )
    for name, kind, rate in (
        ("env:5xx", FaultRule.SERVER_ERROR, settings.SANDBOX_FAULT_5XX_RATE),
        ("env:429", FaultRule.RATE_LIMIT, settings.SANDBOX_FAULT_429_RATE),
        ("env:timeout", FaultRule.TIMEOUT, settings.SANDBOX_FAULT_TIMEOUT_RATE),
        ("env:lost", FaultRule.LOST_RESPONSE, settings.SANDBOX_FAULT_LOST_RATE),
    ):
        if rate:
            rules.append(
                FaultRule(
                    name=name, kind=kind, rate=rate, retry_after=settings.SANDBOX_FAULT_RETRY_AFTER
                )
            )
    for rule in rules:
        rule.methods, rule.path_pattern = methods, path
    return rules


def sync_env_rules() -> None:
    """Make the env:* rows match this process's settings (once per process)."""
    global _synced
    if _synced:
        return
    with _sync_lock:
        if _synced:
            return
        try:
            FaultRule.objects.filter(name__startswith="env:").delete()
            FaultRule.objects.bulk_create(env_rules())
        except DatabaseError:
            return  # tables not migrated yet: try again on the next request
        forget_rules()  # bulk_create sends no post_save
        _synced = True


def _matches(rule: FaultRule, method: str, path: str) -> bool:
    methods = {m.strip().upper() for m in rule.methods.split(",") if m.strip()}
    if methods and method.upper() not in methods:
        return False
    if rule.path_pattern:
        try:
            return re.search(rule.path_pattern, path) is not None
        except re.error:
            return False
    return True


def decide(method: str, path: str) -> Decision:
    sync_env_rules()
    latency, outcome = 0, Decision()
    for rule in enabled_rules():
        if not _matches(rule, method, path) or _random.random() >= rule.rate:
            continue
        if rule.kind == FaultRule.LATENCY:
            latency += rule.latency_ms
        elif outcome == Decision():
            if rule.kind == FaultRule.SERVER_ERROR:
                outcome = Decision(status=rule.status if rule.status >= 500 else 503)
            elif rule.kind == FaultRule.RATE_LIMIT:
                outcome = Decision(status=429, retry_after=rule.retry_after)
            else:
                outcome = Decision(fault=rule.kind)
    return Decision(latency, outcome.status, outcome.retry_after, outcome.fault)


def sleep_ms(ms: int) -> None:
    if ms > 0:
        time.sleep(ms / 1000)
