"""Fixtures for the emulator's contract tests: emulator, PyGithub clients, webhook sink."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import github
import pytest
from github.GithubRetry import GithubRetry

from ghemu.routing import Request, Response
from ghemu.testing import EmulatorHandle, running_emulator

from .contract import described, errors_of, response_validator

TAXONOMY = "ceph/ceph-taxonomy"
DOCS = "ceph/ceph-knowledge-docs"


def make_client(gh: EmulatorHandle, token: str | None = None, **kwargs: Any) -> github.Github:
    """PyGithub against the emulator, without the client-side pauses between requests."""
    kwargs.setdefault("seconds_between_requests", 0)
    kwargs.setdefault("seconds_between_writes", 0)
    kwargs.setdefault("retry", GithubRetry(total=3, backoff_factor=0, secondary_rate_wait=1))
    return gh.github(token, **kwargs)


@pytest.fixture
def gh(tmp_path, recorder: Recorder) -> Iterator[EmulatorHandle]:
    """A running emulator; every answer it gives during the test must match openapi-subset.json."""
    with running_emulator(tmp_path / "ghemu") as handle:
        assert handle.server is not None
        handle.server.api.observers.append(recorder)
        yield handle
    recorder.assert_valid()


@pytest.fixture
def bot(gh: EmulatorHandle) -> github.Github:
    return make_client(gh, gh.bot_token, lazy=True)


@pytest.fixture
def maintainer(gh: EmulatorHandle) -> github.Github:
    return make_client(gh, gh.maintainer_token)


@dataclass
class Exchange:
    method: str
    route: str
    path: str
    status: int
    body: bytes


@dataclass
class Recorder:
    exchanges: list[Exchange] = field(default_factory=list)

    def __call__(self, req: Request, response: Response, payload: bytes) -> None:
        self.exchanges.append(Exchange(req.method, req.route, req.path, response.status, payload))

    def assert_valid(self) -> list[str]:
        """Every JSON answer of a described operation validates; returns the undescribed routes."""
        failures, undescribed = [], set()
        for ex in self.exchanges:
            if not ex.body:
                continue
            validator = response_validator(ex.method, ex.route, ex.status)
            if validator is None:
                if not described(ex.method, ex.route) or ex.status >= 400:
                    undescribed.add(f"{ex.method} {ex.route} {ex.status}")
                continue
            problems = errors_of(validator, json.loads(ex.body))
            if problems:
                failures.append(f"{ex.method} {ex.path} {ex.status}: {problems[:5]}")
        assert not failures, "\n".join(failures)
        return sorted(undescribed)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> str:
        return self.headers["x-github-event"]

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookSink:
    """A loopback HTTP server standing in for the portal's webhook endpoint."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status = 200
        self._cond = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink._cond:
                    sink.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    sink._cond.notify_all()
                self.send_response(sink.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/github/webhook/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"expected {count} deliveries, got {[r.event for r in self.received]}"
                    )
                self._cond.wait(remaining)
            return list(self.received)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def sink() -> Iterator[WebhookSink]:
    server = WebhookSink()
    yield server
    server.close()
