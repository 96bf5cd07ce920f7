"""Tasks of the pull-request pipeline: open, follow, reconcile, and sync the taxonomy tree.

Transient GitHub trouble (5xx, timeouts, rate limits) is retried with a countdown: exponential
backoff with jitter, and never sooner than GitHub's Retry-After. A worker never sleeps on a rate
limit. Permanent trouble is recorded as a TaskFailure (admins see it and can retry it) and on the
entry; so is transient trouble that outlasts the retries.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from contributions.forge import PermanentForgeError, TransientForgeError
from contributions.services import (
    pipeline,
    pull_request_reconcile,
    pull_request_revise,
    pull_request_tracking,
    recheck,
    taxonomy_tree,
)

logger = logging.getLogger(__name__)

# Consecutive transient failures (not rate-limit waits) before a task gives up and says so.
MAX_TRANSIENT_FAILURES = 8
# Rate-limit waits are expected under load; this only stops a task that can never get through.
MAX_RATE_LIMIT_WAITS = 500
# Longer waits are split: the task wakes, finds the budget still full, and waits again. This
# keeps countdowns well under the Redis visibility timeout.
MAX_COUNTDOWN_SECONDS = 600.0
MAX_RATE_LIMIT_JITTER_SECONDS = 5.0


def retry_countdown(*, failures: int, retry_after: float | None, rate_limited: bool) -> float:
    """Seconds until the next try: backoff with jitter, never before `retry_after`."""
    if rate_limited:
        wait = min(retry_after if retry_after is not None else 60.0, MAX_COUNTDOWN_SECONDS)
        # Spread the waiters a little so they do not all wake in the same instant; the budget
        # lets through only those with room, so a few seconds are enough even for long waits.
        return wait + random.uniform(0.0, min(0.1 * wait, MAX_RATE_LIMIT_JITTER_SECONDS))
    backoff = min(MAX_COUNTDOWN_SECONDS, settings.PIPELINE_RETRY_BASE_SECONDS * 2**failures)
    return max(backoff * random.uniform(0.5, 1.0), min(retry_after or 0.0, MAX_COUNTDOWN_SECONDS))


def _run(
    task: Task,
    work: Callable[[], Any],
    *,
    task_args: list[Any],
    contribution_id: int | None,
    failures: int,
    waits: int,
) -> Any:
    """Run `work`; retry transient errors with a countdown; record what gives up."""
    try:
        return work()
    except TransientForgeError as error:
        if error.rate_limited:
            waits += 1
        else:
            failures += 1
        if failures >= MAX_TRANSIENT_FAILURES or waits >= MAX_RATE_LIMIT_WAITS:
            pipeline.pipeline_failure_record(
                task_name=task.name,
                task_args=task_args,
                error=f"Gave up after {failures + waits} tries: {error}",
                permanent=False,
                attempts=failures + waits,
                contribution_id=contribution_id,
            )
            return None
        countdown = retry_countdown(
            failures=failures, retry_after=error.retry_after, rate_limited=error.rate_limited
        )
        logger.info("%s%s: %s; again in %.0fs", task.name, task_args, error, countdown)
        raise task.retry(
            args=task_args,
            kwargs={"failures": failures, "waits": waits},
            countdown=countdown,
            exc=error,
        ) from error
    except (PermanentForgeError, pipeline.PipelineStopped) as error:
        pipeline.pipeline_failure_record(
            task_name=task.name,
            task_args=task_args,
            error=str(error),
            permanent=True,
            attempts=failures + waits + 1,
            contribution_id=contribution_id,
        )
        return None


@shared_task(bind=True, name=pipeline.OPEN_TASK, max_retries=None)
def open_pull_request(self: Task, contribution_id: int, failures: int = 0, waits: int = 0) -> str:
    """Open the pull request of an approved entry (exactly once, however often it runs)."""
    try:
        pull = _run(
            self,
            lambda: pipeline.pull_request_open(contribution_id=contribution_id),
            task_args=[contribution_id],
            contribution_id=contribution_id,
            failures=failures,
            waits=waits,
        )
    finally:
        pipeline.rate_limit_record()
    return f"{pull.repo}#{pull.number}" if pull is not None else "no pull request"


@shared_task(bind=True, name="contributions.tasks.sync_pull_request", max_retries=None)
def sync_pull_request(self: Task, pull_request_id: int, failures: int = 0, waits: int = 0) -> str:
    """Read one pull request and its feedback from GitHub and follow its state."""
    from contributions.models import PullRequest

    contribution_id = (
        PullRequest.objects.filter(pk=pull_request_id).values_list("contribution_id", flat=True)
    ).first()
    moved = _run(
        self,
        lambda: pull_request_tracking.pull_request_sync(pull_request_id=pull_request_id),
        task_args=[pull_request_id],
        contribution_id=contribution_id,
        failures=failures,
        waits=waits,
    )
    return ", ".join(moved or []) or "no change"


@shared_task(bind=True, name="contributions.tasks.process_github_webhook", max_retries=None)
def process_github_webhook(
    self: Task,
    delivery_id: str,
    feedback: dict[str, Any] | None = None,
    failures: int = 0,
    waits: int = 0,
) -> str:
    """Handle a webhook delivery recorded by the endpoint."""
    outcome = _run(
        self,
        lambda: pull_request_tracking.webhook_process(delivery_id=delivery_id, feedback=feedback),
        task_args=[delivery_id, feedback],
        contribution_id=None,
        failures=failures,
        waits=waits,
    )
    return outcome or "failed"


@shared_task(bind=True, name=pull_request_revise.REBASE_TASK, max_retries=None)
def rebase_pull_request(self: Task, pull_request_id: int, failures: int = 0, waits: int = 0) -> str:
    """Write a pull request's entry again on top of the moved base branch (once per request)."""
    from contributions.models import PullRequest

    contribution_id = (
        PullRequest.objects.filter(pk=pull_request_id).values_list("contribution_id", flat=True)
    ).first()
    try:
        pull = _run(
            self,
            lambda: pull_request_revise.pull_request_rebase(pull_request_id=pull_request_id),
            task_args=[pull_request_id],
            contribution_id=contribution_id,
            failures=failures,
            waits=waits,
        )
    finally:
        pipeline.rate_limit_record()
    return f"{pull.repo}#{pull.number} at {pull.head_sha[:12]}" if pull is not None else "nothing"


