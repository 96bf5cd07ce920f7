"""Template helpers of the review, people, notification and dashboard pages."""

from __future__ import annotations

import json
from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from contributions.models import ContributorProfile

register = template.Library()

# How the audit log's event names read on a page.
EVENT_LABELS: dict[str, str] = {
    "draft_created": "started a draft",
    "draft_saved": "saved the draft",
    "submitted": "submitted the entry",
    "resubmitted": "submitted a new revision",
    "review_started": "started reviewing",
    "review_claimed": "claimed the review",
    "review_assigned": "assigned the review",
    "review_released": "released the review",
    "approval_recorded": "approved (more approvals needed)",
    "approved": "approved the entry",
    "approvals_cleared": "cleared earlier approvals (new revision)",
    "changes_requested": "asked for changes",
    "rejected": "rejected the entry",
    "withdrawn": "withdrew the entry",
    "restored": "restored the entry as a draft",
    "comment_added": "commented",
    "validated": "ran the checks",
    "pr_opened": "opened the pull request",
    "pr_merged": "merged the pull request",
    "pr_closed": "closed the pull request",
    "pr_reopened": "reopened the pull request",
    "task_retried": "retried a failed task",
    "task_failure_resolved": "marked a failed task resolved",
    "reviewer_scope_added": "added a reviewer scope",
    "reviewer_scope_removed": "removed a reviewer scope",
}


@register.filter
def event_label(name: str) -> str:
    return EVENT_LABELS.get(name, str(name).replace("_", " "))


@register.filter
def person(user) -> str:
    """A user's public name without a query when the profile was selected with them."""
    if user is None:
        return "The portal"
    try:
        profile = user.profile
    except ContributorProfile.DoesNotExist:
        return user.get_username()
    return profile.public_name


@register.filter
def duration_hours(hours: float | None) -> str:
    """'45 minutes', '5.5 hours' or '3.2 days'."""
    if hours is None:
        return "—"
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    if hours < 48:
        return f"{hours:.1f} hours".replace(".0 ", " ")
    return f"{hours / 24:.1f} days".replace(".0 ", " ")


@register.filter
def percent_of(value: int, total: int) -> float:
    """value as a percentage of total, for CSS bar widths (0 when total is 0)."""
    try:
        return round(100 * value / total, 1) if total else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def seed_number(index: int) -> int:
    return int(index) + 1


@register.filter
def lookup(mapping, key):
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def issue_where(location) -> str:
    """A validation issue's location as words: 'seed example 2, Q&A 1, answer (line 40)'."""
    if not isinstance(location, dict):
        return ""
    parts = []
    if location.get("seed") is not None:
        parts.append(f"seed example {location['seed']}")
    if location.get("qa") is not None:
        parts.append(f"Q&A {location['qa']}")
    if location.get("field"):
        parts.append(str(location["field"]).replace("_", " "))
    text = ", ".join(parts)
    if location.get("line") is not None:
        text = f"{text} (line {location['line']})" if text else f"line {location['line']}"
    return text


@register.filter
def waited(since) -> str:
    """'waiting 3 days, 2 hours', or 'just submitted' for the first minute."""
    if since is None:
        return "not submitted"
    if timezone.now() - since < timedelta(minutes=1):
        return "just submitted"
    return f"waiting {timesince(since, depth=1)}"


@register.filter
def as_json(value) -> str:
    """Audit data as compact JSON, as stored."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
