"""The reviewers' daily digest: what waits for review in each reviewer's scope."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from contributions import permissions, roles
from contributions.models import Contribution
from contributions.workflow import AWAITING_REVIEW

from .notifications import notify

DIGEST_LISTED = 5


def _reviewers() -> list:
    """Active reviewers and admins with their groups and scopes, in three queries."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[roles.REVIEWER, roles.ADMIN]))
        .distinct()
        .prefetch_related("groups", "review_scopes")
        .order_by("pk")
    )
    result = []
    for user in users:
        held = {group.name for group in user.groups.all()} & set(roles.ALL_ROLES)
        user._portal_roles = frozenset(roles.ALL_ROLES) if user.is_superuser else frozenset(held)
        user._review_scopes = [scope.path_prefix for scope in user.review_scopes.all()]
        result.append(user)
    return result


def _days(delta) -> str:
    days = delta.days
    return "less than a day" if days < 1 else "1 day" if days == 1 else f"{days} days"


def digest_message(entries: list[dict], now: datetime) -> str:
    """One short paragraph, then the oldest few entries, one a line."""
    unclaimed = sum(
        1 for e in entries if e["claim__expires_at"] is None or e["claim__expires_at"] <= now
    )
    oldest = min(e["submitted_at"] or now for e in entries)
    noun = "entry waits" if len(entries) == 1 else "entries wait"
    lines = [
        f"{len(entries)} {noun} for review in your scope ({unclaimed} not claimed by anyone); "
        f"the oldest has waited {_days(now - oldest)}."
    ]
    for entry in entries[:DIGEST_LISTED]:
        lines.append(f"• {entry['summary'] or '(untitled)'} — {entry['taxonomy_path']}")
    if len(entries) > DIGEST_LISTED:
        lines.append(f"…and {len(entries) - DIGEST_LISTED} more.")
    return "\n".join(lines)


def reviewer_digests_send(*, now: datetime | None = None) -> int:
    """Notify every reviewer with work waiting in their scope; once a day each (deduplicated).

    Returns how many digests were created.
    """
    now = now or timezone.now()
    waiting = list(
        Contribution.objects.filter(status__in=[s.value for s in AWAITING_REVIEW])
        .order_by("submitted_at", "pk")
        .values("pk", "summary", "taxonomy_path", "author_id", "submitted_at", "claim__expires_at")
    )
    if not waiting:
        return 0
    try:
        url = reverse("review-queue")
    except NoReverseMatch:
        url = ""
    sent = 0
    for reviewer in _reviewers():
        scopes = [] if roles.is_admin(reviewer) else permissions.reviewer_scopes(reviewer)
        mine = [
            entry
            for entry in waiting
            if entry["author_id"] != reviewer.pk
            and permissions.path_in_scopes(entry["taxonomy_path"], scopes)
        ]
        if not mine:
            continue
        created = notify(
            recipient=reviewer,
            kind="digest",
            message=digest_message(mine, now),
            url=url,
            dedupe_key=f"digest:{now.date().isoformat()}",
        )
        sent += created is not None
    return sent
