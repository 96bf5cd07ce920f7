"""Maintainer feedback and triage on a pull request: reviews, review requests, labels, comments."""

from __future__ import annotations

from typing import Any

from ghemu.emulator import PUSH_DENIED
from ghemu.ops.context import Ctx
from ghemu.ops.events import emit_pull_event
from ghemu.ops.line_comments import add_line_comments, check_line_comments
from ghemu.routing import ApiError, custom_error, validation_failed
from ghemu.store import CommentRecord, LabelRecord, PullRecord, RepoRecord, ReviewRecord, now_iso

REVIEW_EVENTS = {
    "APPROVE": "APPROVED",
    "REQUEST_CHANGES": "CHANGES_REQUESTED",
    "COMMENT": "COMMENTED",
}


def submit_review(
    ctx: Ctx, repo: RepoRecord, pull: PullRecord, data: dict[str, Any]
) -> ReviewRecord:
    login = ctx.require_login()
    emu = ctx.emu
    event = data.get("event")
    body = data.get("body") or ""
    if event is not None and event not in REVIEW_EVENTS:
        raise validation_failed(
            {"resource": "PullRequestReview", "code": "invalid", "field": "event"}
        )
    own = login.lower() == pull.user.lower()
    if own and event == "APPROVE":
        raise ApiError(
            422, "Unprocessable Entity", errors=["Can not approve your own pull request"]
        )
    if own and event == "REQUEST_CHANGES":
        raise ApiError(
            422, "Unprocessable Entity", errors=["Can not request changes on your own pull request"]
        )
    # Inline comments ride along ({path, line, body} each); checked before anything is stored.
    lines = data.get("comments") or []
    if not isinstance(lines, list):
        raise validation_failed(
            {"resource": "PullRequestReview", "code": "invalid", "field": "comments"}
        )
    check_line_comments(ctx, pull, lines)
    if event in ("REQUEST_CHANGES", "COMMENT") and not body.strip() and not lines:
        raise ApiError(
            422, "Unprocessable Entity", errors=[f"Body is required for the {event} event"]
        )
    state = REVIEW_EVENTS[event] if event else "PENDING"
    with emu.store.lock:
        review = ReviewRecord(
            id=emu.store.next_id(),
            repo_id=repo.id,
            number=pull.number,
            user=login,
            body=body,
            state=state,
            commit_id=data.get("commit_id") or pull.head_sha,
            submitted_at=now_iso() if event else None,
        )
        emu.store.reviews[review.id] = review
        if event:
            # Submitting a review fulfils a pending review request, as on GitHub.
            pull.requested_reviewers = [
                r for r in pull.requested_reviewers if r.lower() != login.lower()
            ]
            pull.updated_at = now_iso()
        emu.store.mark_dirty()
    if event:
        fields = {
            "review": ctx.render.review(review, webhook=True),
            "pull_request": ctx.render.pull(pull, full=False),
        }
        emu.webhooks.emit(ctx.render, repo, "pull_request_review", "submitted", fields, login)
    add_line_comments(ctx, repo, pull, lines, review.id)
    return review


def request_reviewers(
    ctx: Ctx, repo: RepoRecord, pull: PullRecord, data: dict[str, Any], remove: bool
) -> PullRecord:
    login = ctx.require_login()
    emu = ctx.emu
    if not emu.can(login, repo, "triage"):
        raise ApiError(403, PUSH_DENIED)
    reviewers = data.get("reviewers") or []
    teams = data.get("team_reviewers") or []
    if not isinstance(reviewers, list) or not isinstance(teams, list):
        raise validation_failed(
            {"resource": "PullRequest", "code": "invalid", "field": "reviewers"}
        )
    if not remove:
        if any(r.lower() == pull.user.lower() for r in reviewers):
            raise custom_error(
                "PullRequest", "Review cannot be requested from pull request author."
            )
        allowed = ("OWNER", "MEMBER", "COLLABORATOR")
        unknown = [r for r in reviewers if emu.store.account(r) is None]
        outsiders = [r for r in reviewers if emu.author_association(r, repo) not in allowed]
        owner = emu.store.account(repo.owner)
        known_teams = {t.lower() for t in (owner.teams if owner else [])}
        if unknown or outsiders or any(t.lower() not in known_teams for t in teams):
            raise custom_error(
                "PullRequest",
                "Reviews may only be requested from collaborators. One or more of the users or"
                f" teams you specified is not a collaborator of the {repo.full_name} repository.",
            )
    with emu.store.lock:
        current = list(pull.requested_reviewers)
        for reviewer in reviewers:
            account = emu.store.account(reviewer)
            name = account.login if account else reviewer
            if remove:
                current = [r for r in current if r.lower() != name.lower()]
            elif name.lower() not in (r.lower() for r in current):
                current.append(name)
        pull.requested_reviewers = current
        slugs = [t.lower() for t in teams]
        if remove:
            pull.requested_teams = [t for t in pull.requested_teams if t.lower() not in slugs]
        else:
            pull.requested_teams += [t for t in slugs if t not in pull.requested_teams]
        pull.updated_at = now_iso()
        emu.store.mark_dirty()
    return pull


