"""The budget for GitHub's secondary limit on content-creating requests, shared by every worker.

GitHub allows about 80 content-creating requests a minute and 500 an hour per identity (creating
trees, commits, refs, pull requests, comments, forks...). Going over earns a 403 and, if repeated,
a longer block. So every such request is entered in one ledger per identity, and the ledger is
kept within every window (widened by a small margin, since a request reaches GitHub a little
after it is entered):

- before a pull request starts, all its requests are reserved at the earliest moment the
  windows have room for them, so a pull request is not stopped half-way; when that moment is
  far, nothing is reserved and the task is retried with a countdown (a worker never sleeps
  through a rate limit);
- as each request is sent, its reservation is moved to the moment it is really sent, so the
  ledger holds when requests left, not when they were planned; if the ledger would then break
  a window (the request left late and others were entered meanwhile), it is booked afresh;
- what a pull request did not use is given back.

The ledger lives in Redis when REDIS_URL is set (many machines), else in a locked file under
VAR_DIR (one machine, many processes).
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# One ledger entry: the unix time a content-creating request was booked for.
Entry = float


@dataclass(frozen=True)
class Window:
    """At most `limit` requests in any `seconds`-long stretch."""

    limit: int
    seconds: float


def parse_windows(text: str) -> tuple[Window, ...]:
    """Read "80/60,500/3600" (requests per seconds, comma-separated)."""
    windows = []
    for part in text.split(","):
        if not part.strip():
            continue
        limit, _, seconds = part.partition("/")
        windows.append(Window(int(limit), float(seconds)))
    if not windows:
        raise ValueError("at least one window is needed, e.g. 80/60")
    return tuple(windows)


def earliest_slot(
    times: list[float], n: int, now: float, windows: tuple[Window, ...], margin: float
) -> float:
    """The earliest time >= now, and not before any booking, at which n more requests fit.

    `times` is sorted. Bookings are first come, first served, so only the windows that end at
    the new bookings need checking. `margin` widens every window: booked requests are sent a
    little after their booked time, and the host counts them when they arrive.
    """
    slot = max(now, times[-1]) if times else now
    for window in windows:
        room = window.limit - n
        if room < 0:
            raise ValueError(f"{n} requests can never fit a window of {window.limit}")
        if len(times) > room:
            slot = max(slot, times[-(room + 1)] + window.seconds + margin)
    return slot


def fits(times: list[float], windows: tuple[Window, ...], margin: float) -> bool:
    """Whether sorted `times` keep every window (widened by `margin`) within its limit."""
    for window in windows:
        span = window.seconds + margin
        first = 0
        for last, moment in enumerate(times):
            while times[first] <= moment - span:
                first += 1
            if last - first + 1 > window.limit:
                return False
    return True


class Ledger(Protocol):
    def transact(self, change: Callable[[list[Entry]], list[Entry]]) -> None:
        """Read the entries, let `change` return the new list, store it: atomically."""


class FileLedger:
    """Entries in a JSON file, changed under an exclusive lock (processes on one machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def transact(self, change: Callable[[list[Entry]], list[Entry]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.seek(0)
                text = handle.read()
                entries = json.loads(text) if text.strip() else []
                entries = change(entries)
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(entries))
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class RedisLedger:
    """Entries in one Redis key, changed under a Redis lock (processes on many machines)."""

    def __init__(self, url: str, key: str, ttl_seconds: int) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.key = key
        self.ttl_seconds = ttl_seconds

    def transact(self, change: Callable[[list[Entry]], list[Entry]]) -> None:
        with self.client.lock(f"{self.key}:lock", timeout=10, blocking_timeout=10):
            raw = self.client.get(self.key)
            entries = json.loads(raw) if raw else []
            self.client.set(self.key, json.dumps(change(entries)), ex=self.ttl_seconds)


@dataclass
class Reservation:
    """`count` requests reserved at `at` (unix time) and not sent yet."""

    at: float
    count: int


class BudgetExhausted(Exception):
    """No room soon enough: try again in `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"content budget exhausted; room in {retry_after:.1f}s")
        self.retry_after = retry_after


def _without(entries: list[Entry], value: float, count: int) -> list[Entry]:
    """`entries` with up to `count` occurrences of `value` removed."""
    kept = []
    for entry in entries:
        if count and entry == value:
            count -= 1
            continue
        kept.append(entry)
    return kept


class ContentBudget:
    """Keeps content-creating requests within the host's windows, in one shared ledger."""

    def __init__(
        self,
        *,
        ledger: Ledger,
        windows: tuple[Window, ...],
        margin: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ledger = ledger
        self.windows = windows
        self.margin = margin
        self.clock = clock
        self.horizon = max(w.seconds for w in windows) + margin

    def _live(self, entries: list[Entry], now: float) -> list[Entry]:
        return sorted(e for e in entries if e > now - self.horizon)

    def reserve(self, n: int, *, max_wait: float) -> Reservation:
        """Reserve n requests at the earliest time every window has room, if within `max_wait`.

        Raises BudgetExhausted (nothing reserved) when that time is further away.
        """
        now = self.clock()
        result: list[Reservation | float] = []

        def change(entries: list[Entry]) -> list[Entry]:
            entries = self._live(entries, now)
            at = earliest_slot(entries, n, now, self.windows, self.margin)
            if at - now > max_wait:
                result.append(at - now)
                return entries
            result.append(Reservation(at=at, count=n))
            return sorted([*entries, *([at] * n)])

        self.ledger.transact(change)
        outcome = result[0]
        if isinstance(outcome, Reservation):
            return outcome
        raise BudgetExhausted(outcome)

    def spend(self, reservation: Reservation | None, *, max_wait: float) -> float:
        """Enter one request about to be sent; returns how long to wait before sending it.

        A reserved request is moved to the moment it is sent, if the ledger stays within every
        window with it there; otherwise (sent late, others came meanwhile), or when nothing was
        reserved, it is booked afresh, which may raise BudgetExhausted.
        """
        now = self.clock()
        if reservation is not None and reservation.count > 0:
            reservation.count -= 1
            sent_at = max(now, reservation.at)
            moved: list[bool] = []

            def change(entries: list[Entry]) -> list[Entry]:
                others = _without(entries, reservation.at, 1)
                candidate = sorted([*others, sent_at])
                moved.append(fits(candidate, self.windows, self.margin))
                return candidate if moved[0] else others

            self.ledger.transact(change)
            if moved[0]:
                return sent_at - now
        fresh = self.reserve(1, max_wait=max_wait)
        return max(fresh.at - now, 0.0)

    def release(self, reservation: Reservation) -> None:
        """Give back the reserved requests that were not sent."""
        if reservation.count > 0:
            unused, reservation.count = reservation.count, 0
            self.ledger.transact(lambda entries: _without(entries, reservation.at, unused))

    def _entries(self) -> list[Entry]:
        seen: list[list[Entry]] = []

        def look(entries: list[Entry]) -> list[Entry]:
            seen.append(entries)
            return entries

        self.ledger.transact(look)
        return sorted(seen[0]) if seen else []

    def usage(self) -> dict[str, dict[str, int]]:
        """Requests entered in each window ending now: {"content_creating_60s": {limit, used}}."""
        now = self.clock()
        entries = self._entries()
        return {
            f"content_creating_{w.seconds:g}s": {
                "limit": w.limit,
                "used": sum(1 for e in entries if now - w.seconds < e <= now),
            }
            for w in self.windows
        }
