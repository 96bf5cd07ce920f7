"""Shared fixtures: users with roles, and a real Celery worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from contributions import roles

from .factories import ProfileFactory, UserFactory

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def contributor(db):
    user = UserFactory(roles=[roles.CONTRIBUTOR])
    ProfileFactory(user=user)
    return user


@pytest.fixture
def other_contributor(db):
    user = UserFactory(roles=[roles.CONTRIBUTOR])
    ProfileFactory(user=user)
    return user


@pytest.fixture
def reviewer(db):
    user = UserFactory(roles=[roles.CONTRIBUTOR, roles.REVIEWER])
    ProfileFactory(user=user)
    return user


@pytest.fixture
def admin_user(db):
    user = UserFactory(roles=[roles.CONTRIBUTOR, roles.REVIEWER, roles.ADMIN])
    ProfileFactory(user=user)
    return user


def test_database_url() -> str:
    """A DATABASE_URL that points a worker process at the test database of this run."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` in its own process, on this run's broker, queue and test database.

    Tests that use it must commit their data (`transaction=True`) so the worker can see it.
    """
    with django_db_blocker.unblock():
        database_url = test_database_url()
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": database_url,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "cephportal", "worker",
                "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle",
                "--without-heartbeat", "-n", f"test-{os.getpid()}@%h",
            ],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited early:\n{log.read_text()[-3000:]}")
        if "ready." in log.read_text():
            break
        time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def real_broker():
    """Send tasks to the broker for real instead of running them inline."""
    from cephportal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def fresh_quality_index():
    """Each test starts with an empty near-duplicate index (a process keeps one in memory)."""
    from contributions.services.quality import quality_index_reset

    quality_index_reset()
    yield
    quality_index_reset()
