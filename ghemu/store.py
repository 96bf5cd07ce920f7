"""What GitHub keeps beside git: accounts, repository metadata, pull requests, labels, comments,
reviews, hooks and deliveries. Git content itself lives in the bare repositories.

All records are plain dataclasses of JSON values so the store can be saved to ``state.json`` and
reloaded; ``Store.lock`` guards every read-modify-write of these records.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Account:
    login: str
    id: int
    type: str = "User"  # User, Organization or Bot
    name: str | None = None
    email: str | None = None
    site_admin: bool = False
    members: list[str] = field(default_factory=list)  # organisations only
    teams: list[str] = field(default_factory=list)  # organisations only: team slugs
    created_at: str = field(default_factory=now_iso)


@dataclass
class RepoRecord:
    id: int
    owner: str
    name: str
    default_branch: str = "main"
    description: str = ""
    private: bool = False
    fork: bool = False
    parent: str | None = None  # full name of the repository this one was forked from
    source: str | None = None  # root of the fork network
    collaborators: dict[str, str] = field(default_factory=dict)
    next_number: int = 1
    ready_at: float = 0.0  # a fresh fork answers "Git Repository is empty." until then
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    pushed_at: str = field(default_factory=now_iso)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass
class LabelRecord:
    id: int
    repo_id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class PullRecord:
    id: int
    repo_id: int
    number: int
    title: str
    body: str | None
    user: str
    head_repo_id: int
    head_ref: str
    head_sha: str
    base_ref: str
    base_sha: str
    state: str = "open"
    draft: bool = False
    locked: bool = False
    maintainer_can_modify: bool = False
    labels: list[str] = field(default_factory=list)
    requested_reviewers: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    comments: int = 0
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    closed_at: str | None = None
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None


@dataclass
class CommentRecord:
    id: int
    repo_id: int
    number: int
    user: str
    body: str
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class ReviewCommentRecord:
    """An inline review comment on one line of a pull request's file."""

    id: int
    repo_id: int
    number: int
    user: str
    body: str
    path: str
    line: int
    commit_id: str
    review_id: int | None = None
    side: str = "RIGHT"
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class ReviewRecord:
    id: int
    repo_id: int
    number: int
    user: str
    body: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, PENDING, DISMISSED
    commit_id: str
    submitted_at: str | None = field(default_factory=now_iso)


@dataclass
class HookRecord:
    id: int
    repo_id: int
    url: str
    secret: str | None = None
    content_type: str = "json"
    insecure_ssl: str = "0"
    events: list[str] = field(default_factory=lambda: ["push"])
    active: bool = True
    name: str = "web"
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    last_response: dict[str, Any] = field(
        default_factory=lambda: {"code": None, "status": "unused", "message": None}
    )


@dataclass
class DeliveryRecord:
    id: int
    guid: str
    hook_id: int
    repo_id: int
    event: str
    action: str | None
    url: str
    request_headers: dict[str, str]
    payload: str  # the exact body that was (or will be) signed and sent
    redelivery: bool = False
    delivered_at: str = field(default_factory=now_iso)
    status: str = "pending"
    status_code: int = 0
    duration: float = 0.0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    dropped: bool = False


@dataclass
class InstallationToken:
    token: str
    installation_id: int
    expires_at: float


_TABLES: dict[str, type] = {
    "accounts": Account,
    "repos": RepoRecord,
    "labels": LabelRecord,
    "pulls": PullRecord,
    "comments": CommentRecord,
    "reviews": ReviewRecord,
    "review_comments": ReviewCommentRecord,
    "hooks": HookRecord,
    "deliveries": DeliveryRecord,
    "installation_tokens": InstallationToken,
}


class Store:
    """In-memory tables keyed by id, persisted to a JSON file by a background flush."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}  # by lowercase login
        self.repos: dict[int, RepoRecord] = {}
        self.labels: dict[int, LabelRecord] = {}
        self.pulls: dict[int, PullRecord] = {}
        self.comments: dict[int, CommentRecord] = {}
        self.reviews: dict[int, ReviewRecord] = {}
        self.review_comments: dict[int, ReviewCommentRecord] = {}
        self.hooks: dict[int, HookRecord] = {}
        self.deliveries: dict[int, DeliveryRecord] = {}
        self.installation_tokens: dict[str, InstallationToken] = {}
        self.sequence = 1000
        self._dirty = False
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None

    # -- ids and lookups ------------------------------------------------------------------------

    def next_id(self) -> int:
        with self.lock:
            self.sequence += 1
            return self.sequence

    def account(self, login: str | None) -> Account | None:
        return self.accounts.get(login.lower()) if login else None

    def repo_by_name(self, owner: str, name: str) -> RepoRecord | None:
        owner, name = owner.lower(), name.lower()
        for repo in self.repos.values():
            if repo.owner.lower() == owner and repo.name.lower() == name:
                return repo
        return None

    def pull(self, repo_id: int, number: int) -> PullRecord | None:
        for pull in self.pulls.values():
            if pull.repo_id == repo_id and pull.number == number:
                return pull
        return None

    def pulls_of(self, repo_id: int) -> list[PullRecord]:
        return [p for p in self.pulls.values() if p.repo_id == repo_id]

    def label(self, repo_id: int, name: str) -> LabelRecord | None:
        lowered = name.lower()
        for label in self.labels.values():
            if label.repo_id == repo_id and label.name.lower() == lowered:
                return label
        return None

    def hooks_of(self, repo_id: int) -> list[HookRecord]:
        return sorted((h for h in self.hooks.values() if h.repo_id == repo_id), key=lambda h: h.id)

    # -- persistence ----------------------------------------------------------------------------

    def mark_dirty(self) -> None:
        self._dirty = True

    def save(self) -> None:
        """Write the whole store atomically (a temp file renamed over the old one)."""
        if self.path is None:
            return
        with self.lock:
            self._dirty = False
            data: dict[str, Any] = {"sequence": self.sequence}
            for table in _TABLES:
                rows = getattr(self, table).values()
                data[table] = [dataclasses.asdict(row) for row in rows]
            text = json.dumps(data)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text)
        os.replace(tmp, self.path)

    def load(self) -> bool:
        """Load a saved store; False when there is none."""
        if self.path is None or not self.path.exists():
            return False
        data = json.loads(self.path.read_text())
        with self.lock:
            self.sequence = data.get("sequence", self.sequence)
            for table, cls in _TABLES.items():
                rows = [cls(**row) for row in data.get(table, [])]
                if table == "accounts":
                    self.accounts = {row.login.lower(): row for row in rows}
                elif table == "installation_tokens":
                    self.installation_tokens = {row.token: row for row in rows}
                else:
                    setattr(self, table, {row.id: row for row in rows})
        return True

    def start_flusher(self, interval: float = 0.5) -> None:
        """Save in the background whenever something changed (writes stay cheap for clients)."""
        if self.path is None:
            return

        def loop() -> None:
            while not self._stop.wait(interval):
                if self._dirty:
                    self.save()

        self._flusher = threading.Thread(target=loop, name="ghemu-store-flush", daemon=True)
        self._flusher.start()

    def close(self) -> None:
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(timeout=5)
        if self._dirty:
            self.save()
