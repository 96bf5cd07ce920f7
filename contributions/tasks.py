"""Celery tasks: thin wrappers that take ids, re-check, and call a service.

Every task is safe to run twice.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="contributions.tasks.ping", acks_late=False)
def ping() -> str:
    """Answer the health check: proves a worker is consuming from the broker."""
    return "pong"
