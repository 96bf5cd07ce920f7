"""Consequences of a write: branch moves update pull requests; pull request webhooks."""

from __future__ import annotations

from typing import Any

from ghemu.ops.context import Ctx
from ghemu.store import PullRecord, RepoRecord, now_iso

# -- refs ---------------------------------------------------------------------------------------


def after_ref_change(ctx: Ctx, repo: RepoRecord, ref: str, after: str | None) -> None:
    """Follow a branch move: pushed_at, and open pull requests it is the head of."""
    if not ref.startswith("refs/heads/"):
        return
    branch = ref.removeprefix("refs/heads/")
    store = ctx.emu.store
    with store.lock:
        repo.pushed_at = now_iso()
        store.mark_dirty()
        affected = [
            p
            for p in store.pulls.values()
            if p.state == "open"
            and p.head_repo_id == repo.id
            and p.head_ref == branch
            and after
            and p.head_sha != after
        ]
    for pull in affected:
        base_repo = store.repos[pull.repo_id]
        base_git = ctx.emu.git(base_repo)
        with base_git.lock:
            _update_pull_head_ref(ctx, base_repo, repo, pull, after or pull.head_sha)
        before = pull.head_sha
        with store.lock:
            pull.head_sha = after or pull.head_sha
            pull.updated_at = now_iso()
            store.mark_dirty()
        emit_pull_event(ctx, pull, "synchronize", {"before": before, "after": pull.head_sha})


def _update_pull_head_ref(
    ctx: Ctx, base_repo: RepoRecord, head_repo: RepoRecord, pull: PullRecord, sha: str
) -> None:
    """Keep ``refs/pull/N/head`` in the base repository (and the head's objects with it)."""
    base_git = ctx.emu.git(base_repo)
    target = f"refs/pull/{pull.number}/head"
    if head_repo.id == base_repo.id:
        base_git.run("update-ref", target, sha)
    else:
        base_git.fetch(ctx.emu.git(head_repo), f"refs/heads/{pull.head_ref}", target)


# -- pull requests ------------------------------------------------------------------------------


def emit_pull_event(
    ctx: Ctx, pull: PullRecord, action: str, extra: dict[str, Any] | None = None
) -> None:
    repo = ctx.emu.store.repos[pull.repo_id]
    fields = {"number": pull.number, "pull_request": pull_webhook_body(ctx, pull)}
    fields.update(extra or {})
    ctx.emu.webhooks.emit(ctx.render, repo, "pull_request", action, fields, ctx.login or pull.user)


def pull_webhook_body(ctx: Ctx, pull: PullRecord) -> dict[str, Any]:
    """A pull request as webhooks carry it: the REST shape plus the repository's merge settings."""
    body = ctx.render.pull(pull, full=True)
    body.update(
        {
            "allow_auto_merge": False,
            "allow_update_branch": False,
            "delete_branch_on_merge": False,
            "merge_commit_message": "PR_TITLE",
            "merge_commit_title": "MERGE_MESSAGE",
            "squash_merge_commit_message": "COMMIT_MESSAGES",
            "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
            "use_squash_pr_title_as_default": False,
        }
    )
    return body
