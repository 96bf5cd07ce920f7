"""Pull requests: create (with GitHub's validations), update, close/reopen, merge."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from ghemu.emulator import PUSH_DENIED
from ghemu.gitstore import GitRepository, Identity, RefConflictError
from ghemu.ops.context import Ctx, identity_of, web_flow_identity
from ghemu.ops.events import after_ref_change, emit_pull_event
from ghemu.routing import ApiError, custom_error, validation_failed
from ghemu.store import PullRecord, RepoRecord, now_iso

PULLS_DOCS = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request"
MERGE_DOCS = "https://docs.github.com/rest/pulls/pulls#merge-a-pull-request"


def network_root(repo: RepoRecord) -> str:
    return repo.source or repo.full_name


def resolve_head(
    ctx: Ctx, base_repo: RepoRecord, head: str, head_repo_name: str | None
) -> tuple[RepoRecord, str]:
    """``BRANCH`` or ``OWNER:BRANCH`` (and ``head_repo``) to a repository of the fork network."""
    owner, _, branch = head.rpartition(":")
    owner = owner or base_repo.owner
    invalid = validation_failed(
        {"resource": "PullRequest", "field": "head", "code": "invalid"},
        documentation_url=PULLS_DOCS,
    )
    if not branch:
        raise invalid
    if head_repo_name:
        if "/" in head_repo_name:  # "owner/name" names the owner too
            owner, head_repo_name = head_repo_name.split("/", 1)
        candidate = ctx.emu.store.repo_by_name(owner, head_repo_name)
        candidates = [candidate] if candidate else []
    elif owner.lower() == base_repo.owner.lower():
        candidates = [base_repo]
    else:
        candidates = [
            r
            for r in ctx.emu.store.repos.values()
            if r.owner.lower() == owner.lower() and network_root(r) == network_root(base_repo)
        ]
    candidates = [r for r in candidates if network_root(r) == network_root(base_repo)]
    if not candidates:
        raise invalid
    return sorted(candidates, key=lambda r: r.id)[0], branch


def open_duplicate(
    ctx: Ctx, base_repo: RepoRecord, head_repo: RepoRecord, head_ref: str, base_ref: str
) -> PullRecord | None:
    for pull in ctx.emu.store.pulls_of(base_repo.id):
        same_head = pull.head_repo_id == head_repo.id and pull.head_ref == head_ref
        if pull.state == "open" and same_head and pull.base_ref == base_ref:
            return pull
    return None


def create_pull(ctx: Ctx, base_repo: RepoRecord, data: dict[str, Any]) -> PullRecord:
    """POST /pulls with GitHub's validations and texts ("A pull request already exists ...")."""
    login = ctx.require_login()
    emu = ctx.emu
    if data.get("issue") is not None:
        raise custom_error(
            "PullRequest", "Converting an issue is not supported by the emulator", PULLS_DOCS
        )
    missing = [f for f in ("head", "base") if not isinstance(data.get(f), str) or not data.get(f)]
    if not data.get("title"):
        missing.insert(0, "title")
    if missing:
        raise validation_failed(
            *({"resource": "PullRequest", "code": "missing_field", "field": f} for f in missing),
            documentation_url=PULLS_DOCS,
        )
    base_ref = data["base"]
    head_repo, head_ref = resolve_head(ctx, base_repo, data["head"], data.get("head_repo"))
    head_label = f"{head_repo.owner}:{head_ref}"
    duplicate_error = custom_error(
        "PullRequest", f"A pull request already exists for {head_label}.", PULLS_DOCS
    )
    if open_duplicate(ctx, base_repo, head_repo, head_ref, base_ref):
        raise duplicate_error
    base_git = emu.git(base_repo)
    head_git = emu.git(head_repo)
    base_sha = base_git.read_ref(f"refs/heads/{base_ref}")
    if base_sha is None:
        raise validation_failed(
            {"resource": "PullRequest", "field": "base", "code": "invalid"},
            documentation_url=PULLS_DOCS,
        )
    head_sha = head_git.read_ref(f"refs/heads/{head_ref}")
    if head_sha is None:
        raise validation_failed(
            {"resource": "PullRequest", "field": "head", "code": "invalid"},
            documentation_url=PULLS_DOCS,
        )
    with base_git.lock:
        number = base_repo.next_number
        pull_ref = f"refs/pull/{number}/head"
        if head_repo.id != base_repo.id:
            base_git.fetch(head_git, f"refs/heads/{head_ref}", pull_ref)
            head_sha = base_git.read_ref(pull_ref) or head_sha
        if base_git.count_commits(f"{base_sha}..{head_sha}") == 0:
            if head_repo.id != base_repo.id:
                base_git.run("update-ref", "-d", pull_ref)
            raise custom_error(
                "PullRequest", f"No commits between {base_ref} and {head_ref}", PULLS_DOCS
            )
        with emu.store.lock:
            if open_duplicate(ctx, base_repo, head_repo, head_ref, base_ref):
                raise duplicate_error
            base_repo.next_number = number + 1
            pull = PullRecord(
                id=emu.store.next_id(),
                repo_id=base_repo.id,
                number=number,
                title=str(data["title"]),
                body=data.get("body"),
                user=login,
                head_repo_id=head_repo.id,
                head_ref=head_ref,
                head_sha=head_sha,
                base_ref=base_ref,
                base_sha=base_sha,
                draft=bool(data.get("draft", False)),
                maintainer_can_modify=bool(data.get("maintainer_can_modify", False)),
            )
            emu.store.pulls[pull.id] = pull
            emu.store.mark_dirty()
        if head_repo.id == base_repo.id:
            base_git.run("update-ref", pull_ref, head_sha)
    emit_pull_event(ctx, pull, "opened")
    return pull


