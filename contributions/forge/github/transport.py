"""The one request helper every GitHub call goes through, and the content budget it books.

PyGithub provides authentication (a token, or a GitHub App installation whose token it renews),
the HTTP connection, throttling (seconds between requests and between writes) and retries. We send
each request ourselves through its Requester instead of using its lazy objects, because those
complete themselves with hidden GETs: here every request is visible, counted and budgeted.

Every request goes through `GitHubTransport._send`, the one place that
- books content-creating requests against the secondary-limit budget (see budget.py),
- serialises writes within the process,
- maps every failure into TransientForgeError or PermanentForgeError,
- never sleeps on a rate limit: the retry policy gives up at once when GitHub asks for a wait
  longer than GITHUB_MAX_RATE_LIMIT_WAIT, and the Celery task retries with a countdown instead.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import requests
from github import Auth, Github, GithubException
from github.GithubException import RateLimitExceededExceedsMaxWait

from ..base import RateLimitReading
from ..budget import BudgetExhausted, ContentBudget
from ..errors import ForgeError, PermanentForgeError, TransientForgeError
from .errors import (
    FORK_NOT_READY_WAIT,
    SECONDARY_LIMIT_WAIT,
    BoundedRetry,
    _already_exists,
    _AlreadyExists,
    map_error,
)

# Items per page of a list (GitHub's most), and how a kept etag names the page it belongs to.
PER_PAGE = 100
PAGE_MARK = ";page="
# How long after its creation a fork's missing branches mean "not copied yet" rather than "gone".
FORK_SETTLE_SECONDS = 300.0


def same_repo(a: str | None, b: str | None) -> bool:
    """Whether two "owner/name" strings name the same repository (GitHub ignores case)."""
    return bool(a) and bool(b) and str(a).casefold() == str(b).casefold()


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


class GitHubTransport:
    """The connection to GitHub and the one request helper the forge's parts share."""

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
        # Forks found or made, by case-folded name -> canonical name; and forks still being
        # copied (case-folded name -> until when), whose 404s and 422s are worth a retry.
        self._forks: dict[str, str] = {}
        self._settling: dict[str, float] = {}

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
        retry_422: bool = False,
    ) -> tuple[int, dict[str, Any], Any]:
        """(status, headers, JSON) of one request; 304 and allowed 404 come back as statuses.

        Writes go one at a time per process, paced, each content-creating attempt booked in the
        budget right before it leaves; a write GitHub failed (5xx, timeout, a passing 422) is
        tried again here, a bounded number of times, which is safe because every write the forge
        makes can be repeated. What still fails goes up as transient: the task retries it later.
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
                        exists_ok=exists_ok, retry_422=retry_422,
                    )  # fmt: skip
                except TransientForgeError as error:
                    server_side = error.status is None or error.status >= 500 or error.status == 422
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
        retry_422: bool = False,
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
            raise map_error(
                exc.status, exc.headers or {}, exc.data, what, retry_422=retry_422
            ) from exc
        except requests.RequestException as exc:
            raise TransientForgeError(f"{what}: {type(exc).__name__}: {exc}") from exc
        data = json.loads(text) if text and str(text).strip() else None
        if status == 404 and missing_ok:
            return status, response_headers, None
        if status == 422 and exists_ok and _already_exists(data):
            raise _AlreadyExists()
        if status >= 400:
            raise map_error(status, response_headers, data, what, retry_422=retry_422)
        return status, response_headers, data

    def _pages(
        self, path: str, *, what: str, etag: str = "", params: Mapping[str, Any] | None = None
    ) -> tuple[int, str, list[Any]]:
        """A list endpoint, read to its last page; (status, the etag to keep, items).

        New items land on the last page, so the kept etag is that page's, with its number
        ("ETAG;page=N"): the next conditional read asks that page only, and on a change
        returns the items from that page onwards (earlier ones were read before).
        """
        known, _, page_text = etag.partition(PAGE_MARK)
        page = int(page_text) if page_text.isdigit() else 1
        query = {**(params or {}), "per_page": PER_PAGE}
        if page > 1:
            query["page"] = page
        status, headers, data = self._send("GET", path, what=what, params=query, etag=known)
        if status == 304:
            return status, etag, []
        items = list(data or [])
        last = list(data or [])
        link = headers.get("link", "")
        while 'rel="next"' in link:
            next_url = next(
                part.split(";")[0].strip(" <>") for part in link.split(",") if 'rel="next"' in part
            )
            _, headers, data = self._send("GET", next_url, what=what)
            last = list(data or [])
            items += last
            page += 1
            link = headers.get("link", "")
        kept = str(headers.get("etag", ""))
        if len(last) >= PER_PAGE:
            # A full last page: what comes next lands on a page not there yet.
            page, kept = page + 1, ""
        return status, f"{kept}{PAGE_MARK}{page}" if page > 1 else kept, items

    def _unless_fork_settling(self, repo: str, error: PermanentForgeError) -> ForgeError:
        """`error`, or a retry-later one while `repo` is a fork GitHub is still copying."""
        until = self._settling.get(repo.casefold())
        if until is None or error.status not in (404, 422) or time.time() > until:
            return error
        return TransientForgeError(
            f"The fork {repo} is still being made ({error}); trying again shortly.",
            status=error.status,
            retry_after=FORK_NOT_READY_WAIT,
        )

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
