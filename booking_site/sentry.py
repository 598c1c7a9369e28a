"""Optional error reporting, switched on by SENTRY_DSN alone.

sentry-sdk is an optional extra (`pip install '.[sentry]'`): it is imported only when the DSN
is set, and its absence then is a configuration error, not a silent no-op.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: install the 'sentry' extra "
            "(pip install '.[sentry]') or unset SENTRY_DSN."
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # Buyers' e-mails and the API key stay out of error reports.
        send_default_pii=False,
    )
