"""Following pull requests to the end: webhooks, the periodic reconcile, maintainers' feedback.

GitHub neither guarantees webhook order nor redelivers lost ones, so a webhook only says "look
at pull request N again": the state always comes from reading the pull request (conditionally,
with its stored ETag), in one code path shared with the reconcile. Reviews and comments carried
by a webhook are stored straight away; the reconcile fetches any it missed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from contributions.forge import Feedback, FeedbackPage, PullRequestInfo, get_forge
from contributions.forge.webhooks import WebhookEvent
from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    PullRequest,
    TaskFailure,
    WebhookDelivery,
)
from contributions.workflow import EDITABLE, Status

from .core import contribution_move, event_record, lock_contribution
from .github_feedback import feedback_location, feedback_revise, where_text
from .notifications import notify
from .pipeline import OPEN_TASK, entry_path, follow_remote_state
from .pull_request_reconcile import pull_requests_to_reconcile as pull_requests_to_reconcile
from .pull_request_revise import pull_request_conflict_note

logger = logging.getLogger(__name__)

_REVIEW_WORDS = {
    "CHANGES_REQUESTED": "requested changes",
    "APPROVED": "approved",
    "COMMENTED": "commented",
}


# --- State ----------------------------------------------------------------------------------


@transaction.atomic
def pull_request_apply(*, pull_request_id: int, info: PullRequestInfo | None) -> list[str]:
    """Store what GitHub says about a pull request (None: not modified) and follow it."""
    contribution_id = (
        PullRequest.objects.filter(pk=pull_request_id).values_list("contribution_id", flat=True)
    ).first()
    if contribution_id is None:
        return []
    # Locks in a fixed order: the contribution, then its pull request.
    contribution = lock_contribution(contribution_id)
    pull = PullRequest.objects.select_for_update().get(pk=pull_request_id)
    pull.last_synced_at = timezone.now()
    if info is None:
        pull.save(update_fields=["last_synced_at", "updated_at"])
        return []
    before = pull.state
    pull.state = info.state
    pull.merged_at = info.merged_at
    pull.head_sha = info.head_sha or pull.head_sha
    pull.etag = info.etag
    pull.remote_updated_at = info.updated_at or pull.remote_updated_at
    pull.save(
        update_fields=[
            *("state", "merged_at", "head_sha", "etag", "remote_updated_at"),
            *("last_synced_at", "updated_at"),
        ]
    )
    if before != pull.state:
        event_record(
            contribution=contribution,
            actor=None,
            event="pull_request_state",
            data={"number": pull.number, "from": before, "to": pull.state},
        )
    words = {"open": "reopened", "closed": "closed", "merged": "merged"}
    return follow_remote_state(
        contribution=contribution,
        pull=pull,
        state=pull.state,
        note=f"Pull request #{pull.number} {words.get(pull.state, pull.state)} on GitHub.",
    )


def _check_mergeable(forge: Any, pull: PullRequest, info: PullRequestInfo) -> None:
    """A pull request that stopped merging: tell people; if its folder was taken, say so."""
    from .pull_request_revise import path_taken, path_taken_on_open_pull

    conflict = pull_request_conflict_note(pull_request_id=pull.pk, info=info)
    if conflict != PullRequest.Conflict.CONFLICT:
        return
    revision = PullRequest.objects.select_related("revision").get(pk=pull.pk).revision
    if path_taken(forge=forge, revision=revision):
        path_taken_on_open_pull(pull_request_id=pull.pk)


def pull_request_sync(*, pull_request_id: int) -> list[str]:
    """Read one pull request from GitHub (conditionally) and its new feedback; apply both."""
    pull = PullRequest.objects.filter(pk=pull_request_id).first()
    if pull is None:
        return []
    forge = get_forge()
    info = forge.get_pull_request(repo=pull.repo, number=pull.number, etag=pull.etag)
    moved = pull_request_apply(pull_request_id=pull.pk, info=info)
    if info is not None and info.state == "open":
        _check_mergeable(forge, pull, info)
    if pull.state == PullRequest.State.OPEN or info is not None:
        reviews = forge.list_reviews(repo=pull.repo, number=pull.number, etag=pull.reviews_etag)
        comments = forge.list_comments(repo=pull.repo, number=pull.number, etag=pull.comments_etag)
        lines = forge.list_review_comments(
            repo=pull.repo, number=pull.number, etag=pull.review_comments_etag
        )
        feedback_store_pages(
            pull_request_id=pull.pk, reviews=reviews, comments=comments, lines=lines
        )
    return moved


# --- Feedback -----------------------------------------------------------------------------------


def _worth_showing(item: Feedback) -> bool:
    if item.author_is_bot or item.withdrawn:
        return False
    if item.kind == "review":
        # An empty "commented" review only wraps inline comments; a dismissed one was withdrawn.
        if item.state in ("CHANGES_REQUESTED", "APPROVED"):
            return True
        return item.state == "COMMENTED" and bool(item.body.strip())
    return bool(item.body.strip())


# How long a feedback excerpt in a notification may be, in characters.
FEEDBACK_EXCERPT_LENGTH = 160


def feedback_excerpt(body: str, limit: int = FEEDBACK_EXCERPT_LENGTH) -> str:
    """A review or comment body on one line, cut at a word near `limit` with an ellipsis."""
    text = " ".join(body.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" .,;:") + "…"


def feedback_message(item: Feedback, summary: str) -> str:
    """The author's notification about a maintainer's review or comment: who, what, an excerpt."""
    did = "commented on"
    if item.kind == "review":
        did = {"CHANGES_REQUESTED": "requested changes on", "APPROVED": "approved"}.get(
            item.state, "commented on" if item.state == "COMMENTED" else "reviewed"
        )
    text = f"{item.author} {did} the pull request of “{summary}” on GitHub"
    excerpt = feedback_excerpt(item.body)
    return f"{text}: “{excerpt}”" if excerpt else f"{text}."


def _comment_text(item: Feedback, where: dict[str, Any] | None = None) -> str:
    if item.kind == "review":
        heading = f"On GitHub, {item.author} {_REVIEW_WORDS.get(item.state, 'reviewed')}"
    else:
        heading = f"On GitHub, {item.author} commented{where_text(where or {})}"
    body = item.body.strip()
    return f"{heading}:\n\n{body}" if body else f"{heading}."


def asks_for_changes(item: Feedback) -> bool:
    """A "Request changes" review, or a comment matching GITHUB_CHANGES_COMMENT_PATTERN."""
    if item.author_is_bot:
        return False
    if item.kind == "review":
        return item.state == "CHANGES_REQUESTED"
    pattern = settings.GITHUB_CHANGES_COMMENT_PATTERN
    return bool(pattern) and re.search(pattern, item.body) is not None


def _follow_review(contribution: Contribution, pull: PullRequest, item: Feedback) -> None:
    """Move a locked entry for a maintainer's decision on its pull request's current revision."""
    if pull.revision_id != contribution.current_revision_id:
        return
    data = {"number": pull.number, "author": item.author, "external_id": item.external_id}
    excerpt = feedback_excerpt(item.body)
    if asks_for_changes(item) and contribution.status == Status.PR_OPEN:
        contribution_move(
            contribution=contribution,
            to_status=Status.PR_CHANGES_REQUESTED,
            actor=None,
            note=f"{item.author} on GitHub: {excerpt}" if excerpt else f"{item.author} on GitHub",
            data=data,
        )
    elif (
        item.kind == "review"
        and item.state == "APPROVED"
        and contribution.status == Status.PR_CHANGES_REQUESTED
    ):
        contribution_move(
            contribution=contribution,
            to_status=Status.PR_OPEN,
            actor=None,
            note=f"{item.author} approved the pull request on GitHub.",
            data=data,
        )


def feedback_store(*, pull_request_id: int, items: Iterable[Feedback]) -> int:
    """Show maintainers' reviews and comments on the entry, once each; returns how many are new."""
    pull = PullRequest.objects.select_related("contribution__author").filter(pk=pull_request_id)
    pull = pull.first()
    if pull is None:
        return 0
    contribution = pull.contribution
    items = [item for item in items if not item.author_is_bot]
    known = set(
        Comment.objects.filter(
            contribution=contribution, external_id__in=[i.external_id for i in items]
        ).values_list("external_id", flat=True)
    )
    # Seen before: an edit or a withdrawal (dismissed, deleted) may change what is shown.
    feedback_revise(
        contribution=contribution,
        items=[i for i in items if i.external_id in known],
        text_for=_comment_text,
    )
    added = 0
    for item in items:
        if item.external_id in known or not _worth_showing(item):
            continue
        where = feedback_location(pull=pull, item=item)
        try:
            with transaction.atomic():
                locked = lock_contribution(contribution.pk)
                Comment.objects.create(
                    contribution=contribution,
                    revision_id=pull.revision_id,
                    external_author=item.author[:100],
                    external_id=item.external_id,
                    body=_comment_text(item, where),
                    **where,
                )
                event_record(
                    contribution=contribution,
                    actor=None,
                    event="github_feedback",
                    data={
                        "external_id": item.external_id,
                        "author": item.author,
                        "kind": item.kind,
                    },
                )
                _follow_review(locked, pull, item)
                notify(
                    recipient=contribution.author,
                    kind="comment",
                    message=feedback_message(item, contribution.summary),
                    contribution=contribution,
                    url=_feedback_url(locked, item),
                    dedupe_key=f"github-{pull.repo}-{item.external_id}",
                )
        except IntegrityError:
            continue  # stored meanwhile by a webhook or another reconcile
        added += 1
    return added


