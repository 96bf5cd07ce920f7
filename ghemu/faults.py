"""Injectable faults, settable at start (config) and at runtime (``/_emulator/faults``).

Kinds:

- ``error``: answer ``status`` (default 502) instead of handling the request;
- ``error_after_success``: handle the request (the write is applied), then answer ``status`` anyway;
- ``delay``: sleep ``seconds`` before handling;
- ``drop_webhook``: record matching webhook deliveries as dropped instead of sending them.

Each rule matches on ``method`` (any when empty), ``path`` (a regular expression searched in the
path below ``/api/v3``, without query), ``user`` (the caller's login), or, for webhooks, ``event``
and ``action``.
``skip`` lets the first N matches through; ``count`` (None = forever) bounds how many it hits.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("error", "error_after_success", "delay", "drop_webhook")
# GitHub's passing 422s, by name, for ``{"kind": "error", "github_error": NAME}``: the answer's
# status and body are GitHub's (a client should retry these a few times before giving up).
GITHUB_ERRORS: dict[str, dict[str, Any]] = {
    "head_invalid": {
        "message": "Validation Failed",
        "errors": [{"resource": "PullRequest", "field": "head", "code": "invalid"}],
        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
    },
    "reference_update_failed": {
        "message": "Reference update failed",
        "documentation_url": "https://docs.github.com/rest/git/refs#create-a-reference",
    },
    "merge_upstream_failed": {
        "message": "Validation Failed",
        "documentation_url": "https://docs.github.com/rest/branches/branches#sync-a-fork-branch-with-the-upstream-repository",
    },
}


@dataclass
class FaultRule:
    kind: str
    method: str | None = None
    path: str | None = None
    user: str | None = None
    event: str | None = None
    action: str | None = None
    status: int = 502
    body: Any = None  # JSON value or text; a GitHub-like message when None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    github_error: str | None = None  # a name from GITHUB_ERRORS: status 422 and GitHub's body
    count: int | None = 1
    skip: int = 0
    id: int = 0
    hits: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {KINDS}")
        if self.path:
            re.compile(self.path)
        if self.github_error is not None:
            if self.github_error not in GITHUB_ERRORS:
                raise ValueError(f"unknown github_error {self.github_error!r}")
            self.status = 422

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.hits >= self.count

    def response_body(self) -> Any:
        if self.body is not None:
            return self.body
        if self.github_error is not None:
            return GITHUB_ERRORS[self.github_error]
        return {"message": "Server Error" if self.status >= 500 else "Injected fault"}


class FaultSet:
    """Thread-safe list of rules; ``take`` consumes one hit of the first matching rule."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._next_id = 1

    def add(self, spec: dict[str, Any]) -> FaultRule:
        spec = {k: v for k, v in spec.items() if k not in ("id", "hits")}
        rule = FaultRule(**spec)
        with self._lock:
            rule.id = self._next_id
            self._next_id += 1
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{**asdict(r), "exhausted": r.exhausted} for r in self._rules]

    def _consume(self, rule: FaultRule) -> bool:
        """Count one match; True when this match is one the rule fires on."""
        if rule.skip > 0:
            rule.skip -= 1
            return False
        rule.hits += 1
        return True

    def take(self, kind: str, method: str, path: str, user: str | None) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.kind != kind or rule.exhausted:
                    continue
                if rule.method and rule.method.upper() != method:
                    continue
                if rule.path and not re.search(rule.path, path):
                    continue
                if rule.user and rule.user != user:
                    continue
                if self._consume(rule):
                    return rule
            return None

    def take_webhook(self, event: str, action: str | None, url: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.kind != "drop_webhook" or rule.exhausted:
                    continue
                if rule.event and rule.event != event:
                    continue
                if rule.action and rule.action != action:
                    continue
                if rule.path and not re.search(rule.path, url):
                    continue
                if self._consume(rule):
                    return rule
            return None
