"""Bare git repositories on disk, driven through the git CLI.

Everything the REST layer needs from git goes through :class:`GitRepository`; nothing else runs git.
Reads need no lock (git's object store and refs are safe to read concurrently); writes that move
refs take the repository's lock so a read-check-update sequence (fast-forward checks, merges) is
atomic.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_SHA_RE = re.compile(r"^[0-9a-f]{40}$")

# Isolate git from the machine's configuration: hooks, signing and defaults must not vary.
_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


class GitError(Exception):
    """A git command failed or its input was rejected."""


class RefConflictError(GitError):
    """A ref was not at the expected value (it was created, moved or deleted concurrently)."""


def is_sha(value: object) -> bool:
    """True for a full lowercase hex object id."""
    return isinstance(value, str) and bool(_SHA_RE.match(value))


@dataclass(frozen=True)
class Identity:
    """An author or committer line of a commit."""

    name: str
    email: str
    timestamp: int
    offset: str = "+0000"

    @classmethod
    def now(cls, name: str, email: str) -> Identity:
        return cls(name=name, email=email, timestamp=int(datetime.now(UTC).timestamp()))

    @classmethod
    def from_iso(cls, name: str, email: str, date: str | None) -> Identity:
        """Build from GitHub's ISO 8601 ``date`` (the current time when absent)."""
        if not date:
            return cls.now(name, email)
        parsed = datetime.fromisoformat(date.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return cls(name=name, email=email, timestamp=int(parsed.timestamp()))

    def iso(self) -> str:
        """The date as GitHub prints it (UTC, ``Z`` suffix)."""
        return datetime.fromtimestamp(self.timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def git_date(self) -> str:
        return f"@{self.timestamp} {self.offset}"


@dataclass(frozen=True)
class CommitObject:
    """A parsed commit object."""

    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Identity
    committer: Identity
    message: str


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a tree listing; ``path`` is relative to the listed tree."""

    mode: str
    type: str
    sha: str
    path: str
    size: int | None = None


@dataclass(frozen=True)
class TreeChange:
    """A change for :meth:`GitRepository.build_tree`; ``sha`` None deletes ``path``."""

    path: str
    mode: str = "100644"
    type: str = "blob"
    sha: str | None = None


@dataclass(frozen=True)
class FileDiff:
    """One changed file between two commits."""

    path: str
    status: str  # added, removed, modified, renamed
    additions: int
    deletions: int
    previous_path: str | None = None


@dataclass
class _Dir:
    """A directory being edited by build_tree; loaded from git on first touch."""

    sha: str | None
    entries: dict[str, tuple[str, str, str] | _Dir] = field(default_factory=dict)
    loaded: bool = False
    dirty: bool = False


_IDENTITY_RE = re.compile(r"^(?P<name>.*) <(?P<email>[^>]*)> (?P<ts>-?\d+) (?P<tz>[+-]\d{4})$")


def _parse_identity(text: str) -> Identity:
    match = _IDENTITY_RE.match(text)
    if not match:
        raise GitError(f"unparsable identity line: {text!r}")
    return Identity(match["name"], match["email"], int(match["ts"]), match["tz"])


class GitRepository:
    """One bare repository; ``lock`` serialises ref-moving writes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock = threading.RLock()

    # -- plumbing -------------------------------------------------------------------------------

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        ok_codes: tuple[int, ...] = (0,),
    ) -> tuple[int, bytes]:
        """Run ``git -C <repo> args``; raise GitError unless the exit code is in ``ok_codes``."""
        full_env = {**os.environ, **_GIT_ENV, **(env or {})}
        proc = subprocess.run(
            ["git", "-C", str(self.path), *args],
            input=input,
            capture_output=True,
            env=full_env,
            check=False,
        )
        if proc.returncode not in ok_codes:
            raise GitError(
                f"git {' '.join(args)} failed ({proc.returncode}): "
                f"{proc.stderr.decode(errors='replace')}"
            )
        return proc.returncode, proc.stdout

    def _out(
        self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None
    ) -> str:
        return self.run(*args, input=input, env=env)[1].decode().strip()

    @classmethod
    def init_bare(cls, path: Path, default_branch: str) -> GitRepository:
        """Create an empty bare repository whose HEAD names ``default_branch``."""
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.run("init", "--quiet", "--bare", f"--initial-branch={default_branch}")
        # Keep every object: GitHub never loses a commit that an API answer pointed to.
        repo.run("config", "gc.auto", "0")
        # Local fetches between forks must accept any object id a PR head points to.
        repo.run("config", "uploadpack.allowAnySHA1InWant", "true")
        return repo

    @classmethod
    def clone_shared(
        cls, source: GitRepository, path: Path, branches: list[str] | None
    ) -> GitRepository:
        """Fork ``source``; objects are shared through alternates, as GitHub forks share storage."""
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "clone", "--quiet", "--bare", "--shared", str(source.path), str(path)],
            capture_output=True,
            env={**os.environ, **_GIT_ENV},
            check=True,
        )
        repo = cls(path)
        repo.run("config", "gc.auto", "0")
        repo.run("config", "uploadpack.allowAnySHA1InWant", "true")
        repo.run("remote", "remove", "origin")
        if branches is not None:
            for ref, _sha, _type in repo.list_refs("refs/heads/"):
                if ref.removeprefix("refs/heads/") not in branches:
                    repo.run("update-ref", "-d", ref)
        return repo

    # -- objects --------------------------------------------------------------------------------

    def object_types(self, shas: list[str]) -> dict[str, str | None]:
        """Type of each object id (None when missing), in one git call."""
        if not shas:
            return {}
        data = "".join(f"{sha}\n" for sha in shas).encode()
        out = self.run("cat-file", "--batch-check", input=data)[1].decode()
        result: dict[str, str | None] = {}
        for sha, line in zip(shas, out.splitlines(), strict=True):
            parts = line.split()
            result[sha] = parts[1] if len(parts) == 3 else None
        return result

    def object_type(self, sha: str) -> str | None:
        if not is_sha(sha):
            return None
        return self.object_types([sha])[sha]

    def write_blob(self, data: bytes) -> str:
        return self._out("hash-object", "-w", "--stdin", input=data)

    def read_blob(self, sha: str) -> bytes:
        return self.run("cat-file", "blob", sha)[1]

    def read_tree(self, sha: str, recursive: bool = False) -> list[TreeEntry]:
        """List a tree; ``recursive`` adds sub-trees and their contents (GitHub's recursive=1)."""
        args = ["ls-tree", "-z", "-l"]
        if recursive:
            args += ["-r", "-t"]
        out = self.run(*args, sha)[1].decode()
        entries = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, path = record.split("\t", 1)
            mode, otype, osha, size = meta.split()
            entries.append(TreeEntry(mode, otype, osha, path, None if size == "-" else int(size)))
        return entries

    def write_tree(self, entries: list[tuple[str, str, str, str]]) -> str:
        """Write one tree level from ``(mode, type, sha, name)`` tuples (ids already validated)."""
        data = "".join(f"{mode} {otype} {sha}\t{name}\0" for mode, otype, sha, name in entries)
        return self._out("mktree", "-z", "--missing", input=data.encode())

    def build_tree(self, base_tree: str | None, changes: list[TreeChange]) -> str:
        """Apply ``changes`` (nested paths allowed) on top of ``base_tree`` and write the result."""
        root = _Dir(base_tree)
        for change in changes:
            parts = [p for p in change.path.split("/") if p]
            if not parts:
                raise GitError("empty path")
            node: _Dir | None = root
            for part in parts[:-1]:
                assert node is not None
                node = self._child_dir(node, part, create=change.sha is not None)
                if node is None:
                    break
            if node is None:
                continue  # deleting below a directory that does not exist is a no-op
            self._load(node)
            name = parts[-1]
            if change.sha is None:
                if name in node.entries:
                    del node.entries[name]
                    node.dirty = True
            else:
                node.entries[name] = (change.mode, change.type, change.sha)
                node.dirty = True
        return self._write_dir(root)

    def _load(self, node: _Dir) -> None:
        if node.loaded:
            return
        if node.sha:
            for entry in self.read_tree(node.sha):
                node.entries[entry.path] = (entry.mode, entry.type, entry.sha)
        node.loaded = True

    def _child_dir(self, node: _Dir, name: str, create: bool) -> _Dir | None:
        self._load(node)
        current = node.entries.get(name)
        if isinstance(current, _Dir):
            return current
        if current is not None and current[1] == "tree":
            child = _Dir(current[2])
        elif create:
            child = _Dir(None, loaded=True)  # new directory, or a file replaced by one
        else:
            return None
        node.entries[name] = child
        node.dirty = True
        return child

    def _write_dir(self, node: _Dir) -> str:
        if not node.dirty and node.sha:
            return node.sha
        self._load(node)
        rows = []
        for name, entry in node.entries.items():
            if isinstance(entry, _Dir):
                sha = self._write_dir(entry)
                if sha == EMPTY_TREE:
                    continue  # git has no empty directories; GitHub drops them too
                rows.append(("040000", "tree", sha, name))
            else:
                rows.append((entry[0], entry[1], entry[2], name))
        return self.write_tree(rows)

    def write_commit(
        self,
        tree: str,
        parents: list[str],
        message: str,
        author: Identity,
        committer: Identity,
    ) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_AUTHOR_DATE": author.git_date(),
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
            "GIT_COMMITTER_DATE": committer.git_date(),
        }
        return self._out(*args, "-F", "-", input=message.encode(), env=env)

    def read_commit(self, sha: str) -> CommitObject:
        raw = self.run("cat-file", "commit", sha)[1].decode(errors="replace")
        header, _, message = raw.partition("\n\n")
        tree = ""
        parents: list[str] = []
        author = committer = None
        for line in header.splitlines():
            key, _, value = line.partition(" ")
            if key == "tree":
                tree = value
            elif key == "parent":
                parents.append(value)
            elif key == "author":
                author = _parse_identity(value)
            elif key == "committer":
                committer = _parse_identity(value)
        if author is None or committer is None:
            raise GitError(f"commit {sha} lacks author or committer")
        return CommitObject(sha, tree, tuple(parents), author, committer, message)

    def entry_at(self, commit: str, path: str) -> TreeEntry | None:
        """The tree entry at ``path`` in ``commit`` (the root tree for an empty path)."""
        path = path.strip("/")
        if not path:
            return TreeEntry("040000", "tree", self.read_commit(commit).tree, "")
        out = self.run("ls-tree", "-z", "-l", commit, "--", path)[1].decode()
        for record in out.split("\0"):
            if not record:
                continue
            meta, found = record.split("\t", 1)
            if found == path:
                mode, otype, osha, size = meta.split()
                return TreeEntry(mode, otype, osha, path, None if size == "-" else int(size))
        return None

    # -- refs -----------------------------------------------------------------------------------

    def resolve_commit(self, rev: str) -> str | None:
        """A branch, tag, full ref or object id to the commit it names, or None."""
        if not rev or rev.startswith("-"):
            return None
        code, out = self.run(
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{rev}^{{commit}}",
            ok_codes=(0, 1, 128),
        )
        sha = out.decode().strip()
        return sha if code == 0 and is_sha(sha) else None

    def read_ref(self, ref: str) -> str | None:
        """The object id a full ref name points to, or None."""
        # show-ref gives the ref's own value (not the peeled target of an annotated tag).
        code, out = self.run("show-ref", "--verify", "--hash", ref, ok_codes=(0, 1, 128))
        sha = out.decode().strip()
        return sha if code == 0 and is_sha(sha) else None

    def list_refs(self, prefix: str = "refs/") -> list[tuple[str, str, str]]:
        """``(ref, sha, object type)`` for every ref under ``prefix``, sorted by name."""
        out = self._out("for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix)
        return [tuple(line.split(" ")) for line in out.splitlines() if line]  # type: ignore[misc]

    def check_ref_format(self, ref: str) -> bool:
        code, _ = self.run("check-ref-format", ref, ok_codes=(0, 1))
        return code == 0

    def update_ref(self, ref: str, new: str, old: str | None) -> None:
        """Set ``ref`` to ``new`` only if it is currently ``old`` (None means it must not exist)."""
        code, _ = self.run("update-ref", ref, new, old or "", ok_codes=(0, 128))
        if code != 0:
            raise RefConflictError(f"{ref} moved concurrently")

    def delete_ref(self, ref: str, old: str) -> None:
        code, _ = self.run("update-ref", "-d", ref, old, ok_codes=(0, 128))
        if code != 0:
            raise RefConflictError(f"{ref} moved concurrently")

    def set_head(self, branch: str) -> None:
        self.run("symbolic-ref", "HEAD", f"refs/heads/{branch}")

    # -- history --------------------------------------------------------------------------------

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        code, _ = self.run("merge-base", "--is-ancestor", ancestor, descendant, ok_codes=(0, 1))
        return code == 0

    def merge_base(self, a: str, b: str) -> str | None:
        code, out = self.run("merge-base", a, b, ok_codes=(0, 1))
        return out.decode().strip() if code == 0 else None

    def merge_trees(self, ours: str, theirs: str) -> str | None:
        """Tree of a three-way merge of two commits, or None when it conflicts."""
        code, out = self.run(
            "merge-tree", "--write-tree", "--no-messages", ours, theirs, ok_codes=(0, 1)
        )
        return out.decode().split("\n", 1)[0].strip() if code == 0 else None

    def rev_list(self, *revs: str, reverse: bool = False, limit: int | None = None) -> list[str]:
        args = ["rev-list"]
        if reverse:
            args.append("--reverse")
        if limit is not None:
            args.append(f"--max-count={limit}")
        return self._out(*args, *revs, "--").split()

    def count_commits(self, *revs: str) -> int:
        return int(self._out("rev-list", "--count", *revs, "--") or 0)

    def diff(self, base: str, head: str) -> list[FileDiff]:
        """Files changed from ``base`` to ``head`` with line counts (binary files count 0)."""
        numstat = self._out("diff", "--numstat", "-z", "--no-renames", base, head)
        counts: dict[str, tuple[int, int]] = {}
        for record in numstat.split("\0"):
            if not record:
                continue
            added, deleted, path = record.split("\t", 2)
            counts[path] = (
                int(added) if added.isdigit() else 0,
                int(deleted) if deleted.isdigit() else 0,
            )
        status_out = self._out("diff", "--name-status", "-z", "--no-renames", base, head)
        fields = [f for f in status_out.split("\0") if f]
        names = {"A": "added", "D": "removed", "M": "modified", "T": "changed"}
        result = []
        for code, path in zip(fields[0::2], fields[1::2], strict=True):
            added, deleted = counts.get(path, (0, 0))
            result.append(FileDiff(path, names.get(code[0], "modified"), added, deleted))
        return result

    def patch(self, base: str, head: str) -> str:
        """The unified diff from ``base`` to ``head``, as ``git diff`` prints it."""
        return self._out("diff", "--no-renames", base, head)

    def fetch(self, source: GitRepository, src_ref: str, dst_ref: str) -> None:
        """Copy ``src_ref`` of another local repository (with its objects) to ``dst_ref`` here."""
        self.run("fetch", "--quiet", "--no-tags", str(source.path), f"+{src_ref}:{dst_ref}")
