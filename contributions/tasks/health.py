"""The task behind the health check."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="contributions.tasks.ping", acks_late=False)
def ping() -> str:
    """Answer the health check: proves a worker is consuming from the broker."""
    return "pong"
