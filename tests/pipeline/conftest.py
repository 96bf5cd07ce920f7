"""The GitHub emulator, the portal pointed at it, and real workers for the pipeline's tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from contributions.forge import reset_forge
from tests.conftest import REPO_ROOT, test_database_url
from tests.scaleout import stop_processes

WEBHOOK_SECRET = "pipeline-test-webhook-secret"
# Quick pacing for tests; the limits themselves stay GitHub's unless a test changes them.
FAST_GITHUB = {
    "GITHUB_SECONDS_BETWEEN_REQUESTS": "0",
    "GITHUB_SECONDS_BETWEEN_WRITES": "0",
    "GITHUB_CONTENT_MARGIN_SECONDS": "1",
    "PIPELINE_RETRY_BASE_SECONDS": "0.5",
}


@pytest.fixture
def emulator(tmp_path):
    from ghemu.testing import running_emulator

    with running_emulator(tmp_path / "ghemu") as handle:
        yield handle


def point_settings_at(settings, emulator) -> None:
    """This process's settings aimed at the emulator, as its bot."""
    settings.GITHUB_API_URL = emulator.base_url
    settings.GITHUB_TOKEN = emulator.bot_token
    settings.GITHUB_APP_ID = ""
    settings.GITHUB_FORK_MODE = False
    settings.GITHUB_WEBHOOK_SECRETS = [WEBHOOK_SECRET]
    settings.GITHUB_SECONDS_BETWEEN_REQUESTS = 0
    settings.GITHUB_SECONDS_BETWEEN_WRITES = 0
    settings.GITHUB_CONTENT_MARGIN_SECONDS = 1
    reset_forge()


@pytest.fixture
def github(emulator, settings):
    """The portal's settings pointed at the emulator as its bot, with quick pacing."""
    point_settings_at(settings, emulator)
    yield emulator
    reset_forge()


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.1)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def tail(self) -> str:
        return self.log.read_text()[-4000:]


@dataclass
class PipelineWorld:
    """An emulator posting webhooks to the live server, and workers on a queue of their own."""

    emulator: object
    queue: str
    env: dict[str, str]
    log_dir: Path
    workers: list[Worker] = field(default_factory=list)

    def start_worker(self, **extra_env: str) -> Worker:
        log = self.log_dir / f"worker-{len(self.workers) + 1}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "cephportal", "worker",
                    "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                    "--without-heartbeat", "-n", f"pipeline-{uuid.uuid4().hex[:8]}@%h",
                ],
                cwd=REPO_ROOT, env={**self.env, **extra_env}, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        worker = Worker(process, log)
        self.workers.append(worker)
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the worker did not start:\n{worker.tail()}")
            time.sleep(0.1)
        return worker

    def stop(self) -> None:
        stop_processes([worker.process for worker in self.workers], timeout=20)


@contextlib.contextmanager
def pipeline_world(tmp_path, live_server, settings, **emulator_options) -> Iterator[PipelineWorld]:
    """The emulator, this process and its workers all pointed at each other."""
    from celery import current_app

    from ghemu.testing import running_emulator

    queue = f"{os.environ.get('CELERY_QUEUE', 'cephportal-test')}-pipeline-{uuid.uuid4().hex[:8]}"
    with running_emulator(
        tmp_path / "ghemu",
        webhook_url=f"{live_server.url}/github/webhook/",
        webhook_secret=WEBHOOK_SECRET,
        **emulator_options,
    ) as emulator:
        point_settings_at(settings, emulator)
        settings.PORTAL_BASE_URL = live_server.url
        env = {
            **os.environ,
            **FAST_GITHUB,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": test_database_url(),
            "CELERY_QUEUE": queue,
            "GITHUB_API_URL": emulator.base_url,
            "GITHUB_TOKEN": emulator.bot_token,
            "GITHUB_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "PORTAL_BASE_URL": live_server.url,
        }
        app = current_app
        previous = (app.conf.task_always_eager, app.conf.task_default_queue)
        # Tasks sent from this process (and the live server's thread) go to this world's workers.
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        world = PipelineWorld(emulator=emulator, queue=queue, env=env, log_dir=tmp_path)
        try:
            yield world
        finally:
            world.stop()
            app.conf.task_always_eager, app.conf.task_default_queue = previous
            reset_forge()


@pytest.fixture
def world(tmp_path, live_server, settings, transactional_db):
    with pipeline_world(tmp_path, live_server, settings) as built:
        built.start_worker()
        yield built
