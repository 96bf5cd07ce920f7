"""Inline review comments (on a file's line), and reviews dismissed or edited after submission.

Each change sends the webhook GitHub sends: ``pull_request_review_comment`` (created, edited,
deleted) and ``pull_request_review`` (edited, dismissed). Each bumps the pull request's
``updated_at``, as GitHub does, so a client listing pull requests sees that something changed.
"""

from __future__ import annotations

from typing import Any

from ghemu.ops.context import Ctx
from ghemu.render_feedback import line_comment
from ghemu.routing import ApiError, not_found, validation_failed
from ghemu.store import PullRecord, RepoRecord, ReviewCommentRecord, ReviewRecord, now_iso


def _invalid(field: str) -> ApiError:
    return validation_failed(
        {"resource": "PullRequestReviewComment", "code": "invalid", "field": field}
    )


def _checked(ctx: Ctx, pull: PullRecord, data: Any) -> tuple[str, int, str]:
    """(path, line, body) of a comment GitHub would accept: a file of the head, a line in it."""
    if not isinstance(data, dict):
        raise _invalid("comments")
    path, line, body = data.get("path"), data.get("line"), data.get("body")
    if not isinstance(body, str) or not body:
        raise validation_failed(
            {"resource": "PullRequestReviewComment", "code": "missing_field", "field": "body"}
        )
    if not isinstance(path, str) or not path:
        raise _invalid("path")
    git = ctx.emu.git(ctx.emu.store.repos[pull.head_repo_id])
    entry = git.entry_at(pull.head_sha, path)
    if entry is None or entry.type != "blob":
        raise ApiError(422, "Unprocessable Entity", errors=["Path could not be resolved"])
    lines = git.read_blob(entry.sha).decode(errors="replace").splitlines()
    if isinstance(line, bool) or not isinstance(line, int) or not 1 <= line <= len(lines):
        raise ApiError(422, "Unprocessable Entity", errors=["Line could not be resolved"])
    return path, line, body


def check_line_comments(ctx: Ctx, pull: PullRecord, items: list[Any]) -> None:
    """Refuse the whole request (422) if any inline comment is not on a line of the head."""
    for item in items:
        _checked(ctx, pull, item)


def _emit(
    ctx: Ctx,
    repo: RepoRecord,
    pull: PullRecord,
    action: str,
    comment: Any,
    changes: dict[str, Any] | None = None,
) -> None:
    fields = {"comment": comment, "pull_request": ctx.render.pull(pull, full=False)}
    if changes is not None:
        fields["changes"] = changes
    ctx.emu.webhooks.emit(
        ctx.render, repo, "pull_request_review_comment", action, fields, ctx.login or ""
    )


def add_line_comments(
    ctx: Ctx,
    repo: RepoRecord,
    pull: PullRecord,
    items: list[Any],
    review_id: int | None,
) -> list[ReviewCommentRecord]:
    """Store inline comments (checked first, all or none); one webhook each."""
    login = ctx.require_login()
    checked = [_checked(ctx, pull, item) for item in items]
    store = ctx.emu.store
    made = []
    with store.lock:
        for path, line, body in checked:
            comment = ReviewCommentRecord(
                id=store.next_id(),
                repo_id=repo.id,
                number=pull.number,
                user=login,
                body=body,
                path=path,
                line=line,
                commit_id=pull.head_sha,
                review_id=review_id,
            )
            store.review_comments[comment.id] = comment
            made.append(comment)
        if made:
            pull.updated_at = now_iso()
        store.mark_dirty()
    for comment in made:
        _emit(ctx, repo, pull, "created", line_comment(ctx.render, comment))
    return made


def line_comment_of(ctx: Ctx, repo: RepoRecord, comment_id: int) -> ReviewCommentRecord:
    comment = ctx.emu.store.review_comments.get(comment_id)
    if comment is None or comment.repo_id != repo.id:
        raise not_found()
    return comment


def _own_or_maintainer(ctx: Ctx, repo: RepoRecord, author: str) -> str:
    login = ctx.require_login()
    if login.lower() != author.lower() and not ctx.emu.can(login, repo, "maintain"):
        raise ApiError(403, "Must have admin rights to Repository.")
    return login


def edit_line_comment(
    ctx: Ctx, repo: RepoRecord, comment: ReviewCommentRecord, data: dict[str, Any]
) -> ReviewCommentRecord:
    _own_or_maintainer(ctx, repo, comment.user)
    body = data.get("body")
    if not isinstance(body, str) or not body:
        raise _invalid("body")
    pull = ctx.emu.store.pull(repo.id, comment.number)
    assert pull is not None
    with ctx.emu.store.lock:
        previous = comment.body
        comment.body, comment.updated_at = body, now_iso()
        pull.updated_at = comment.updated_at
        ctx.emu.store.mark_dirty()
    _emit(
        ctx, repo, pull, "edited", line_comment(ctx.render, comment), {"body": {"from": previous}}
    )
    return comment


def delete_line_comment(ctx: Ctx, repo: RepoRecord, comment: ReviewCommentRecord) -> None:
    _own_or_maintainer(ctx, repo, comment.user)
    pull = ctx.emu.store.pull(repo.id, comment.number)
    assert pull is not None
    body = line_comment(ctx.render, comment)
    with ctx.emu.store.lock:
        ctx.emu.store.review_comments.pop(comment.id, None)
        pull.updated_at = now_iso()
        ctx.emu.store.mark_dirty()
    _emit(ctx, repo, pull, "deleted", body)


def change_review(
    ctx: Ctx, repo: RepoRecord, pull: PullRecord, review: ReviewRecord, data: dict[str, Any]
) -> ReviewRecord:
    """PUT reviews/{id} (a new body) or PUT reviews/{id}/dismissals (withdrawn by a maintainer)."""
    dismiss = "message" in data
    if dismiss:
        login = ctx.require_login()
        if not ctx.emu.can(login, repo, "maintain"):
            raise ApiError(403, "Must have admin rights to Repository.")
        if review.state not in ("APPROVED", "CHANGES_REQUESTED"):
            raise ApiError(422, "Can not dismiss a commented pull request review")
    else:
        _own_or_maintainer(ctx, repo, review.user)
        if not isinstance(data.get("body"), str):
            raise validation_failed(
                {"resource": "PullRequestReview", "code": "missing_field", "field": "body"}
            )
    with ctx.emu.store.lock:
        if dismiss:
            review.state = "DISMISSED"
        else:
            review.body = str(data["body"])
        pull.updated_at = now_iso()
        ctx.emu.store.mark_dirty()
    fields = {
        "review": ctx.render.review(review, webhook=True),
        "pull_request": ctx.render.pull(pull, full=False),
    }
    action = "dismissed" if dismiss else "edited"
    ctx.emu.webhooks.emit(ctx.render, repo, "pull_request_review", action, fields, ctx.login or "")
    return review
