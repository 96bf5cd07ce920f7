"""Celery tasks, one module per area: thin wrappers that take ids, re-check, call a service.

Every task is safe to run twice. Task names are explicit (`contributions.tasks.<name>`) so
that moving a task between modules never orphans messages already queued.
"""

from .contributor import validate_contribution
from .conversion import convert_document
from .health import ping
from .notifications import send_notification_email
from .pipeline import (
    open_pull_request,
    process_github_webhook,
    rebase_pull_request,
    recheck_open_entries,
    reconcile_pull_requests,
    sync_pull_request,
    sync_taxonomy_tree,
)
from .review import release_expired_review_claims, send_reviewer_digests

__all__ = [
    "convert_document",
    "open_pull_request",
    "ping",
    "process_github_webhook",
    "rebase_pull_request",
    "recheck_open_entries",
    "reconcile_pull_requests",
    "release_expired_review_claims",
    "send_notification_email",
    "send_reviewer_digests",
    "sync_pull_request",
    "sync_taxonomy_tree",
    "validate_contribution",
]