def _feedback_url(contribution: Contribution, item: Feedback) -> str:
    """Where the author acts on feedback: the editor when they can change the entry."""
    if asks_for_changes(item) and Status(contribution.status) in EDITABLE:
        try:
            return reverse("contribution-edit", args=[contribution.pk])
        except NoReverseMatch:
            pass
    return entry_path(contribution.pk)


def feedback_store_pages(
    *,
    pull_request_id: int,
    reviews: FeedbackPage,
    comments: FeedbackPage,
    lines: FeedbackPage | None = None,
) -> int:
    """Store fetched reviews and comments, and remember their ETags for the next reconcile."""
    lines = lines or FeedbackPage(changed=False)
    added = feedback_store(
        pull_request_id=pull_request_id, items=[*reviews.items, *comments.items, *lines.items]
    )
    etags = {"reviews_etag": reviews.etag, "comments_etag": comments.etag}
    if lines.changed or lines.etag:
        etags["review_comments_etag"] = lines.etag
    PullRequest.objects.filter(pk=pull_request_id).update(**etags)
    return added


# --- Webhooks -------------------------------------------------------------------------------


@transaction.atomic
def webhook_receive(*, delivery_id: str, event: WebhookEvent) -> bool:
    """Record a delivery once and queue its handling; False for a redelivery already seen."""
    from contributions.tasks.pipeline import process_github_webhook

    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(
                delivery_id=delivery_id[:100],
                event=event.event[:60],
                action=event.action[:60],
                repo=event.repo[:200],
                pr_number=event.pr_number,
            )
    except IntegrityError:
        return False
    feedback = event.feedback.__dict__ if event.feedback is not None else None
    transaction.on_commit(lambda: process_github_webhook.delay(delivery_id[:100], feedback))
    return True


