"""Git data API: refs, blobs, trees, commits."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ghemu.api.common import created, ctx_for, load_repo, paginate
from ghemu.emulator import Emulator
from ghemu.gitstore import GitRepository, Identity, RefConflictError, TreeChange, is_sha
from ghemu.ops import Ctx, after_ref_change, identity_of
from ghemu.routing import ApiError, Request, Response, custom_error, not_found, validation_failed
from ghemu.store import RepoRecord

MODES = {"100644": "blob", "100755": "blob", "040000": "tree", "160000": "commit", "120000": "blob"}


def _readable(
    req: Request, emu: Emulator, owner: str, repo: str
) -> tuple[Ctx, RepoRecord, GitRepository]:
    ctx = ctx_for(req, emu)
    record = load_repo(ctx, owner, repo)
    emu.require_ready(record)
    return ctx, record, emu.git(record)


def _writable(
    req: Request, emu: Emulator, owner: str, repo: str
) -> tuple[Ctx, RepoRecord, GitRepository]:
    ctx, record, git = _readable(req, emu, owner, repo)
    # GitHub answers 404 to writes on a repository one cannot push to.
    emu.require_push(ctx.login, record, hide=True)
    return ctx, record, git


def _full_ref(ref: str) -> str:
    return ref if ref.startswith("refs/") else f"refs/{ref}"


def _ref_body(ctx: Ctx, repo: RepoRecord, ref: str, sha: str, otype: str) -> dict[str, Any]:
    return ctx.render.ref(repo, ref, sha, otype)


def _refs(git: GitRepository, prefix: str) -> list[tuple[str, str, str]]:
    every = git.list_refs("refs/")
    if not every:
        raise ApiError(409, "Git Repository is empty.")
    return [r for r in every if r[0].startswith(prefix)]


# -- refs ---------------------------------------------------------------------------------------


def get_ref(req: Request, emu: Emulator, owner: str, repo: str, ref: str) -> Response:
    """GET git/ref/{ref}: exactly one ref."""
    ctx, record, git = _readable(req, emu, owner, repo)
    full = _full_ref(ref)
    for name, sha, otype in _refs(git, full):
        if name == full:
            return Response(200, _ref_body(ctx, record, name, sha, otype))
    raise not_found()


def get_refs_legacy(req: Request, emu: Emulator, owner: str, repo: str, ref: str) -> Response:
    """GET git/refs/{ref}: the ref itself, or a list of refs below it (GitHub's older behaviour)."""
    ctx, record, git = _readable(req, emu, owner, repo)
    full = _full_ref(ref)
    found = _refs(git, full)
    for name, sha, otype in found:
        if name == full:
            return Response(200, _ref_body(ctx, record, name, sha, otype))
    below = [r for r in found if r[0].startswith(full.rstrip("/") + "/")]
    if not below:
        raise not_found()
    return paginate(req, below, lambda r: _ref_body(ctx, record, *r))


def list_refs(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record, git = _readable(req, emu, owner, repo)
    return paginate(req, _refs(git, "refs/"), lambda r: _ref_body(ctx, record, *r))


def matching_refs(req: Request, emu: Emulator, owner: str, repo: str, ref: str = "") -> Response:
    """GET git/matching-refs/{ref}: refs whose name starts with ``refs/{ref}`` (may be empty)."""
    ctx, record, git = _readable(req, emu, owner, repo)
    return paginate(req, _refs(git, _full_ref(ref)), lambda r: _ref_body(ctx, record, *r))


def create_ref(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record, git = _writable(req, emu, owner, repo)
    data = req.json_object()
    ref, sha = data.get("ref"), data.get("sha")
    for name, value in (("ref", ref), ("sha", sha)):
        if not isinstance(value, str) or not value:
            raise ApiError(422, f'Invalid request.\n\n"{name}" wasn\'t supplied.')
    assert isinstance(ref, str) and isinstance(sha, str)
    if not ref.startswith("refs/") or ref.count("/") < 2 or not git.check_ref_format(ref):
        raise ApiError(422, f"{ref} is not a valid ref name.")
    otype = git.object_type(sha)
    if otype is None:
        raise ApiError(422, "Object does not exist")
    with git.lock:
        if git.read_ref(ref) is not None:
            raise ApiError(422, "Reference already exists")
        try:
            git.update_ref(ref, sha, None)
        except RefConflictError as exc:
            raise ApiError(422, "Reference already exists") from exc
    after_ref_change(ctx, record, ref, sha)
    body = _ref_body(ctx, record, ref, sha, otype)
    return created(body, body["url"])


def update_ref(req: Request, emu: Emulator, owner: str, repo: str, ref: str) -> Response:
    ctx, record, git = _writable(req, emu, owner, repo)
    data = req.json_object()
    sha = data.get("sha")
    if not isinstance(sha, str) or not sha:
        raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    full = _full_ref(ref)
    otype = git.object_type(sha)
    if otype is None:
        raise ApiError(422, "Object does not exist")
    with git.lock:
        current = git.read_ref(full)
        if current is None:
            raise ApiError(422, "Reference does not exist")
        fast_forward = current == sha or (otype == "commit" and git.is_ancestor(current, sha))
        if not data.get("force") and not fast_forward:
            raise ApiError(422, "Update is not a fast forward")
        try:
            git.update_ref(full, sha, current)
        except RefConflictError as exc:
            raise ApiError(422, "Reference cannot be updated") from exc
    after_ref_change(ctx, record, full, sha)
    return Response(200, _ref_body(ctx, record, full, sha, otype))


def delete_ref(req: Request, emu: Emulator, owner: str, repo: str, ref: str) -> Response:
    ctx, record, git = _writable(req, emu, owner, repo)
    full = _full_ref(ref)
    with git.lock:
        current = git.read_ref(full)
        if current is None:
            raise ApiError(422, "Reference does not exist")
        try:
            git.delete_ref(full, current)
        except RefConflictError as exc:
            raise ApiError(422, "Reference cannot be deleted") from exc
    after_ref_change(ctx, record, full, None)
    return Response(204)


# -- blobs --------------------------------------------------------------------------------------


def create_blob(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record, git = _writable(req, emu, owner, repo)
    data = req.json_object()
    content = data.get("content")
    encoding = data.get("encoding") or "utf-8"
    if not isinstance(content, str):
        raise validation_failed({"resource": "Blob", "code": "missing_field", "field": "content"})
    if not isinstance(encoding, str):
        raise validation_failed({"resource": "Blob", "code": "invalid", "field": "encoding"})
    # GitHub documents utf-8 and base64 but stores any other declared encoding as text too.
    if encoding == "base64":
        try:
            raw = base64.b64decode(content)
        except (binascii.Error, ValueError) as exc:
            raise validation_failed(
                {"resource": "Blob", "code": "invalid", "field": "content"}
            ) from exc
    else:
        raw = content.encode()
    sha = git.write_blob(raw)
    url = f"{ctx.render.repo_api(record)}/git/blobs/{sha}"
    return created({"url": url, "sha": sha}, url)


def get_blob(req: Request, emu: Emulator, owner: str, repo: str, sha: str) -> Response:
    ctx, record, git = _readable(req, emu, owner, repo)
    if git.object_type(sha) != "blob":
        raise not_found()
    return Response(200, ctx.render.blob(record, sha, git.read_blob(sha)))


# -- trees --------------------------------------------------------------------------------------


def _tree_changes(git: GitRepository, entries: Any) -> list[TreeChange]:
    """Validate ``tree`` entries; inline ``content`` makes a blob, ``sha: null`` deletes."""
    if not isinstance(entries, list):
        raise ApiError(422, 'Invalid request.\n\n"tree" wasn\'t supplied.')
    changes: list[TreeChange] = []
    to_check: dict[str, str] = {}
    for entry in entries:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("path"), str)
            or not entry["path"]
        ):
            raise validation_failed({"resource": "Tree", "code": "missing_field", "field": "path"})
        path, mode = entry["path"], entry.get("mode", "100644")
        if (
            path.startswith("/")
            or "//" in path
            or any(p in (".", "..", ".git") for p in path.split("/"))
        ):
            raise custom_error("Tree", f"tree.path contains a malformed path component: {path}")
        if mode not in MODES:
            raise validation_failed({"resource": "Tree", "code": "invalid", "field": "mode"})
        otype = entry.get("type") or MODES[mode]
        if "content" in entry and entry.get("sha") is not None:
            raise custom_error("Tree", "Must supply either tree.sha or tree.content, not both")
        if "content" in entry:
            if not isinstance(entry["content"], str):
                raise validation_failed({"resource": "Tree", "code": "invalid", "field": "content"})
            changes.append(
                TreeChange(path, mode, "blob", git.write_blob(entry["content"].encode()))
            )
        elif entry.get("sha") is None:
            if "sha" not in entry:
                raise custom_error("Tree", "Must supply tree.sha or tree.content")
            changes.append(TreeChange(path, mode, otype, None))
        else:
            sha = entry["sha"]
            if not is_sha(sha):
                raise custom_error("Tree", f"tree.sha {sha} is not a valid {otype}")
            changes.append(TreeChange(path, mode, otype, sha))
            if otype != "commit":  # submodule commits live in other repositories
                to_check[sha] = otype
    actual = git.object_types(list(to_check))
    for sha, expected in to_check.items():
        if actual.get(sha) != expected:
            raise custom_error("Tree", f"tree.sha {sha} is not a valid {expected}")
    return changes


def create_tree(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record, git = _writable(req, emu, owner, repo)
    data = req.json_object()
    base_tree = data.get("base_tree")
    entries = data.get("tree") if isinstance(data.get("tree"), list) else []
    inline = sum(
        len(str(e["content"]).encode()) for e in entries if isinstance(e, dict) and e.get("content")
    )
    if inline > emu.config.limits.inline_tree_max_bytes:
        # GitHub gives up on such trees (502 or 422); blobs first, then a tree of SHAs, passes.
        raise ApiError(
            422,
            "Invalid request.\n\nThe tree's inline content is too large; create blobs first.",
        )
    if base_tree is not None and git.object_type(base_tree) != "tree":
        raise custom_error("Tree", "base_tree is not a valid tree oid")
    changes = _tree_changes(git, data.get("tree"))
    sha = git.build_tree(base_tree, changes)
    body = ctx.render.tree(record, sha, git.read_tree(sha))
    return created(body, body["url"])


def _tree_sha(git: GitRepository, value: str) -> str | None:
    """A tree id, or a commit / branch / tag naming one (GitHub accepts either)."""
    if is_sha(value):
        kind = git.object_type(value)
        if kind == "tree":
            return value
        if kind == "commit":
            return git.read_commit(value).tree
        return None
    commit = git.resolve_commit(value)
    return git.read_commit(commit).tree if commit else None


def get_tree(req: Request, emu: Emulator, owner: str, repo: str, sha: str) -> Response:
    ctx, record, git = _readable(req, emu, owner, repo)
    tree = _tree_sha(git, sha)
    if tree is None:
        raise not_found()
    recursive = req.arg("recursive") is not None
    return Response(200, ctx.render.tree(record, tree, git.read_tree(tree, recursive=recursive)))


# -- commits ------------------------------------------------------------------------------------


def _person(data: Any, field: str, fallback: Identity) -> Identity:
    if data is None:
        return fallback
    if not isinstance(data, dict) or not data.get("name") or not data.get("email"):
        raise validation_failed({"resource": "Commit", "code": "invalid", "field": field})
    try:
        return Identity.from_iso(str(data["name"]), str(data["email"]), data.get("date"))
    except ValueError as exc:
        raise validation_failed(
            {"resource": "Commit", "code": "invalid", "field": f"{field}.date"}
        ) from exc


def create_commit(req: Request, emu: Emulator, owner: str, repo: str) -> Response:
    ctx, record, git = _writable(req, emu, owner, repo)
    data = req.json_object()
    message, tree = data.get("message"), data.get("tree")
    for name, value in (("message", message), ("tree", tree)):
        if not isinstance(value, str):
            raise ApiError(422, f'Invalid request.\n\n"{name}" wasn\'t supplied.')
    assert isinstance(message, str) and isinstance(tree, str)
    parents = data.get("parents") or []
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise validation_failed({"resource": "Commit", "code": "invalid", "field": "parents"})
    if git.object_type(tree) != "tree":
        raise ApiError(422, "Tree SHA does not exist")
    kinds = git.object_types(parents)
    if any(kinds.get(p) != "commit" for p in parents):
        raise ApiError(422, "Parent SHA does not exist or is not a commit object")
    assert ctx.login is not None
    committer = _person(data.get("committer"), "committer", identity_of(ctx, ctx.login))
    author = _person(data.get("author"), "author", committer)
    sha = git.write_commit(tree, parents, message, author, committer)
    body = ctx.render.git_commit(record, git.read_commit(sha))
    return created(body, body["url"])


def get_commit(req: Request, emu: Emulator, owner: str, repo: str, sha: str) -> Response:
    ctx, record, git = _readable(req, emu, owner, repo)
    if git.object_type(sha) != "commit":
        raise not_found()
    return Response(200, ctx.render.git_commit(record, git.read_commit(sha)))
