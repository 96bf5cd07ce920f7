"""GitHub webhook deliveries: checking their signature and reading what the portal needs."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .base import Feedback
from .feedback import feedback_item

# Events and actions the portal acts on; anything else is acknowledged and ignored (the portal's
# own "opened" and "labeled" would only cost a read each).
HANDLED_ACTIONS: dict[str, frozenset[str]] = {
    "pull_request": frozenset({"closed", "reopened"}),
    "pull_request_review": frozenset({"submitted", "edited", "dismissed"}),
    "pull_request_review_comment": frozenset({"created", "edited", "deleted"}),
    "issue_comment": frozenset({"created", "edited", "deleted"}),
}
# Where each event carries its feedback, and what the portal calls that kind.
_FEEDBACK = {
    "pull_request_review": ("review", "review"),
    "pull_request_review_comment": ("comment", "line"),
    "issue_comment": ("comment", "comment"),
}


def signature_valid(body: bytes, header: str, secrets: Iterable[str]) -> bool:
    """Whether `X-Hub-Signature-256` is the HMAC-SHA256 of body under any of the secrets.

    Every secret is compared in constant time (two are valid while one is being rotated).
    """
    if not header.startswith("sha256="):
        return False
    given = header.encode()
    valid = False
    for secret in secrets:
        if not secret:
            continue
        expected = b"sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode()
        valid |= hmac.compare_digest(expected, given)
    return valid


@dataclass(frozen=True)
class WebhookEvent:
    """The part of a delivery the portal uses; `handled` is False for events it ignores."""

    event: str
    action: str
    repo: str
    pr_number: int | None
    feedback: Feedback | None = None

    @property
    def handled(self) -> bool:
        actions = HANDLED_ACTIONS.get(self.event, frozenset())
        return self.action in actions and bool(self.repo) and self.pr_number is not None


def read_event(event: str, payload: Any) -> WebhookEvent:
    """What a delivery is about: its repo, pull request number, and any feedback it carries."""
    if not isinstance(payload, Mapping):
        return WebhookEvent(event=event, action="", repo="", pr_number=None)
    action = str(payload.get("action") or "")
    repo = str((payload.get("repository") or {}).get("full_name") or "")
    number: Any = None
    if event in ("pull_request", "pull_request_review", "pull_request_review_comment"):
        pull = payload.get("pull_request") or {}
        number = pull.get("number") or payload.get("number")
    if event == "issue_comment":
        issue = payload.get("issue") or {}
        # Issue comments on plain issues are not ours; on a pull request the issue has this key.
        if issue.get("pull_request"):
            number = issue.get("number")
    feedback: Feedback | None = None
    if event in _FEEDBACK and action in HANDLED_ACTIONS[event]:
        key, kind = _FEEDBACK[event]
        item = payload.get(key) or {}
        if isinstance(item, Mapping) and item.get("id") is not None:
            feedback = feedback_item(kind, item)
            if action == "deleted":
                feedback = dataclasses.replace(feedback, withdrawn=True)
    return WebhookEvent(
        event=event,
        action=action,
        repo=repo,
        pr_number=int(number) if isinstance(number, int | str) and str(number).isdigit() else None,
        feedback=feedback,
    )
