"""Writes that combine git, metadata and webhooks: ref moves, pull requests, reviews, forks.

Lock order is always: one repository's git lock, then ``Store.lock``; webhooks are queued after the
state change and sent by the dispatcher's own thread. Handlers import what they need from here.
"""

from ghemu.ops.context import Ctx, identity_of, web_flow_identity
from ghemu.ops.events import after_ref_change, emit_pull_event, pull_webhook_body
from ghemu.ops.pulls import create_pull, merge_pull, network_root, resolve_head, update_pull
from ghemu.ops.repos import fork_repo, merge_upstream, write_file
from ghemu.ops.reviews import (
    change_labels,
    create_comment,
    ensure_label,
    remove_label,
    request_reviewers,
    submit_review,
)

__all__ = [
    "Ctx",
    "after_ref_change",
    "change_labels",
    "create_comment",
    "create_pull",
    "emit_pull_event",
    "ensure_label",
    "fork_repo",
    "identity_of",
    "merge_pull",
    "merge_upstream",
    "network_root",
    "pull_webhook_body",
    "remove_label",
    "request_reviewers",
    "resolve_head",
    "submit_review",
    "update_pull",
    "web_flow_identity",
    "write_file",
]