@shared_task(name="contributions.tasks.recheck_open_entries")
def recheck_open_entries() -> dict[str, int]:
    """Check every open entry again when the taxonomy or the checks changed since last time."""
    return recheck.open_entries_recheck()


@shared_task(name="contributions.tasks.reconcile_pull_requests")
def reconcile_pull_requests() -> dict[str, int]:
    """Catch up with whatever webhooks missed: re-read pull requests, re-queue lost hand-overs."""
    pulls = pull_request_reconcile.pull_requests_to_reconcile()
    for pull_request_id in pulls:
        sync_pull_request.delay(pull_request_id)
    requeued = sum(
        pull_request_tracking.contribution_hand_over_again(contribution_id=contribution_id)
        for contribution_id in pull_request_tracking.stuck_contributions()
    )
    pipeline.rate_limit_record(fetch=True)
    return {"pull_requests": len(pulls), "requeued": requeued}


@shared_task(bind=True, name="contributions.tasks.sync_taxonomy_tree", max_retries=None)
def sync_taxonomy_tree(self: Task, failures: int = 0, waits: int = 0) -> str:
    """Refresh the taxonomy folder tree shown in the entry forms."""
    try:
        tree = _run(
            self,
            taxonomy_tree.taxonomy_tree_sync,
            task_args=[],
            contribution_id=None,
            failures=failures,
            waits=waits,
        )
    finally:
        pipeline.rate_limit_record()
    if tree is None:
        return "failed"
    recheck_open_entries.delay()  # does nothing unless the taxonomy moved
    return f"{tree.repo}@{tree.commit_sha[:12]}"
