"""Repository-level writes: forks, syncing a fork with upstream, the contents API."""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from ghemu.gitstore import GitError, GitRepository, Identity, RefConflictError, TreeChange
from ghemu.ops.context import Ctx, identity_of
from ghemu.ops.events import after_ref_change
from ghemu.ops.pulls import network_root
from ghemu.routing import ApiError, not_found, validation_failed
from ghemu.store import RepoRecord

# -- forks --------------------------------------------------------------------------------------

UPSTREAM_DOCS = (
    "https://docs.github.com/rest/branches/branches#sync-a-fork-branch-with-the-upstream-repository"
)


def fork_repo(ctx: Ctx, source: RepoRecord, data: dict[str, Any]) -> RepoRecord:
    """POST /forks: 202 with the fork, also when it exists (GitHub returns the existing one)."""
    login = ctx.require_login()
    emu = ctx.emu
    owner = data.get("organization") or login
    org = emu.store.account(owner)
    if data.get("organization"):
        if org is None or org.type != "Organization":
            raise validation_failed(
                {"resource": "Fork", "code": "invalid", "field": "organization"}
            )
        if login.lower() not in (m.lower() for m in org.members):
            raise ApiError(403, "You must be a member of the organization to fork into it")
    owner = org.login if org else owner
    if owner.lower() == source.owner.lower():
        return source
    name = data.get("name") or source.name
    root = network_root(source)
    with emu.store.lock:
        for repo in emu.store.repos.values():
            if repo.owner.lower() == owner.lower() and repo.fork and network_root(repo) == root:
                return repo  # one fork per owner and network
        candidate, suffix = name, 0
        while emu.store.repo_by_name(owner, candidate) is not None:
            suffix += 1
            candidate = f"{name}-{suffix}"
        fork = RepoRecord(
            id=emu.store.next_id(),
            owner=owner,
            name=candidate,
            default_branch=source.default_branch,
            description=source.description,
            fork=True,
            parent=source.full_name,
            source=root,
            ready_at=time.time() + emu.config.limits.fork_ready_delay
            if emu.config.limits.fork_ready_delay
            else 0.0,
        )
        branches = [source.default_branch] if data.get("default_branch_only") else None
        GitRepository.clone_shared(emu.git(source), emu.git_dir(fork), branches)
        emu.store.repos[fork.id] = fork
        emu.store.mark_dirty()
        return fork


def merge_upstream(ctx: Ctx, fork: RepoRecord, data: dict[str, Any]) -> dict[str, Any]:
    """POST /merge-upstream: fast-forward (or merge) a fork branch from its parent's same branch."""
    login = ctx.require_login()
    emu = ctx.emu
    emu.require_push(login, fork, hide=False)
    branch = data.get("branch")
    if not isinstance(branch, str) or not branch:
        raise validation_failed(
            {"resource": "Repository", "code": "missing_field", "field": "branch"}
        )
    parent = emu.find_repo(fork.parent)
    if parent is None:
        raise ApiError(422, "This repository is not a fork", documentation_url=UPSTREAM_DOCS)
    git = emu.git(fork)
    upstream = emu.git(parent).read_ref(f"refs/heads/{branch}")
    label = f"{parent.owner}:{branch}"
    ref = f"refs/heads/{branch}"
    with git.lock:
        local = git.read_ref(ref)
        if local is None or upstream is None:
            raise ApiError(404, "Branch not found", documentation_url=UPSTREAM_DOCS)
        if local == upstream or git.is_ancestor(upstream, local):
            return {
                "message": f"This branch is not behind the upstream {label}.",
                "merge_type": "none",
                "base_branch": label,
            }
        if git.is_ancestor(local, upstream):
            git.update_ref(ref, upstream, local)
            result = {
                "message": f"Successfully fetched and fast-forwarded from upstream {label}.",
                "merge_type": "fast-forward",
                "base_branch": label,
            }
            new = upstream
        else:
            tree = git.merge_trees(local, upstream)
            if tree is None:
                raise ApiError(409, "There are merge conflicts", documentation_url=UPSTREAM_DOCS)
            who = identity_of(ctx, login)
            message = (
                f"Merge branch '{branch}' of {ctx.render.web}/{parent.full_name} into {branch}"
            )
            new = git.write_commit(tree, [local, upstream], message, who, who)
            git.update_ref(ref, new, local)
            result = {
                "message": f"Successfully fetched and merged from upstream {label}.",
                "merge_type": "merge",
                "base_branch": label,
            }
    after_ref_change(ctx, fork, ref, new)
    return result


# -- contents API -------------------------------------------------------------------------------


def _person(ctx: Ctx, data: Any, fallback: Identity) -> Identity:
    if not isinstance(data, dict):
        return fallback
    if not data.get("name") or not data.get("email"):
        raise validation_failed({"resource": "Commit", "code": "missing_field", "field": "name"})
    return Identity.from_iso(str(data["name"]), str(data["email"]), data.get("date"))


def write_file(
    ctx: Ctx, repo: RepoRecord, path: str, data: dict[str, Any], *, delete: bool
) -> tuple[int, dict[str, Any]]:
    """PUT (create/update) or DELETE one file on a branch: one commit per call, as on GitHub."""
    login = ctx.require_login()
    emu = ctx.emu
    emu.require_push(login, repo, hide=True)
    emu.require_ready(repo)
    path = path.strip("/")
    if not path:
        raise not_found()
    message = data.get("message")
    if not isinstance(message, str) or not message:
        raise ApiError(422, 'Invalid request.\n\n"message" wasn\'t supplied.')
    content = b""
    if not delete:
        if not isinstance(data.get("content"), str):
            raise ApiError(422, 'Invalid request.\n\n"content" wasn\'t supplied.')
        try:
            content = base64.b64decode(data["content"], validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(422, "content is not valid Base64") from exc
    branch = data.get("branch") or repo.default_branch
    committer = _person(ctx, data.get("committer"), identity_of(ctx, login))
    author = _person(ctx, data.get("author"), committer)
    git = emu.git(repo)
    ref = f"refs/heads/{branch}"
    with git.lock:
        tip = git.read_ref(ref)
        if tip is None and (git.list_refs("refs/heads/") or delete):
            raise ApiError(404, f"Branch {branch} not found")
        existing = git.entry_at(tip, path) if tip else None
        if existing is not None and existing.type != "blob":
            raise ApiError(422, f"path {path} is a directory")
        if delete and existing is None:
            raise not_found()
        if existing is not None and not data.get("sha"):
            raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
        if existing is not None and data.get("sha") != existing.sha:
            raise ApiError(409, f"{path} does not match {data.get('sha')}")
        base_tree = git.read_commit(tip).tree if tip else None
        blob = None if delete else git.write_blob(content)
        tree = git.build_tree(base_tree, [TreeChange(path, "100644", "blob", blob)])
        sha = git.write_commit(tree, [tip] if tip else [], message, author, committer)
        try:
            git.update_ref(ref, sha, tip)
        except RefConflictError as exc:
            raise ApiError(409, f"{branch} moved; retry the request") from exc
    after_ref_change(ctx, repo, ref, sha)
    commit_body = ctx.render.git_commit(repo, git.read_commit(sha))
    content_body = None
    if not delete:
        entry = git.entry_at(sha, path)
        if entry is None:
            raise GitError(f"{path} missing after commit")
        content_body = ctx.render.content_entry(repo, branch, entry)
    status = 200 if delete or existing is not None else 201
    return status, {"content": content_body, "commit": commit_body}
