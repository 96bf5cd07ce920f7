"""The GitHub implementation of the forge, on PyGithub's client.

PyGithub provides authentication (a token, or a GitHub App installation whose token it renews),
the HTTP connection, throttling (seconds between requests and between writes) and retries. We send
each request ourselves through its Requester instead of using its lazy objects, because those
complete themselves with hidden GETs: here every request is visible, counted and budgeted.

Every request goes through `GitHubForge._send`, the one place that
- books content-creating requests against the secondary-limit budget (see budget.py),
- serialises writes within the process,
- maps every failure into TransientForgeError or PermanentForgeError,
- never sleeps on a rate limit: the retry policy gives up at once when GitHub asks for a wait
  longer than GITHUB_MAX_RATE_LIMIT_WAIT, and the Celery task retries with a countdown instead.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.Requester import Requester

from .base import (
    BranchHead,
    Feedback,
    FeedbackPage,
    Identity,
    PullRequestInfo,
    RateLimitReading,
    TreeListing,
)
from .budget import BudgetExhausted, ContentBudget
from .errors import PermanentForgeError, TransientForgeError

logger = logging.getLogger(__name__)

# GitHub's advice for a secondary limit that comes without Retry-After: wait at least a minute.
SECONDARY_LIMIT_WAIT = 60.0
# A fork is made asynchronously; until then its git data answers 409 "Git Repository is empty".
FORK_NOT_READY_WAIT = 5.0


def _retry_after(headers: Mapping[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value), 0.0)
            except (TypeError, ValueError):
                return None
    return None


class BoundedRetry(GithubRetry):
    """GithubRetry that refuses to wait longer than `max_rate_limit_wait`, Retry-After included.

    GithubRetry caps its own rate-limit backoff, but a 403/429/503 carrying Retry-After is slept
    by urllib3 for as long as the header says; this turns that into an exception too.
    """

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Any:
        if response is not None and self.max_rate_limit_wait is not None:
            wait = _retry_after(response.headers)
            if wait is not None and wait > self.max_rate_limit_wait:
                raise RateLimitExceededExceedsMaxWait(
                    response.status, {"message": "Retry-After"}, dict(response.headers), wait=wait
                )
        return super().increment(method, url, response, error, _pool, _stacktrace)


class _AlreadyExists(Exception):
    """A create answered 422 because the thing is already there (handled by the caller)."""


def _already_exists(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    texts = [str(data.get("message", ""))]
    for error in data.get("errors") or []:
        if isinstance(error, dict):
            texts += [str(error.get("message", "")), str(error.get("code", ""))]
        else:
            texts.append(str(error))
    return any("already exist" in t.lower() or t == "already_exists" for t in texts)


def _message(data: Any) -> str:
    if not isinstance(data, dict):
        return str(data or "")[:300]
    text = str(data.get("message", ""))
    details = [
        str(e.get("message") or e.get("code") or "") if isinstance(e, dict) else str(e)
        for e in data.get("errors") or []
    ]
    details = [d for d in details if d]
    return f"{text} ({'; '.join(details)})" if details else text


def map_error(status: int, headers: Mapping[str, Any], data: Any, what: str) -> Exception:
    """The forge error for an HTTP error answer from GitHub."""
    message = _message(data)
    lowered = message.lower()
    retry_after = _retry_after(headers)
    text = f"{what}: GitHub answered {status} {message}".strip()
    if status in (403, 429) and (
        Requester.isRateLimitError(lowered) or retry_after is not None or status == 429
    ):
        if retry_after is None and Requester.isPrimaryRateLimitError(lowered):
            reset = headers.get("x-ratelimit-reset") or headers.get("X-RateLimit-Reset")
            if reset and str(reset).isdigit():
                retry_after = max(int(reset) - time.time(), 1.0)
        return TransientForgeError(
            text,
            status=status,
            retry_after=retry_after if retry_after is not None else SECONDARY_LIMIT_WAIT,
            rate_limited=True,
        )
    if status >= 500:
        return TransientForgeError(text, status=status, retry_after=retry_after)
    if status == 409 and "empty" in lowered:
        return TransientForgeError(text, status=status, retry_after=FORK_NOT_READY_WAIT)
    if status == 401:
        return PermanentForgeError(
            f"{what}: GitHub refused the credentials ({message}).", status=401
        )
    return PermanentForgeError(text, status=status)


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _path(*parts: str) -> str:
    return "/" + "/".join(urllib.parse.quote(p, safe="") for p in parts)


def _repo_path(repo: str, *rest: str) -> str:
    owner, _, name = repo.partition("/")
    return _path("repos", owner, name, *rest)


class GitHubForge:
    """The forge on GitHub (github.com, Enterprise, or the local emulator)."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth.Auth,
        timeout: int = 15,
        seconds_between_requests: float | None = 0.25,
        seconds_between_writes: float | None = 1.0,
        retry_total: int = 2,
        max_rate_limit_wait: float = 2.0,
        budget: ContentBudget | None = None,
        max_pacing_wait: float = 5.0,
    ) -> None:
        # GitHub's retry policy repeats reads only; writes are repeated by `_send`, which books
        # each content-creating attempt (GitHub may have counted a POST that answered 502).
        retry = BoundedRetry(
            total=retry_total,
            backoff_factor=0.5,
            backoff_max=4.0,
            backoff_jitter=0.25,
            allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}),
            secondary_rate_wait=SECONDARY_LIMIT_WAIT,
            max_rate_limit_wait=max_rate_limit_wait,
        )
        self.github = Github(
            auth=auth,
            base_url=base_url,
            timeout=timeout,
            retry=retry,
            per_page=100,
            lazy=True,
            seconds_between_requests=seconds_between_requests,
            # Writes are paced by `_send`, so a content-creating request is booked right before
            # it leaves, not before a pause.
            seconds_between_writes=None,
        )
        self.requester = self.github.requester
        self.seconds_between_writes = seconds_between_writes or 0.0
        self.retry_total = retry_total
        self._last_write = 0.0
        self.is_app = isinstance(auth, Auth.AppInstallationAuth)
        self.budget = budget
        self.max_pacing_wait = max_pacing_wait
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._login: str | None = None
        self._forks: set[str] = set()

    # -- the one request helper -----------------------------------------------------------------

    def _send(
        self,
        verb: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        etag: str = "",
        creates: bool = False,
        missing_ok: bool = False,
        exists_ok: bool = False,
    ) -> tuple[int, dict[str, Any], Any]:
        """(status, headers, JSON) of one request; 304 and allowed 404 come back as statuses.

        Writes go one at a time per process, paced, each content-creating attempt booked in the
        budget right before it leaves; a write GitHub failed (5xx, timeout) is tried again here,
        which is safe because every write the forge makes can be repeated.
        """
        if verb == "GET":
            return self._request(
                verb, path, what, params, body, etag, missing_ok=missing_ok, exists_ok=exists_ok
            )
        with self._write_lock:
            failures = 0
            while True:
                delay = self._last_write + self.seconds_between_writes - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                if creates:
                    self._book_one()
                try:
                    return self._request(
                        verb, path, what, params, body, etag, missing_ok=missing_ok,
                        exists_ok=exists_ok,
                    )  # fmt: skip
                except TransientForgeError as error:
                    server_side = error.status is None or error.status >= 500
                    failures += 1
                    if error.rate_limited or not server_side or failures > self.retry_total:
                        raise
                    time.sleep(min(0.5 * 2 ** (failures - 1), 4.0))
                finally:
                    self._last_write = time.monotonic()

    def _request(
        self,
        verb: str,
        path: str,
        what: str,
        params: Mapping[str, Any] | None,
        body: Any,
        etag: str,
        *,
        missing_ok: bool,
        exists_ok: bool,
    ) -> tuple[int, dict[str, Any], Any]:
        headers = {"If-None-Match": etag} if etag else None
        try:
            status, response_headers, text = self.requester.requestJson(
                verb, path, dict(params) if params else None, headers, body
            )
        except RateLimitExceededExceedsMaxWait as exc:
            raise TransientForgeError(
                f"{what}: GitHub asks to wait {exc.wait or 0:.0f}s (rate limit).",
                status=exc.status,
                retry_after=exc.wait,
                rate_limited=True,
            ) from exc
        except GithubException as exc:  # raised from inside the retry policy
            if exists_ok and exc.status == 422 and _already_exists(exc.data):
                raise _AlreadyExists() from exc
            raise map_error(exc.status, exc.headers or {}, exc.data, what) from exc
        except requests.RequestException as exc:
            raise TransientForgeError(f"{what}: {type(exc).__name__}: {exc}") from exc
        data = json.loads(text) if text and str(text).strip() else None
        if status == 404 and missing_ok:
            return status, response_headers, None
        if status == 422 and exists_ok and _already_exists(data):
            raise _AlreadyExists()
        if status >= 400:
            raise map_error(status, response_headers, data, what)
        return status, response_headers, data

    def _pages(self, path: str, *, what: str, etag: str = "") -> tuple[int, str, list[Any]]:
        """A list endpoint, every page; (status of the first page, its etag, items)."""
        status, headers, data = self._send(
            "GET", path, what=what, params={"per_page": 100}, etag=etag
        )
        if status == 304:
            return status, etag, []
        items = list(data or [])
        first_etag = headers.get("etag", "")
        link = headers.get("link", "")
        while 'rel="next"' in link:
            next_url = next(
                part.split(";")[0].strip(" <>") for part in link.split(",") if 'rel="next"' in part
            )
            _, headers, data = self._send("GET", next_url, what=what)
            items += list(data or [])
            link = headers.get("link", "")
        return status, first_etag, items

    # -- the content budget ---------------------------------------------------------------------

    @contextlib.contextmanager
    def content_session(self, *, expected: int) -> Iterator[None]:
        """Reserve `expected` content-creating requests for the block (see budget.py)."""
        if self.budget is None or expected <= 0:
            yield
            return
        # A window smaller than the block: reserve what fits; the rest is booked as it goes.
        expected = min(expected, min(w.limit for w in self.budget.windows))
        try:
            reservation = self.budget.reserve(expected, max_wait=self.max_pacing_wait)
        except BudgetExhausted as exc:
            raise self._exhausted(exc.retry_after) from exc
        self._local.reservation = reservation
        try:
            yield
        finally:
            self._local.reservation = None
            self.budget.release(reservation)

    @staticmethod
    def _exhausted(retry_after: float) -> TransientForgeError:
        return TransientForgeError(
            f"GitHub's content-creation budget is used up for now; room in {retry_after:.0f}s.",
            retry_after=retry_after,
            rate_limited=True,
        )

    def _book_one(self) -> None:
        """Enter the content-creating request about to leave in the budget, pacing if needed."""
        if self.budget is None:
            return
        reservation = getattr(self._local, "reservation", None)
        if reservation is not None and reservation.count > 0:
            early = reservation.at - time.time()
            if early > 0:
                time.sleep(early)
        try:
            delay = self.budget.spend(reservation, max_wait=self.max_pacing_wait)
        except BudgetExhausted as exc:
            raise self._exhausted(exc.retry_after) from exc
        if delay > 0:
            time.sleep(delay)

    # -- who we are -----------------------------------------------------------------------------

    def bot_login(self) -> str:
        if self._login is None:
            if self.is_app:
                raise PermanentForgeError(
                    "A GitHub App has no user account: set GITHUB_FORK_OWNER for fork mode."
                )
            _, _, data = self._send("GET", "/user", what="who am I")
            self._login = str(data["login"])
        return self._login

    def rate_limit(self, *, fetch: bool = False) -> RateLimitReading | None:
        if fetch:
            _, _, data = self._send("GET", "/rate_limit", what="rate limit")
            core = ((data or {}).get("resources") or {}).get("core") or (data or {}).get("rate")
            core = core or {}
            limit, remaining = int(core.get("limit", -1)), int(core.get("remaining", -1))
            reset_at, used = int(core.get("reset", 0)), core.get("used")
        else:
            remaining, limit = self.requester.rate_limiting
            reset_at, used = self.requester.rate_limiting_resettime, None
        if limit < 0:
            return None
        return RateLimitReading(
            limit=limit,
            remaining=remaining,
            reset_at=reset_at,
            used=int(used) if used is not None else None,
            content=self.budget.usage() if self.budget is not None else {},
        )

    # -- pull requests --------------------------------------------------------------------------

    @staticmethod
    def _pull(repo: str, data: Mapping[str, Any], etag: str = "") -> PullRequestInfo:
        head = data.get("head") or {}
        head_repo = head.get("repo") or {}
        head_owner = (head_repo.get("owner") or {}).get("login") or str(
            head.get("label", ":")
        ).split(":")[0]
        merged_at = _when(data.get("merged_at"))
        return PullRequestInfo(
            repo=repo,
            number=int(data["number"]),
            url=str(data.get("html_url") or data.get("url") or ""),
            state="merged" if merged_at else str(data.get("state", "open")),
            head_owner=head_owner,
            head_ref=str(head.get("ref", "")),
            head_sha=str(head.get("sha", "")),
            merged_at=merged_at,
            etag=etag,
            labels=tuple(str(label.get("name", "")) for label in data.get("labels") or []),
        )

    def find_pull_requests(
        self, *, repo: str, head_owner: str, branch: str
    ) -> list[PullRequestInfo]:
        # Without the "owner:" prefix GitHub silently ignores `head` and lists every PR.
        _, _, data = self._send(
            "GET",
            _repo_path(repo, "pulls"),
            what="look for the pull request",
            params={"state": "all", "head": f"{head_owner}:{branch}", "per_page": 100},
        )
        pulls = [self._pull(repo, item) for item in data or []]
        # Belt and braces: keep only what really comes from that head.
        pulls = [p for p in pulls if p.head_ref == branch and p.head_owner == head_owner]
        return sorted(pulls, key=lambda p: p.number, reverse=True)

    def get_pull_request(self, *, repo: str, number: int, etag: str = "") -> PullRequestInfo | None:
        status, headers, data = self._send(
            "GET", _repo_path(repo, "pulls", str(number)), what="read the pull request", etag=etag
        )
        if status == 304:
            return None
        return self._pull(repo, data, headers.get("etag", ""))

    def open_pull_request(
        self, *, repo: str, head_owner: str, branch: str, base: str, title: str, body: str
    ) -> PullRequestInfo:
        try:
            _, _, data = self._send(
                "POST",
                _repo_path(repo, "pulls"),
                what="open the pull request",
                body={"title": title, "head": f"{head_owner}:{branch}", "base": base, "body": body},
                creates=True,
                exists_ok=True,
            )
        except _AlreadyExists:
            found = self.find_pull_requests(repo=repo, head_owner=head_owner, branch=branch)
            open_ones = [p for p in found if p.state == "open"]
            if not open_ones:
                raise PermanentForgeError(
                    f"GitHub says a pull request from {head_owner}:{branch} exists, "
                    "but none is open."
                ) from None
            return open_ones[0]
        return self._pull(repo, data)

    def add_labels(self, *, repo: str, number: int, labels: list[str]) -> None:
        if labels:
            self._send(
                "POST",
                _repo_path(repo, "issues", str(number), "labels"),
                what="label the pull request",
                body=list(labels),
            )

    def request_reviewers(self, *, repo: str, number: int, logins: list[str]) -> None:
        if logins:
            self._send(
                "POST",
                _repo_path(repo, "pulls", str(number), "requested_reviewers"),
                what="request reviewers",
                body={"reviewers": list(logins)},
                creates=True,
            )

    @staticmethod
    def _author(item: Mapping[str, Any]) -> tuple[str, bool]:
        user = item.get("user") or {}
        login = str(user.get("login", ""))
        return login, user.get("type") == "Bot" or login.endswith("[bot]")

    def list_reviews(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        return self._feedback(
            _repo_path(repo, "pulls", str(number), "reviews"), kind="review", etag=etag
        )

    def list_comments(self, *, repo: str, number: int, etag: str = "") -> FeedbackPage:
        return self._feedback(
            _repo_path(repo, "issues", str(number), "comments"), kind="comment", etag=etag
        )

    def _feedback(self, path: str, *, kind: str, etag: str) -> FeedbackPage:
        """Reviews or comments of a pull request, read with a conditional request."""
        status, new_etag, items = self._pages(path, what=f"read {kind}s", etag=etag)
        if status == 304:
            return FeedbackPage(etag=etag, changed=False)
        feedback = []
        for item in items:
            login, is_bot = self._author(item)
            feedback.append(
                Feedback(
                    external_id=f"{kind}-{item['id']}",
                    author=login,
                    author_is_bot=is_bot,
                    kind=kind,
                    # Only reviews have a state (APPROVED, CHANGES_REQUESTED, COMMENTED).
                    state=str(item.get("state", "")) if kind == "review" else "",
                    body=str(item.get("body") or ""),
                    url=str(item.get("html_url") or ""),
                )
            )
        return FeedbackPage(items=tuple(feedback), etag=new_etag)

    # -- git data -------------------------------------------------------------------------------

    def branch_head(self, *, repo: str, branch: str) -> BranchHead:
        _, _, data = self._send(
            "GET", _repo_path(repo, "branches", branch), what=f"read branch {branch} of {repo}"
        )
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
    ) -> str:
        tree = [
            {"path": path, "mode": "100644", "type": "blob", "content": content}
            for path, content in sorted(files.items())
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

    # -- forks ----------------------------------------------------------------------------------

    def ensure_fork(self, *, upstream: str, owner: str) -> str:
        name = upstream.partition("/")[2]
        fork = f"{owner}/{name}"
        if fork in self._forks:
            return fork
        status, _, data = self._send(
            "GET", _repo_path(fork), what=f"look for the fork {fork}", missing_ok=True
        )
        if status == 404:
            is_user = not self.is_app and owner.lower() == self.bot_login().lower()
            _, _, data = self._send(
                "POST",
                _repo_path(upstream, "forks"),
                what=f"fork {upstream}",
                body={} if is_user else {"organization": owner},
                creates=True,
            )
            fork = str(data["full_name"])
        elif not data.get("fork") or (data.get("parent") or {}).get("full_name") != upstream:
            raise PermanentForgeError(f"{fork} exists but is not a fork of {upstream}.")
        self._forks.add(fork)
        return fork

    def sync_fork(self, *, fork: str, branch: str) -> None:
        self._send(
            "POST",
            _repo_path(fork, "merge-upstream"),
            what=f"bring {fork} up to date",
            body={"branch": branch},
        )


def budget_key(base_url: str, identity: str) -> str:
    """One ledger per host and identity: GitHub counts the limits per user or installation."""
    return hashlib.sha256(f"{base_url}|{identity}".encode()).hexdigest()[:24]
