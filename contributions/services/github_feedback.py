"""GitHub feedback beyond its first sighting: where a line comment sits, edits, withdrawals.

A line comment on the pull request's qna.yaml is placed at the entry's field that line holds
(the file is rendered again from the revision: rendering is deterministic). A review dismissed
or a comment deleted on GitHub is withdrawn from the entry; an edited one shows its new text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

from contributions.forge import Feedback
from contributions.models import Comment, Contribution, PullRequest
from contributions.taxonomy import field_at_line

from . import validation
from .core import event_record, lock_contribution

logger = logging.getLogger(__name__)


def feedback_location(*, pull: PullRequest, item: Feedback) -> dict[str, Any]:
    """The Comment fields placing an inline comment: file, line, field label, seed example."""
    if item.kind != "line" or not item.path:
        return {}
    where: dict[str, Any] = {"github_path": item.path[:300], "github_line": item.line}
    if item.line is None or not item.path.endswith("/qna.yaml"):
        return where
    try:
        files = validation.entry_for_commit(
            pull.revision, docs_commit_sha=pull.docs_commit_sha or None
        )
    except (ValueError, LookupError) as error:  # a revision the renderer no longer accepts
        logger.info("cannot place a line comment of %s: %s", pull, error)
        return where
    location = field_at_line(files.qna_yaml, item.line)
    if location is None:
        return where
    label = ", ".join(
        part
        for part in (
            f"seed example {location.seed}" if location.seed is not None else "",
            f"Q&A {location.qa}" if location.qa is not None else "",
            location.field or "",
        )
        if part
    )
    where["field_label"] = label[:120]
    if location.seed is not None:
        where["seed_index"] = location.seed - 1
    return where


def where_text(comment_fields: dict[str, Any]) -> str:
    """ " on seed example 2, answer (qna.yaml line 14)" for a placed line comment, else ""."""
    path = comment_fields.get("github_path")
    if not path:
        return ""
    line = comment_fields.get("github_line")
    spot = f"{path.rsplit('/', 1)[-1]} line {line}" if line else path.rsplit("/", 1)[-1]
    label = comment_fields.get("field_label")
    return f" on {label} ({spot})" if label else f" on {spot}"


def feedback_revise(
    *,
    contribution: Contribution,
    items: list[Feedback],
    text_for: Callable[[Feedback, dict[str, Any]], str],
) -> int:
    """Apply edits and withdrawals to feedback already shown; returns how many changed.

    `text_for(item, fields)` gives a comment's text as shown (shared with the first sighting).
    """
    by_id = {item.external_id: item for item in items}
    changed = 0
    with transaction.atomic():
        lock_contribution(contribution.pk)
        stored = Comment.objects.select_for_update().filter(
            contribution=contribution, external_id__in=list(by_id)
        )
        for comment in stored:
            item = by_id[comment.external_id]
            fields = {
                "github_path": comment.github_path,
                "github_line": comment.github_line,
                "field_label": comment.field_label,
            }
            if item.withdrawn:
                if comment.withdrawn:
                    continue
                comment.withdrawn = True
                comment.save(update_fields=["withdrawn"])
                event = "github_feedback_withdrawn"
            else:
                body = text_for(item, fields)
                if body == comment.body and not comment.withdrawn:
                    continue
                comment.body, comment.withdrawn = body, False
                comment.save(update_fields=["body", "withdrawn"])
                event = "github_feedback_edited"
            event_record(
                contribution=contribution,
                actor=None,
                event=event,
                data={"external_id": item.external_id, "author": item.author},
            )
            changed += 1
    return changed
