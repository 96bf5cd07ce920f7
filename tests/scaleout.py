"""Several web and worker processes on one database and broker, and a driver that takes entries
from submission to pull request through the API: shared by the scale-out test and benchmark.

The caller provides the environment (database, broker queue, GitHub emulator); this module
starts gunicorn and Celery as separate processes and drives them over loopback HTTP.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ATTRIBUTION = {
    "title": "Ceph documentation",
    "link": "https://docs.ceph.com/en/latest/",
    "revision": "reef",
    "license": "CC-BY-SA-4.0",
    "creators": "The Ceph authors",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def skill_draft(n: int, tag: str) -> dict:
    return {
        "entry": {
            "version": 3,
            "created_by": "scaleout",
            "task_description": f"Answer an operator's question about Ceph health, set {tag}-{n}.",
            "seed_examples": [
                {
                    "question": f"How do I see why the cluster is unhealthy, case {n}.{i}?",
                    "answer": f"Run `ceph health detail` and read each warning ({tag} {n}.{i}).",
                }
                for i in range(1, 6)
            ],
        },
        "attribution": ATTRIBUTION,
    }


def stop_processes(processes: list[subprocess.Popen], *, timeout: float) -> None:
    """Ask every process to stop, then kill those still running after `timeout` seconds."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@dataclass
class Fleet:
    """The processes started, to be stopped together."""

    env: dict[str, str]
    log_dir: Path
    processes: list[Process] = field(default_factory=list)
    web_ports: list[int] = field(default_factory=list)

    def _spawn(self, name: str, argv: list[str], extra_env: dict[str, str]) -> Process:
        log = self.log_dir / f"{name}.log"
        with log.open("w") as out:
            popen = subprocess.Popen(
                argv, cwd=REPO_ROOT, env={**self.env, **extra_env}, stdout=out,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def start_web(self, *, threads: int = 4) -> int:
        """One gunicorn (its own master and one worker process) on a free port."""
        port = free_port()
        process = self._spawn(
            f"web-{len(self.web_ports) + 1}",
            [
                str(Path(sys.executable).parent / "gunicorn"), "--config",
                "python:cephportal.gunicorn_conf", "cephportal.wsgi:application",
            ],
            {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
             "WEB_THREADS": str(threads), "WEB_MAX_REQUESTS": "0"},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{process.tail()}") from None
                time.sleep(0.2)
        self.web_ports.append(port)
        return port

    def start_worker(self) -> Process:
        """One Celery worker process (solo pool: one task at a time)."""
        name = f"worker-{sum(p.name.startswith('worker') for p in self.processes) + 1}"
        process = self._spawn(
            name,
            [
                sys.executable, "-m", "celery", "-A", "cephportal", "worker", "--pool=solo",
                "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h",
            ],
            {},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while "ready." not in process.log.read_text(errors="replace"):
            if process.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{process.tail()}")
            time.sleep(0.2)
        return process

    def workers(self) -> list[Process]:
        return [p for p in self.processes if p.name.startswith("worker")]

    def stop(self) -> None:
        stop_processes([process.popen for process in self.processes], timeout=30)


@contextmanager
def fleet(env: dict[str, str], log_dir: Path) -> Iterator[Fleet]:
    started = Fleet(env=env, log_dir=log_dir)
    try:
        yield started
    finally:
        started.stop()


class Api:
    """JSON over keep-alive connections, one per thread and web port."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self._local = threading.local()

    def _connection(self, port: int) -> http.client.HTTPConnection:
        connections = self._local.__dict__.setdefault("connections", {})
        if port not in connections:
            connections[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        return connections[port]

    def call(self, method: str, path: str, *, token: str, port: int, body=None):
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            connection = self._connection(port)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                # A keep-alive connection the server closed meanwhile: open a new one once.
                connection.close()
                self._local.connections.pop(port, None)
                if attempt:
                    raise
        return response.status, (json.loads(data) if data else None)


@dataclass
class DriveResult:
    ids: list[int]
    statuses: Counter
    failures: list[str]
    seconds: float


def drive_entries(
    *,
    ports: list[int],
    authors: list[str],
    reviewers: list[str],
    count: int,
    concurrency: int = 12,
    tag: str = "",
) -> DriveResult:
    """Create, submit and approve `count` skills through the API, spread over the web ports.

    Each entry's three calls go to different web processes, so no step relies on the process
    that served the previous one.
    """
    api = Api(ports)
    tag = tag or uuid.uuid4().hex[:6]
    statuses: Counter = Counter()
    failures: list[str] = []
    ids: list[int] = []
    lock = threading.Lock()

    def one(n: int) -> None:
        author, reviewer = authors[n % len(authors)], reviewers[n % len(reviewers)]
        steps = []
        status, body = api.call(
            "POST", "/api/contributions/", token=author, port=ports[n % len(ports)],
            body={"kind": "skill", "summary": f"Scale-out entry {tag} {n}",
                  "taxonomy_path": f"compositional_skills/technology/ceph/scale_{tag}_{n}",
                  "draft": skill_draft(n, tag)},
        )  # fmt: skip
        steps.append(("create", status, body))
        if status == 201:
            entry = body["id"]
            status, body = api.call(
                "POST", f"/api/contributions/{entry}/submit/", token=author,
                port=ports[(n + 1) % len(ports)], body={"dco_consent": True},
            )  # fmt: skip
            steps.append(("submit", status, body))
            if status == 200:
                status, body = api.call(
                    "POST", f"/api/review/entries/{entry}/approve/", token=reviewer,
                    port=ports[(n + 2) % len(ports)], body={},
                )  # fmt: skip
                steps.append(("approve", status, body))
            with lock:
                ids.append(entry)
        with lock:
            for step, status, body in steps:
                statuses[status] += 1
                if status >= 300:
                    failures.append(f"entry {n} {step}: {status} {body}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(one, n) for n in range(count)]:
            future.result()
    return DriveResult(sorted(ids), statuses, failures, time.monotonic() - started)


def wait_until(condition, *, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def tasks_done_by(process: Process, task: str) -> int:
    """How many `task` runs this worker's log says succeeded."""
    return sum(
        1
        for line in process.log.read_text(errors="replace").splitlines()
        if f"Task {task}[" in line and "succeeded" in line
    )
