"""GitHub webhook deliveries: checking their signature and reading what the portal needs."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .base import Feedback

# Events and actions the portal acts on; anything else is acknowledged and ignored (the portal's
# own "opened" and "labeled" would only cost a read each).
HANDLED_ACTIONS: dict[str, frozenset[str]] = {
    "pull_request": frozenset({"closed", "reopened"}),
    "pull_request_review": frozenset({"submitted", "edited"}),
    "issue_comment": frozenset({"created"}),
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


def _user(item: Mapping[str, Any]) -> tuple[str, bool]:
    user = item.get("user") or {}
    login = str(user.get("login", ""))
    return login, user.get("type") == "Bot" or login.endswith("[bot]")


def read_event(event: str, payload: Any) -> WebhookEvent:
    """What a delivery is about: its repo, pull request number, and any feedback it carries."""
    if not isinstance(payload, Mapping):
        return WebhookEvent(event=event, action="", repo="", pr_number=None)
    action = str(payload.get("action") or "")
    repo = str((payload.get("repository") or {}).get("full_name") or "")
    number: int | None = None
    feedback: Feedback | None = None
    if event in ("pull_request", "pull_request_review"):
        pull = payload.get("pull_request") or {}
        number = pull.get("number") or payload.get("number")
    if event == "pull_request_review" and action in ("submitted", "edited"):
        review = payload.get("review") or {}
        login, is_bot = _user(review)
        if review.get("id") is not None:
            feedback = Feedback(
                external_id=f"review-{review['id']}",
                author=login,
                author_is_bot=is_bot,
                kind="review",
                state=str(review.get("state", "")).upper(),
                body=str(review.get("body") or ""),
                url=str(review.get("html_url") or ""),
            )
    if event == "issue_comment":
        issue = payload.get("issue") or {}
        # Issue comments on plain issues are not ours; on a pull request the issue has this key.
        if issue.get("pull_request"):
            number = issue.get("number")
        comment = payload.get("comment") or {}
        if action == "created" and comment.get("id") is not None:
            login, is_bot = _user(comment)
            feedback = Feedback(
                external_id=f"comment-{comment['id']}",
                author=login,
                author_is_bot=is_bot,
                kind="comment",
                state="",
                body=str(comment.get("body") or ""),
                url=str(comment.get("html_url") or ""),
            )
    return WebhookEvent(
        event=event,
        action=action,
        repo=repo,
        pr_number=int(number) if isinstance(number, int | str) and str(number).isdigit() else None,
        feedback=feedback,
    )