def _require_pull_editor(ctx: Ctx, repo: RepoRecord, pull: PullRecord) -> str:
    login = ctx.require_login()
    if login.lower() != pull.user.lower() and not ctx.emu.can(login, repo, "triage"):
        raise ApiError(403, PUSH_DENIED)
    return login


def update_pull(ctx: Ctx, repo: RepoRecord, pull: PullRecord, data: dict[str, Any]) -> PullRecord:
    """PATCH a pull request: title, body, base, maintainer_can_modify, state (close / reopen)."""
    _require_pull_editor(ctx, repo, pull)
    emu = ctx.emu
    state = data.get("state")
    if state is not None and state not in ("open", "closed"):
        raise validation_failed({"resource": "PullRequest", "code": "invalid", "field": "state"})
    if "base" in data and emu.git(repo).read_ref(f"refs/heads/{data['base']}") is None:
        raise validation_failed({"resource": "PullRequest", "code": "invalid", "field": "base"})
    changes: dict[str, Any] = {}
    action = None
    with emu.store.lock:
        for key in ("title", "body"):
            if key in data and data[key] != getattr(pull, key):
                changes[key] = {"from": getattr(pull, key)}
                setattr(pull, key, data[key])
        if "base" in data and data["base"] != pull.base_ref:
            changes["base"] = {"ref": {"from": pull.base_ref}, "sha": {"from": pull.base_sha}}
            pull.base_ref = data["base"]
        if "maintainer_can_modify" in data:
            pull.maintainer_can_modify = bool(data["maintainer_can_modify"])
        if state == "closed" and pull.state == "open":
            pull.base_sha = emu.current_base_sha(pull)
            pull.state = "closed"
            pull.closed_at = now_iso()
            action = "closed"
        elif state == "open" and pull.state == "closed":
            if pull.merged_at:
                raise custom_error(
                    "PullRequest", "state cannot be changed. The pull request has been merged."
                )
            head_repo = emu.store.repos[pull.head_repo_id]
            if emu.git(head_repo).read_ref(f"refs/heads/{pull.head_ref}") is None:
                raise custom_error(
                    "PullRequest",
                    f"state cannot be changed. The {pull.head_ref} branch has been deleted.",
                )
            if open_duplicate(ctx, repo, head_repo, pull.head_ref, pull.base_ref):
                raise custom_error(
                    "PullRequest",
                    f"A pull request already exists for {head_repo.owner}:{pull.head_ref}.",
                )
            pull.state = "open"
            pull.closed_at = None
            action = "reopened"
        pull.updated_at = now_iso()
        emu.store.mark_dirty()
    if changes:
        emit_pull_event(ctx, pull, "edited", {"changes": changes})
    if action:
        emit_pull_event(ctx, pull, action)
    return pull


