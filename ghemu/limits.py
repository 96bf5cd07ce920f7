"""Primary and secondary rate limits, and the request counters tests assert on.

Content-creating requests (the secondary "80 a minute, 500 an hour" budget) are the POST/PUT
routes in ``CONTENT_CREATING``: blobs, trees, commits, refs, file contents, pull requests, issue
comments, reviews, review requests, forks, labels and hooks. Updates and deletions (PATCH ref, PATCH
pull, merges, label
changes on an issue, ref deletion) are not counted, matching GitHub's wording ("creating content").

``Limits.time_scale`` speeds the limit clock up: every window (and Retry-After) is divided by it,
while time itself stays real, so reset times in headers remain true epoch seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

from ghemu.config import Limits

CONTENT_CREATING: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/repos/{owner}/{repo}/git/blobs"),
        ("POST", "/repos/{owner}/{repo}/git/trees"),
        ("POST", "/repos/{owner}/{repo}/git/commits"),
        ("POST", "/repos/{owner}/{repo}/git/refs"),
        ("PUT", "/repos/{owner}/{repo}/contents/{path:any}"),
        ("POST", "/repos/{owner}/{repo}/pulls"),
        ("POST", "/repos/{owner}/{repo}/issues/{number:int}/comments"),
        ("POST", "/repos/{owner}/{repo}/pulls/{number:int}/reviews"),
        ("POST", "/repos/{owner}/{repo}/pulls/{number:int}/comments"),
        ("POST", "/repos/{owner}/{repo}/pulls/{number:int}/requested_reviewers"),
        ("POST", "/repos/{owner}/{repo}/forks"),
        ("POST", "/repos/{owner}/{repo}/labels"),
        ("POST", "/repos/{owner}/{repo}/hooks"),
    }
)


@dataclass(frozen=True)
class PrimaryState:
    """What the ``x-ratelimit-*`` headers report."""

    limit: int
    remaining: int
    used: int
    reset: int
    resource: str = "core"

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-reset": str(self.reset),
            "x-ratelimit-resource": self.resource,
        }


class RateLimiter:
    """Fixed primary windows per identity (GitHub's hourly reset), sliding secondary windows."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._clock = time.time
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, used)
        self._creations: dict[str, deque[float]] = {}

    def scaled(self, seconds: float) -> float:
        """A duration of the emulated clock in real seconds (``Limits.time_scale``)."""
        scale = self.limits.time_scale
        return seconds if scale == 1 else seconds / scale

    def _window(self, key: str, now: float) -> tuple[float, int]:
        start, used = self._windows.get(key, (now, 0))
        if now >= start + self.scaled(self.limits.window_seconds):
            start, used = now, 0
        return start, used

    def _state(self, start: float, used: int, limit: int) -> PrimaryState:
        reset = int(start + self.scaled(self.limits.window_seconds) + 0.999)
        return PrimaryState(limit, max(limit - used, 0), used, reset)

    def peek(self, key: str, limit: int) -> PrimaryState:
        now = self._clock()
        with self._lock:
            start, used = self._window(key, now)
            return self._state(start, used, limit)

    def take(self, key: str, limit: int) -> tuple[bool, PrimaryState]:
        """Spend one request; False (nothing spent) when the window is exhausted."""
        now = self._clock()
        with self._lock:
            start, used = self._window(key, now)
            if used >= limit:
                self._windows[key] = (start, used)
                return False, self._state(start, used, limit)
            used += 1
            self._windows[key] = (start, used)
            return True, self._state(start, used, limit)

    def refund(self, key: str, limit: int) -> PrimaryState:
        """Give one request back (a 304 answer is free on GitHub)."""
        now = self._clock()
        with self._lock:
            start, used = self._window(key, now)
            used = max(used - 1, 0)
            self._windows[key] = (start, used)
            return self._state(start, used, limit)

    def take_content_creation(self, key: str) -> int | None:
        """Record one content-creating request; the Retry-After seconds when over the budget."""
        now = self._clock()
        minute, hour = self.scaled(60), self.scaled(3600)
        with self._lock:
            stamps = self._creations.setdefault(key, deque())
            while stamps and stamps[0] <= now - hour:
                stamps.popleft()
            last_minute = sum(1 for t in stamps if t > now - minute)
            if (
                last_minute >= self.limits.secondary_per_minute
                or len(stamps) >= self.limits.secondary_per_hour
            ):
                return self.retry_after()
            stamps.append(now)
            return None

    def retry_after(self) -> int:
        """Retry-After for a secondary limit: scaled, rounded up to whole seconds, at least 1."""
        seconds = self.limits.secondary_retry_after
        if self.limits.time_scale == 1:
            return seconds
        return max(math.ceil(seconds / self.limits.time_scale), 1)

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()
            self._creations.clear()


class Counters:
    """Requests received and limit violations ("no request breaks the emulated limits")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.by_route: Counter[str] = Counter()
            self.by_path: Counter[str] = Counter()
            self.by_user: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.violations: Counter[str] = Counter()
            self.violations_by_user: Counter[str] = Counter()
            self.injected: Counter[str] = Counter()
            self.content_creating: Counter[str] = Counter()

    def request(self, method: str, route: str, path: str, user: str) -> None:
        with self._lock:
            self.total += 1
            self.by_route[f"{method} {route}"] += 1
            self.by_path[f"{method} {path}"] += 1
            self.by_user[user] += 1

    def status(self, status: int) -> None:
        with self._lock:
            self.by_status[str(status)] += 1

    def violation(self, kind: str, user: str) -> None:
        with self._lock:
            self.violations[kind] += 1
            self.violations_by_user[f"{kind} {user}"] += 1

    def injection(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] += 1

    def creation(self, user: str) -> None:
        with self._lock:
            self.content_creating[user] += 1

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "total": self.total,
                "by_route": dict(self.by_route),
                "by_path": dict(self.by_path),
                "by_user": dict(self.by_user),
                "by_status": dict(self.by_status),
                "content_creating": dict(self.content_creating),
                "violations": {
                    "primary": self.violations["primary"],
                    "secondary": self.violations["secondary"],
                    "total": sum(self.violations.values()),
                    "by_user": dict(self.violations_by_user),
                },
                "injected_faults": dict(self.injected),
            }
