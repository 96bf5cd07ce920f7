"""Errors to Sentry through its SDK, only when SENTRY_DSN is set."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Report unhandled errors in views and tasks; never send personal data or request bodies."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration(), LoggingIntegration()],
    )