def merge_pull(
    ctx: Ctx, repo: RepoRecord, pull: PullRecord, data: dict[str, Any]
) -> dict[str, Any]:
    """PUT /merge with merge, squash or rebase; closes the pull and sends ``closed`` (merged)."""
    login = ctx.require_login()
    emu = ctx.emu
    if not emu.can(login, repo, "write"):
        raise ApiError(403, PUSH_DENIED, documentation_url=MERGE_DOCS)
    if pull.state != "open":
        raise ApiError(405, "Pull Request is not mergeable", documentation_url=MERGE_DOCS)
    if data.get("sha") and data["sha"] != pull.head_sha:
        raise ApiError(
            409,
            "Head branch was modified. Review and try the merge again.",
            documentation_url=MERGE_DOCS,
        )
    method = data.get("merge_method") or "merge"
    if method not in ("merge", "squash", "rebase"):
        raise validation_failed(
            {"resource": "PullRequest", "code": "invalid", "field": "merge_method"}
        )
    git = emu.git(repo)
    head_repo = emu.store.repos[pull.head_repo_id]
    merger = identity_of(ctx, login)
    with git.lock:
        base_ref = f"refs/heads/{pull.base_ref}"
        base_sha = git.read_ref(base_ref)
        if base_sha is None:
            raise ApiError(405, "Base branch was deleted", documentation_url=MERGE_DOCS)
        new_sha = _merge_commit(ctx, git, pull, head_repo, method, base_sha, merger, data)
        if new_sha is None:
            raise ApiError(405, "Pull Request is not mergeable", documentation_url=MERGE_DOCS)
        try:
            git.update_ref(base_ref, new_sha, base_sha)
        except RefConflictError as exc:
            raise ApiError(
                409, "Base branch was modified. Review and try the merge again."
            ) from exc
        with emu.store.lock:
            pull.base_sha = base_sha
            pull.state = "closed"
            pull.closed_at = pull.merged_at = now_iso()
            pull.updated_at = pull.merged_at
            pull.merged_by = login
            pull.merge_commit_sha = new_sha
            emu.store.mark_dirty()
    after_ref_change(ctx, repo, base_ref, new_sha)
    emit_pull_event(ctx, pull, "closed")
    return {"sha": new_sha, "merged": True, "message": "Pull Request successfully merged"}


def _merge_commit(
    ctx: Ctx,
    git: GitRepository,
    pull: PullRecord,
    head_repo: RepoRecord,
    method: str,
    base_sha: str,
    merger: Identity,
    data: dict[str, Any],
) -> str | None:
    """Write the commit a merge method produces on top of ``base_sha``; None when it conflicts."""
    head = pull.head_sha
    if method == "rebase":
        current = base_sha
        for sha in git.rev_list(f"{base_sha}..{head}", reverse=True):
            commit = git.read_commit(sha)
            if len(commit.parents) > 1:
                return None  # GitHub refuses to rebase merge commits too
            tree = _replay_tree(git, commit.parents[0] if commit.parents else None, current, sha)
            if tree is None:
                return None
            current = git.write_commit(
                tree, [current], commit.message, commit.author, web_flow_identity()
            )
        return current
    tree = git.merge_trees(base_sha, head)
    if tree is None:
        return None
    if method == "squash":
        title = data.get("commit_title") or f"{pull.title} (#{pull.number})"
        subjects = [
            (git.read_commit(sha).message.splitlines() or [""])[0]
            for sha in git.rev_list(f"{base_sha}..{head}", reverse=True)
        ]
        default = "\n".join(f"* {subject}" for subject in subjects)
        message = f"{title}\n\n{data.get('commit_message', default)}".rstrip("\n")
        author = identity_of(ctx, pull.user)
        return git.write_commit(tree, [base_sha], message, author, web_flow_identity())
    title = (
        data.get("commit_title")
        or f"Merge pull request #{pull.number} from {head_repo.owner}/{pull.head_ref}"
    )
    message = f"{title}\n\n{data.get('commit_message', pull.title)}".rstrip("\n")
    return git.write_commit(tree, [base_sha, head], message, merger, web_flow_identity())


def _replay_tree(git: GitRepository, parent: str | None, onto: str, commit: str) -> str | None:
    """Tree of ``commit``'s change applied onto ``onto`` (file-level three-way merge only)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        base = parent or "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        code, _ = git.run(
            "read-tree", "-m", "-i", "--aggressive", base, onto, commit, env=env, ok_codes=(0, 128)
        )
        if code != 0:
            return None
        code, out = git.run("write-tree", env=env, ok_codes=(0, 128))
        return out.decode().strip() if code == 0 else None
