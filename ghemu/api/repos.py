"""Repositories: the repository itself, branches, commits, contents, forks and fork syncing."""

from __future__ import annotations

import dataclasses

from ghemu import ops
from ghemu.api.common import ctx_for, load_repo, paginate
from ghemu.emulator import Emulator
from ghemu.routing import ApiError, Request, Response, not_found


def get_repo(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    return Response(200, ctx.render.repo(record, full=True, viewer=ctx.login))


def list_branches(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    emu.require_ready(record)
    api = ctx.render.repo_api(record)
    refs = emu.git(record).list_refs("refs/heads/")

    def render(row: tuple[str, str, str]) -> dict[str, object]:
        name = row[0].removeprefix("refs/heads/")
        return {
            "name": name,
            "commit": {"sha": row[1], "url": f"{api}/commits/{row[1]}"},
            "protected": False,
        }

    return paginate(req, refs, render)


def get_branch(req: Request, emu: Emulator, owner: str, repo: str, branch: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    emu.require_ready(record, branch=True)
    git = emu.git(record)
    sha = git.read_ref(f"refs/heads/{branch}")
    if sha is None:
        raise ApiError(404, "Branch not found")
    return Response(200, ctx.render.branch(record, branch, git.read_commit(sha)))


def list_commits(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    """GET commits?sha=&path=: history of a branch (default branch when absent)."""
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    emu.require_ready(record)
    git = emu.git(record)
    start = git.resolve_commit(req.arg("sha") or record.default_branch)
    if start is None:
        if not git.list_refs("refs/heads/"):
            raise ApiError(409, "Git Repository is empty.")
        raise not_found()
    path = req.arg("path")
    revs = [start, "--", path] if path else [start]
    shas = git.run("rev-list", *revs)[1].decode().split()
    return paginate(req, shas, lambda sha: ctx.render.commit(record, git.read_commit(sha)))


def get_repo_commit(req: Request, emu: Emulator, owner: str, repo: str, ref: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    git = emu.git(record)
    sha = git.resolve_commit(ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    commit = git.read_commit(sha)
    parent = commit.parents[0] if commit.parents else "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    return Response(200, ctx.render.commit(record, commit, files=git.diff(parent, sha)))


def get_contents(req: Request, emu: Emulator, owner: str, repo: str, path: str = "") -> Response:
    """A file (with base64 content) or a directory listing, at ``ref`` (default branch)."""
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    emu.require_ready(record)
    git = emu.git(record)
    ref = req.arg("ref") or record.default_branch
    if not git.list_refs("refs/heads/"):
        raise ApiError(404, "This repository is empty.")
    commit = git.resolve_commit(ref)
    if commit is None:
        raise ApiError(404, f"No commit found for the ref {ref}")
    entry = git.entry_at(commit, path)
    if entry is None:
        raise not_found()
    if entry.type == "tree":
        items = []
        for child in git.read_tree(entry.sha):
            child_path = f"{entry.path}/{child.path}" if entry.path else child.path
            items.append(
                ctx.render.content_entry(record, ref, dataclasses.replace(child, path=child_path))
            )
        return Response(200, items)
    data = git.read_blob(entry.sha)
    if ".raw" in req.headers.get("accept", ""):
        return Response(200, data, {"content-type": "application/vnd.github.raw; charset=utf-8"})
    return Response(200, ctx.render.content_entry(record, ref, entry, data))


def get_readme(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    git = emu.git(record)
    ref = req.arg("ref") or record.default_branch
    commit = git.resolve_commit(ref)
    if commit is None:
        raise not_found()
    for entry in git.read_tree(git.read_commit(commit).tree):
        if entry.type == "blob" and entry.path.lower().startswith("readme"):
            return Response(
                200, ctx.render.content_entry(record, ref, entry, git.read_blob(entry.sha))
            )
    raise not_found()


def put_contents(req: Request, emu: Emulator, owner: str, repo: str, path: str = "") -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    status, body = ops.write_file(ctx, record, path, req.json_object(), delete=False)
    return Response(status, body)


def delete_contents(req: Request, emu: Emulator, owner: str, repo: str, path: str = "") -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    status, body = ops.write_file(ctx, record, path, req.json_object(), delete=True)
    return Response(status, body)


def create_fork(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    fork = ops.fork_repo(ctx, record, req.json_object())
    return Response(202, ctx.render.repo(fork, full=True, viewer=ctx.login))


def list_forks(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    forks = sorted(
        (r for r in emu.store.repos.values() if r.parent == record.full_name), key=lambda r: -r.id
    )
    return paginate(req, forks, lambda r: ctx.render.repo(r, full=False))


def merge_upstream(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    emu.require_ready(record, branch=True)
    return Response(200, ops.merge_upstream(ctx, record, req.json_object()))
