"""What the portal needs from a git host, independent of GitHub and of PyGithub.

Repositories are named "owner/name". Every method raises only `ForgeError` subclasses
(see errors.py). "Already exists" is never an error here: a method that creates something
returns what is there, so callers can repeat any step safely.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Identity:
    """A git author or committer."""

    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class BranchHead:
    """The commit a branch points at, and that commit's tree."""

    commit_sha: str
    tree_sha: str


@dataclass(frozen=True)
class PullRequestInfo:
    """A pull request as the host reports it; `state` is open, closed or merged."""

    repo: str
    number: int
    url: str
    state: str
    head_owner: str
    head_ref: str
    head_sha: str
    merged_at: datetime | None = None
    etag: str = ""
    labels: tuple[str, ...] = ()
    updated_at: datetime | None = None  # moves with every change, feedback included
    # Whether it merges cleanly into its base; None while the host is still working it out.
    mergeable: bool | None = None
    mergeable_state: str = ""
    body: str = ""


@dataclass(frozen=True)
class CommitInfo:
    """A commit as the host stores it."""

    sha: str
    message: str
    tree_sha: str
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feedback:
    """A review or a conversation comment someone left on a pull request."""

    external_id: str  # stable across fetches and webhooks, e.g. "review-17" or "comment-4"
    author: str
    author_is_bot: bool
    kind: str  # "review", "comment" or "line" (an inline review comment on a file's line)
    state: str  # a review's APPROVED / CHANGES_REQUESTED / COMMENTED / DISMISSED; "" for comments
    body: str
    url: str = ""
    path: str = ""  # inline comments: the file and the line (of the PR's version) they are on
    line: int | None = None
    withdrawn: bool = False  # a dismissed review, a deleted comment: no longer to be shown


@dataclass(frozen=True)
class FeedbackPage:
    """Feedback of one kind; `changed` is False when the host answered 304 (nothing new)."""

    items: tuple[Feedback, ...] = ()
    etag: str = ""
    changed: bool = True


@dataclass(frozen=True)
class TreeListing:
    """Every path in a branch's tree (files and folders), at one commit."""

    commit_sha: str
    files: frozenset[str] = field(default_factory=frozenset)
    folders: frozenset[str] = field(default_factory=frozenset)
    # The blob SHA of every qna.yaml, so a reader fetches only the files that changed.
    qna_blobs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RateLimitReading:
    """The host's primary rate limit, plus our own count of content-creating requests.

    `content` maps a window name ("content_creating_60s") to {"limit", "used"}.
    """

    limit: int
    remaining: int
    reset_at: int  # unix time
    used: int | None = None
    resource: str = "core"
    content: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """As {"resources": {name: {"limit", "remaining", "used", "reset"}}} for the dashboard."""
        used = self.used if self.used is not None else max(self.limit - self.remaining, 0)
        resources = {
            self.resource: {
                "limit": self.limit,
                "remaining": self.remaining,
                "used": used,
                "reset": self.reset_at,
            }
        }
        for name, window in self.content.items():
            resources[name] = {
                "limit": window["limit"],
                "remaining": max(window["limit"] - window["used"], 0),
                "used": window["used"],
            }
        return {"resources": resources}


class Forge(Protocol):
    """A git host that holds the taxonomy: read branches and pull requests, commit, open PRs."""

    def bot_login(self) -> str:
        """The account the portal acts as."""

    def find_pull_requests(
        self, *, repo: str, head_owner: str, branch: str
    ) -> list[PullRequestInfo]:
        """Every pull request (any state) from head_owner:branch into repo, newest first."""

    def get_pull_request(self, *, repo: str, number: int, etag: str = "") -> PullRequestInfo | None:
        """One pull request; None when `etag` still matches (not modified)."""

    def open_pull_request(
        self, *, repo: str, head_owner: str, branch: str, base: str, title: str, body: str
    ) -> PullRequestInfo:
        """Open a pull request, or return the open one that already exists for that head."""

    def branch_head(self, *, repo: str, branch: str) -> BranchHead:
        """Where a branch is now."""

    def get_ref(self, *, repo: str, ref: str) -> str | None:
        """The SHA a ref ("heads/x", "tags/y") points at, or None when there is no such ref."""

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
        """One commit on top of `parent` that adds or replaces `files` (path -> text) and removes
        `deletions`; its SHA.

        The commit is not on any branch yet (see `ensure_ref`). The same inputs give the same
        SHA, so a repeated call creates nothing new.
        """

    def read_commit(self, *, repo: str, sha: str) -> CommitInfo:
        """One commit: its message, tree and parents."""

    def move_branch(self, *, repo: str, branch: str, sha: str, force: bool = False) -> str:
        """Point an existing branch at sha (a fast-forward unless `force`); the SHA it is at."""

    def file_sha(self, *, repo: str, ref: str, path: str) -> str | None:
        """The blob SHA of a file at ref, or None when there is no such file."""

    def update_pull_request(self, *, repo: str, number: int, body: str) -> None:
        """Replace a pull request's description."""

    def ensure_ref(self, *, repo: str, ref: str, sha: str) -> str:
        """Create ref ("heads/x", "tags/y") at sha; if it exists, leave it: the SHA it points at."""

    def add_labels(self, *, repo: str, number: int, labels: list[str]) -> None:
        """Put labels on a pull request."""

    def request_reviewers(self, *, repo: str, number: int, logins: list[str]) -> None:
        """Ask people to review a pull request."""

    def list_reviews(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        """The reviews of a pull request (conditional on etag)."""

    def list_comments(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        """The conversation comments of a pull request (conditional on etag)."""

    def list_review_comments(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        """The inline review comments of a pull request, on files' lines (conditional on etag)."""

    def list_open_pull_requests(self, *, repo: str) -> list[PullRequestInfo]:
        """Every open pull request of repo, in as few requests as the host allows."""

    def list_tree(self, *, repo: str, branch: str, known_commit: str = "") -> TreeListing | None:
        """All paths of a branch; None when it still points at `known_commit`."""

    def read_blob(self, *, repo: str, sha: str) -> bytes:
        """The content of one blob (a file at some commit)."""

    def ensure_fork(self, *, upstream: str, owner: str) -> str:
        """A fork of upstream owned by owner (made if missing); its full name."""

    def sync_fork(self, *, fork: str, branch: str) -> None:
        """Bring the fork's branch up to date with its upstream (merge-upstream)."""

    def rate_limit(self, *, fetch: bool = False) -> RateLimitReading | None:
        """The latest reading (from the last response); with fetch, asks the host (free)."""

    def content_session(self, *, expected: int) -> contextlib.AbstractContextManager[None]:
        """Reserve `expected` content-creating requests for the block that follows.

        Raises TransientForgeError(retry_after) when the budget has no room soon.
        """
