"""A small HTTP client for a running emulator: admin endpoints and maintainer actions.

Used by the CLI and by ``ghemu.testing``; it needs only the standard library, so a test or a shell
can drive an emulator in another process.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class EmulatorHTTPError(Exception):
    """The emulator answered with an error status."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class EmulatorClient:
    """Talks to ``root_url`` (``http://127.0.0.1:PORT``), never to anything else."""

    def __init__(self, root_url: str, timeout: float = 30.0) -> None:
        self.root_url = root_url.rstrip("/")
        self.timeout = timeout

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/api/v3"

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        query: dict[str, Any] | None = None,
    ) -> tuple[int, Any]:
        """One request; returns ``(status, decoded JSON or None)``; raises on 4xx/5xx."""
        url = self.root_url + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/vnd.github+json", "User-Agent": "ghemu-client"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"token {token}"
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an HTTP URL: {url}")
        req = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - loopback only
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = raw.decode(errors="replace")
            raise EmulatorHTTPError(exc.code, payload) from None

    def admin(self, method: str, endpoint: str, body: Any = None, **query: Any) -> Any:
        return self.request(method, f"/_emulator{endpoint}", body, query=query or None)[1]

    # -- lifecycle ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self.admin("GET", "/health")

    def wait_until_healthy(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.health()
                return
            except (OSError, EmulatorHTTPError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def token_for(self, login: str) -> str:
        for user in self.admin("GET", "/config")["users"]:
            if user["login"].lower() == login.lower() and user["tokens"]:
                return user["tokens"][0]
        raise KeyError(f"no token configured for {login}")

    # -- faults, limits, counters ---------------------------------------------------------------

    def add_fault(self, kind: str, **rule: Any) -> dict[str, Any]:
        """E.g. ``add_fault("error", method="POST", path="/git/refs$", status=502, count=1)``."""
        return self.admin("POST", "/faults", {"kind": kind, **rule})[0]

    def set_faults(self, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.admin("POST", "/faults", {"rules": rules, "replace": True})

    def faults(self) -> list[dict[str, Any]]:
        return self.admin("GET", "/faults")

    def clear_faults(self) -> None:
        self.admin("DELETE", "/faults")

    def set_limits(self, *, reset_usage: bool = False, **limits: Any) -> dict[str, Any]:
        return self.admin("POST", "/limits", {**limits, "reset_usage": reset_usage})

    def set_time_scale(self, time_scale: float, *, reset_usage: bool = True) -> dict[str, Any]:
        """Run the limit clock ``time_scale`` times faster (1.0: real time); returns the limits.

        Windows and Retry-After shrink by that factor. Usage is forgotten by default, so the
        caller and the emulator both start from empty windows on the new clock.
        """
        return self.set_limits(time_scale=time_scale, reset_usage=reset_usage)

    def counters(self) -> dict[str, Any]:
        return self.admin("GET", "/counters")

    def reset_counters(self) -> None:
        self.admin("POST", "/counters/reset")

    def violations(self) -> int:
        """How many requests were refused by a primary or secondary limit."""
        return int(self.counters()["violations"]["total"])

    # -- state ----------------------------------------------------------------------------------

    def repos(self) -> list[dict[str, Any]]:
        return self.admin("GET", "/repos")

    def pulls(self, full_name: str) -> list[dict[str, Any]]:
        return self.admin("GET", f"/repos/{full_name}/pulls")

    def read_file(self, full_name: str, path: str, ref: str | None = None) -> str | None:
        try:
            return self.admin("GET", f"/repos/{full_name}/file", path=path, ref=ref)["content"]
        except EmulatorHTTPError as exc:
            if exc.status == 404:
                return None
            raise

    def log(
        self, full_name: str, ref: str | None = None, limit: int | None = None
    ) -> dict[str, Any]:
        return self.admin("GET", f"/repos/{full_name}/log", ref=ref, limit=limit)

    def commit_count(self, full_name: str, ref: str | None = None) -> int:
        return int(self.log(full_name, ref, limit=1)["count"])

    def refs(self, full_name: str) -> dict[str, str]:
        return self.admin("GET", f"/repos/{full_name}/refs")

    def set_next_pull_number(self, full_name: str, number: int) -> None:
        self.admin("POST", f"/repos/{full_name}/next-number", {"number": number})

    def deliveries(
        self, event: str | None = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        return self.admin("GET", "/deliveries", event=event, action=action)

    def redeliver(self, delivery_id: int) -> int:
        return self.admin("POST", f"/deliveries/{delivery_id}/redeliver")["id"]

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """Block until every queued delivery was attempted."""
        self.admin("POST", "/webhooks/wait", timeout=timeout)

    # -- maintainer actions (through the REST API, as a maintainer would) -----------------------

    def merge_pull(
        self, full_name: str, number: int, token: str, method: str = "merge", **extra: Any
    ) -> Any:
        body = {"merge_method": method, **extra}
        return self.request("PUT", f"/api/v3/repos/{full_name}/pulls/{number}/merge", body, token)[
            1
        ]

    def close_pull(self, full_name: str, number: int, token: str) -> Any:
        return self.request(
            "PATCH", f"/api/v3/repos/{full_name}/pulls/{number}", {"state": "closed"}, token
        )[1]

    def reopen_pull(self, full_name: str, number: int, token: str) -> Any:
        return self.request(
            "PATCH", f"/api/v3/repos/{full_name}/pulls/{number}", {"state": "open"}, token
        )[1]

    def review_pull(
        self,
        full_name: str,
        number: int,
        token: str,
        event: str,
        body: str = "",
        comments: list[dict[str, Any]] | None = None,
    ) -> Any:
        """A review; ``comments`` are inline ones, ``{"path", "line", "body"}`` each."""
        payload: dict[str, Any] = {"event": event, "body": body}
        if comments:
            payload["comments"] = comments
        return self.request(
            "POST", f"/api/v3/repos/{full_name}/pulls/{number}/reviews", payload, token
        )[1]

    def dismiss_review(
        self, full_name: str, number: int, review_id: int, token: str, message: str = "Outdated"
    ) -> Any:
        path = f"/api/v3/repos/{full_name}/pulls/{number}/reviews/{review_id}/dismissals"
        return self.request("PUT", path, {"message": message}, token)[1]

    def edit_line_comment(self, full_name: str, comment_id: int, token: str, body: str) -> Any:
        path = f"/api/v3/repos/{full_name}/pulls/comments/{comment_id}"
        return self.request("PATCH", path, {"body": body}, token)[1]

    def delete_line_comment(self, full_name: str, comment_id: int, token: str) -> None:
        self.request(
            "DELETE", f"/api/v3/repos/{full_name}/pulls/comments/{comment_id}", None, token
        )

    def comment_pull(self, full_name: str, number: int, token: str, body: str) -> Any:
        return self.request(
            "POST", f"/api/v3/repos/{full_name}/issues/{number}/comments", {"body": body}, token
        )[1]