def _label_names(data: Any) -> list[str]:
    """Labels arrive as a bare array, ``{"labels": [...]}``, names or ``{"name": ...}`` objects."""
    if isinstance(data, dict):
        data = data.get("labels")
    if isinstance(data, str):
        data = [data]
    if not isinstance(data, list):
        raise validation_failed({"resource": "Label", "code": "invalid", "field": "labels"})
    names = []
    for item in data:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise validation_failed({"resource": "Label", "code": "invalid", "field": "name"})
        names.append(name)
    return names


def ensure_label(ctx: Ctx, repo: RepoRecord, name: str) -> LabelRecord:
    """GitHub creates a missing label (grey) when it is added to an issue."""
    store = ctx.emu.store
    with store.lock:
        label = store.label(repo.id, name)
        if label is None:
            label = LabelRecord(id=store.next_id(), repo_id=repo.id, name=name)
            store.labels[label.id] = label
            store.mark_dirty()
        return label


def change_labels(
    ctx: Ctx, repo: RepoRecord, pull: PullRecord, data: Any, *, replace: bool
) -> None:
    """Add (POST) or set (PUT) labels on a pull request's issue."""
    login = ctx.require_login()
    if not ctx.emu.can(login, repo, "triage"):
        raise ApiError(403, PUSH_DENIED)
    names = [] if replace and data in ([], {"labels": []}) else _label_names(data)
    labels = [ensure_label(ctx, repo, n) for n in names]
    store = ctx.emu.store
    with store.lock:
        before = {n.lower() for n in pull.labels}
        current = [] if replace else list(pull.labels)
        for label in labels:
            if label.name.lower() not in (c.lower() for c in current):
                current.append(label.name)
        pull.labels = current
        pull.updated_at = now_iso()
        store.mark_dirty()
    for label in labels:
        if label.name.lower() not in before:
            emit_pull_event(ctx, pull, "labeled", {"label": ctx.render.label(label)})


def remove_label(ctx: Ctx, repo: RepoRecord, pull: PullRecord, name: str | None) -> None:
    login = ctx.require_login()
    if not ctx.emu.can(login, repo, "triage"):
        raise ApiError(403, PUSH_DENIED)
    store = ctx.emu.store
    with store.lock:
        if name is None:
            pull.labels = []
        else:
            kept = [n for n in pull.labels if n.lower() != name.lower()]
            if len(kept) == len(pull.labels):
                raise ApiError(404, "Label does not exist")
            pull.labels = kept
        pull.updated_at = now_iso()
        store.mark_dirty()


def create_comment(
    ctx: Ctx, repo: RepoRecord, pull: PullRecord, data: dict[str, Any]
) -> CommentRecord:
    login = ctx.require_login()
    body = data.get("body")
    if not isinstance(body, str) or not body:
        raise validation_failed(
            {"resource": "IssueComment", "code": "missing_field", "field": "body"}
        )
    store = ctx.emu.store
    with store.lock:
        comment = CommentRecord(
            id=store.next_id(), repo_id=repo.id, number=pull.number, user=login, body=body
        )
        store.comments[comment.id] = comment
        pull.comments += 1
        pull.updated_at = now_iso()
        store.mark_dirty()
    fields = {"issue": ctx.render.issue(pull), "comment": ctx.render.comment(comment)}
    ctx.emu.webhooks.emit(ctx.render, repo, "issue_comment", "created", fields, login)
    return comment