def webhook_process(*, delivery_id: str, feedback: dict[str, Any] | None = None) -> str:
    """Act on a recorded delivery: store its feedback, re-read its pull request."""
    delivery = WebhookDelivery.objects.filter(delivery_id=delivery_id).first()
    if delivery is None:
        return "unknown delivery"
    if delivery.processed_at is not None:
        return delivery.outcome or "already processed"
    # GitHub spells names in their canonical case; settings and records may differ.
    pull = PullRequest.objects.filter(repo__iexact=delivery.repo, number=delivery.pr_number).first()
    if pull is None:
        outcome = "not a pull request of the portal"
    elif feedback is not None:
        added = feedback_store(pull_request_id=pull.pk, items=[Feedback(**feedback)])
        outcome = f"feedback stored ({added} new)"
    elif delivery.event == "pull_request":
        moved = pull_request_sync(pull_request_id=pull.pk)
        outcome = (
            f"pull request read; moved to {', '.join(moved)}" if moved else "pull request read"
        )
    else:
        outcome = "nothing to do"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        processed_at=timezone.now(), outcome=outcome[:200]
    )
    return outcome


# --- The reconcile ----------------------------------------------------------------------------


def stuck_contributions() -> list[int]:
    """Approved entries with no pull request long after hand-over, and no failure on record.

    Their task was lost (a broker without redelivery, a purge): hand them over again.
    """
    before = timezone.now() - timedelta(seconds=settings.PIPELINE_STUCK_AFTER_SECONDS)
    failed = TaskFailure.objects.filter(task_name=OPEN_TASK, resolved_at__isnull=True).values(
        "contribution_id"
    )
    # Handed over again recently: that task may still be waiting for GitHub's limits.
    requeued = ContributionEvent.objects.filter(
        event="pipeline_requeued", created_at__gt=before
    ).values("contribution_id")
    return list(
        Contribution.objects.filter(status=Status.APPROVED, handed_over_at__lte=before)
        .exclude(pk__in=failed)
        .exclude(pk__in=requeued)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def contribution_hand_over_again(*, contribution_id: int) -> bool:
    """Queue the pull-request task again for an approved entry (the reconcile's safety net)."""
    from contributions.tasks.pipeline import open_pull_request

    contribution = lock_contribution(contribution_id)
    if contribution.status != Status.APPROVED:
        return False
    event_record(contribution=contribution, actor=None, event="pipeline_requeued")
    transaction.on_commit(lambda: open_pull_request.delay(contribution_id))
    return True
