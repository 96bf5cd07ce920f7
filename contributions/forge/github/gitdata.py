"""Git data: branches, refs, trees and commits."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..base import BranchHead, CommitInfo, Identity, TreeListing
from ..errors import PermanentForgeError, TransientForgeError
from .errors import _AlreadyExists
from .transport import GitHubTransport, _iso, _repo_path

# GitHub fails a tree request whose inline contents pass about 2 MB (502 or 422): files above
# the first limit, and any once the inline total would pass the second, are sent as blobs first.
INLINE_FILE_LIMIT = 256 * 1024
INLINE_TREE_LIMIT = 1024 * 1024


class GitData(GitHubTransport):
    """Read branches and trees; write files as one commit; create refs."""

    def branch_head(self, *, repo: str, branch: str) -> BranchHead:
        try:
            _, _, data = self._send(
                "GET", _repo_path(repo, "branches", branch), what=f"read branch {branch} of {repo}"
            )
        except PermanentForgeError as error:
            raise self._unless_fork_settling(repo, error) from error
        commit = data["commit"]
        return BranchHead(commit_sha=commit["sha"], tree_sha=commit["commit"]["tree"]["sha"])

    def get_ref(self, *, repo: str, ref: str) -> str | None:
        status, _, data = self._send(
            "GET",
            _repo_path(repo, "git", "ref") + "/" + urllib.parse.quote(ref),
            what=f"read {ref} of {repo}",
            missing_ok=True,
        )
        if status == 404 or not isinstance(data, dict):
            return None
        return str(data["object"]["sha"])

    def commit_files(
        self,
        *,
        repo: str,
        parent: BranchHead,
        files: Mapping[str, str],
        message: str,
        author: Identity,
        committer: Identity,
        authored_at: datetime,
        committed_at: datetime,
        deletions: tuple[str, ...] = (),
    ) -> str:
        tree: list[dict[str, Any]] = []
        inline = 0
        for path, content in sorted(files.items()):
            size = len(content.encode())
            if size <= INLINE_FILE_LIMIT and inline + size <= INLINE_TREE_LIMIT:
                inline += size
                tree.append({"path": path, "mode": "100644", "type": "blob", "content": content})
            else:
                sha = self._blob(repo, content)
                tree.append({"path": path, "mode": "100644", "type": "blob", "sha": sha})
        # A null sha removes the path from the base tree.
        tree += [
            {"path": path, "mode": "100644", "type": "blob", "sha": None}
            for path in sorted(set(deletions) - set(files))
        ]
        _, _, made = self._send(
            "POST",
            _repo_path(repo, "git", "trees"),
            what=f"write the files to {repo}",
            body={"base_tree": parent.tree_sha, "tree": tree},
            creates=True,
        )
        _, _, commit = self._send(
            "POST",
            _repo_path(repo, "git", "commits"),
            what=f"commit to {repo}",
            body={
                "message": message,
                "tree": made["sha"],
                "parents": [parent.commit_sha],
                "author": {"name": author.name, "email": author.email, "date": _iso(authored_at)},
                "committer": {
                    "name": committer.name,
                    "email": committer.email,
                    "date": _iso(committed_at),
                },
            },
            creates=True,
        )
        return str(commit["sha"])

    def _blob(self, repo: str, content: str) -> str:
        """One file as a git blob (base64, so any bytes pass unchanged); its SHA."""
        _, _, data = self._send(
            "POST",
            _repo_path(repo, "git", "blobs"),
            what=f"write a file to {repo}",
            body={"content": base64.b64encode(content.encode()).decode(), "encoding": "base64"},
            creates=True,
        )
        return str(data["sha"])

    def ensure_ref(self, *, repo: str, ref: str, sha: str) -> str:
        try:
            _, _, data = self._send(
                "POST",
                _repo_path(repo, "git", "refs"),
                what=f"create {ref} in {repo}",
                body={"ref": f"refs/{ref}", "sha": sha},
                creates=True,
                exists_ok=True,
            )
        except _AlreadyExists:
            existing = self.get_ref(repo=repo, ref=ref)
            if existing is None:
                raise TransientForgeError(f"{ref} in {repo} exists and vanished again.") from None
            return existing
        return str(data["object"]["sha"])

    def read_commit(self, *, repo: str, sha: str) -> CommitInfo:
        _, _, data = self._send(
            "GET", _repo_path(repo, "git", "commits", sha), what=f"read commit {sha[:12]}"
        )
        return CommitInfo(
            sha=str(data["sha"]),
            message=str(data.get("message") or ""),
            tree_sha=str((data.get("tree") or {}).get("sha", "")),
            parents=tuple(str(p["sha"]) for p in data.get("parents") or []),
        )

    def move_branch(self, *, repo: str, branch: str, sha: str, force: bool = False) -> str:
        _, _, data = self._send(
            "PATCH",
            _repo_path(repo, "git", "refs", "heads") + "/" + urllib.parse.quote(branch),
            what=f"move branch {branch} of {repo}",
            body={"sha": sha, "force": force},
        )
        return str(data["object"]["sha"])

    def file_sha(self, *, repo: str, ref: str, path: str) -> str | None:
        status, _, data = self._send(
            "GET",
            _repo_path(repo, "contents") + "/" + urllib.parse.quote(path),
            what=f"look for {path} in {repo}",
            params={"ref": ref},
            missing_ok=True,
        )
        if status == 404 or not isinstance(data, dict):
            return None
        return str(data.get("sha") or "") or None

    def list_tree(self, *, repo: str, branch: str, known_commit: str = "") -> TreeListing | None:
        head = self.branch_head(repo=repo, branch=branch)
        if known_commit and head.commit_sha == known_commit:
            return None
        _, _, data = self._send(
            "GET",
            _repo_path(repo, "git", "trees", head.tree_sha),
            what=f"read the tree of {repo}",
            params={"recursive": 1},
        )
        entries = list(data.get("tree") or [])
        if data.get("truncated"):
            entries = self._walk_tree(repo, head.tree_sha)
        files = frozenset(e["path"] for e in entries if e.get("type") == "blob")
        folders = frozenset(e["path"] for e in entries if e.get("type") == "tree")
        qna_blobs = {
            e["path"]: e["sha"]
            for e in entries
            if e.get("type") == "blob" and e["path"].rsplit("/", 1)[-1] == "qna.yaml"
        }
        return TreeListing(
            commit_sha=head.commit_sha, files=files, folders=folders, qna_blobs=qna_blobs
        )

    def read_blob(self, *, repo: str, sha: str) -> bytes:
        _, _, data = self._send(
            "GET", _repo_path(repo, "git", "blobs", sha), what=f"read a file of {repo}"
        )
        content = str(data.get("content") or "")
        if data.get("encoding") == "base64":
            return base64.b64decode(content)
        return content.encode("utf-8")

    def _walk_tree(self, repo: str, tree_sha: str, prefix: str = "") -> list[dict[str, Any]]:
        """Folder by folder, for trees too big for one recursive answer."""
        _, _, data = self._send(
            "GET", _repo_path(repo, "git", "trees", tree_sha), what=f"read the tree of {repo}"
        )
        found = []
        for entry in data.get("tree") or []:
            path = f"{prefix}{entry['path']}"
            found.append({**entry, "path": path})
            if entry.get("type") == "tree":
                found += self._walk_tree(repo, entry["sha"], f"{path}/")
        return found
