"""GitHub's error answers, mapped into the forge's one error family; the bounded retry policy."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from github import GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait
from github.Requester import Requester

from ..errors import PermanentForgeError, TransientForgeError

# GitHub's advice for a secondary limit that comes without Retry-After: wait at least a minute.
SECONDARY_LIMIT_WAIT = 60.0
# A fork is made asynchronously; until then its git data answers 409 "Git Repository is empty".
FORK_NOT_READY_WAIT = 5.0
# Some 422s last a moment only (a head branch GitHub has not indexed yet, a ref update that raced,
# a fork sync on a busy upstream): worth a few more tries before they count as permanent.
TRANSIENT_422_WAIT = 3.0


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


def transient_422(data: Any) -> bool:
    """Whether a 422 is one GitHub gives for a moment: "Reference update failed", head invalid."""
    if not isinstance(data, dict):
        return False
    if "reference update failed" in str(data.get("message", "")).lower():
        return True
    for error in data.get("errors") or []:
        if (
            isinstance(error, dict)
            and error.get("field") == "head"
            and error.get("code") == "invalid"
        ):
            return True
    return False


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


def map_error(
    status: int, headers: Mapping[str, Any], data: Any, what: str, *, retry_422: bool = False
) -> Exception:
    """The forge error for an HTTP error answer from GitHub; `retry_422`: any 422 is transient."""
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
    if status == 422 and (retry_422 or transient_422(data)):
        return TransientForgeError(text, status=status, retry_after=TRANSIENT_422_WAIT)
    if status == 401:
        return PermanentForgeError(
            f"{what}: GitHub refused the credentials ({message}).", status=401
        )
    return PermanentForgeError(text, status=status)
