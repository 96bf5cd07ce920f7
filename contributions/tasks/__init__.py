"""Celery tasks, one module per area: thin wrappers that take ids, re-check, call a service.

Every task is safe to run twice. Task names are explicit (`contributions.tasks.<name>`) so
that moving a task between modules never orphans messages already queued.
"""

from .health import ping
from .notifications import send_notification_email

__all__ = ["ping", "send_notification_email"]
