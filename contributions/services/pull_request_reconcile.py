"""Which pull requests the periodic reconcile reads again, in as few requests as GitHub allows.

Issue 12: GitHub ties ETags to the token, and a GitHub App's installation tokens are renewed
hourly and differ per worker, so conditional per-PR reads mostly cost full price. Instead one
list call per hundred open pull requests (and one read of the base branch) finds what changed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from contributions.forge import ForgeError, PullRequestInfo, get_forge
from contributions.models import PullRequest, ServiceStatus

logger = logging.getLogger(__name__)

# Closed pull requests are still read this long after closing, in case they are reopened.
REOPEN_WATCH = timedelta(days=30)


def pull_requests_to_reconcile() -> list[int]:
    """The pull requests worth reading again: whatever changed on GitHub since the last read.

    One list call per hundred open pull requests finds them (issue 12: ETags are tied to the
    token, so per-PR conditional reads cost full price with a GitHub App): an open one whose
    updated_at moved, one no longer open (closed or merged), and a closed one open again.
    A move of the base branch does not touch updated_at but may change whether a pull request
    still merges, so then (one more read tells) every open one is read, and until GitHub has
    worked out its mergeability, each whose mergeability is unknown.
    If the list cannot be read, nothing is read this cycle; webhooks still arrive.
    """
    recent = timezone.now() - REOPEN_WATCH
    tracked = list(
        PullRequest.objects.filter(
            Q(state=PullRequest.State.OPEN)
            | Q(state=PullRequest.State.CLOSED, updated_at__gte=recent)
        )
        .order_by("last_synced_at", "pk")
        .values_list("pk", "repo", "number", "state", "remote_updated_at", "mergeable")
    )
    if not tracked:
        return []
    listed: dict[tuple[str, int], PullRequestInfo] = {}
    try:
        forge = get_forge()
        base_moved = _base_moved(forge)
        for repo in sorted({row[1].casefold(): row[1] for row in tracked}.values()):
            for info in forge.list_open_pull_requests(repo=repo):
                listed[(info.repo.casefold(), info.number)] = info
    except ForgeError as error:
        logger.warning("reconcile skipped: the open pull requests could not be listed: %s", error)
        return []
    stale = []
    for pk, repo, number, state, seen_at, mergeable in tracked:
        info = listed.get((repo.casefold(), number))
        is_open = state == PullRequest.State.OPEN
        if info is None and not is_open:
            continue  # still closed
        changed = info is None or not is_open or info.updated_at is None
        if changed or info.updated_at != seen_at or base_moved or mergeable is None:
            stale.append(pk)
    return stale


# Where the reconcile remembers the base branch's head between cycles.
RECONCILE_BASE_KEY = "reconcile_base_head"


def _base_moved(forge: Any) -> bool:
    """Whether the taxonomy's base branch moved since the last cycle (one request)."""
    head = forge.branch_head(repo=settings.TAXONOMY_REPO, branch=settings.TAXONOMY_BASE_BRANCH)
    seen = ServiceStatus.objects.filter(key=RECONCILE_BASE_KEY).values_list("data", flat=True)
    before = (seen.first() or {}).get("commit")
    if before != head.commit_sha:
        ServiceStatus.objects.update_or_create(
            key=RECONCILE_BASE_KEY, defaults={"data": {"commit": head.commit_sha}}
        )
    return before != head.commit_sha
