"""`bin/serve`, the production command, from a fresh copy of the project: gunicorn with DEBUG off,
`check --deploy` clean, static files served, health green; and it refuses unsafe settings."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import REPO_ROOT, test_database_url

HOST_NAME = "portal.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_copy(target: Path) -> Path:
    """The project's files as a clone would have them (tracked and new, nothing ignored)."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, names):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
            (target / name).chmod(source.stat().st_mode)
    # The virtual environment bin/serve would create from requirements.txt, already made.
    (target / ".venv").symlink_to(REPO_ROOT / ".venv")
    return target


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "GITHUB_", "SECURE_")) and key != "DEBUG"
    }
    env.update(
        CEPHPORTAL_ENV_FILE="/nonexistent",
        DEBUG="false",
        SECRET_KEY="production-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
        ALLOWED_HOSTS=HOST_NAME,
        CEPHPORTAL_VAR_DIR=str(tmp_path / "var"),
        CELERY_QUEUE=f"serve-test-{uuid.uuid4().hex[:8]}",
        CELERY_CONCURRENCY="1",
        LOG_FORMAT="json",
    )
    env.update(extra)
    return env


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One GET as a client behind the TLS proxy would send it (redirects are not followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request(
            "GET", path, headers={"Host": HOST_NAME, "X-Forwarded-Proto": "https", **headers}
        )
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{log.read_text()[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listened on {port}:\n{log.read_text()[-3000:]}")


def start(copy: Path, env: dict[str, str], kind: str, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            ["bin/serve", kind], cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_production_command_serves_the_portal_from_a_fresh_copy(tmp_path):
    # given a fresh copy of the project and production settings (DEBUG off)
    copy = fresh_copy(tmp_path / "cephportal")
    port = free_port()
    env = production_env(tmp_path, DATABASE_URL=test_database_url(), PORT=str(port))
    # when it is set up: the deploy checks pass, then migrate and collectstatic
    check = subprocess.run(
        [".venv/bin/python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=copy, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    setup = subprocess.run(
        ["bin/serve", "setup"], cwd=copy, env=env, capture_output=True, text=True, timeout=300
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert (tmp_path / "var" / "staticfiles" / "staticfiles.json").is_file()
    # and the web and a worker are started as the deployment files start them
    web = start(copy, env, "web", tmp_path / "web.log")
    worker = start(copy, env, "worker", tmp_path / "worker.log")
    try:
        wait_for_port(port, web, tmp_path / "web.log")
        # then the home page is served by gunicorn, without DEBUG's error pages
        status, headers, body = get(port, "/")
        assert status == 200
        assert headers.get("Server", "").startswith("gunicorn")
        assert get(port, "/no-such-page/")[2].find(b"Traceback") == -1
        assert b"DEBUG = True" not in get(port, "/no-such-page/")[2]
        # and its static files, under their hashed names, by whitenoise, cached for good
        stylesheet = re.search(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)
        assert stylesheet, body[:2000]
        status, headers, css = get(port, stylesheet.group(1).decode())
        assert status == 200 and b"{" in css
        assert "immutable" in headers.get("Cache-Control", "")
        # and plain http is sent to https, except the health checks
        assert get(port, "/", **{"X-Forwarded-Proto": "http"})[0] == 301
        assert get(port, "/health/live/", **{"X-Forwarded-Proto": "http"})[0] == 200
        # and health is green once the worker answers
        deadline = time.monotonic() + 60
        while (report := get(port, "/health/", Accept="application/json"))[0] != 200:
            assert time.monotonic() < deadline, report[2]
            time.sleep(1)
        # and the checks a process manager runs agree
        for kind in ("web", "worker"):
            probe = subprocess.run(
                ["bin/serve", "health", kind], cwd=copy, env=env, capture_output=True,
                text=True, timeout=60,
            )  # fmt: skip
            assert probe.returncode == 0, (kind, probe.stderr)
        # and each request was logged as JSON with its request id, which the response echoes
        status, headers, _ = get(port, "/health/live/", **{"X-Request-ID": "probe-1234abcd"})
        assert headers["X-Request-ID"] == "probe-1234abcd"
    finally:
        stop(web, worker)
    assert '"request_id": "probe-1234abcd"' in (tmp_path / "web.log").read_text()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
    ],
)
def test_the_production_command_refuses_unsafe_settings(tmp_path, change, reason):
    # given production settings with one thing wrong
    env = production_env(tmp_path, PORT=str(free_port()), **change)
    env = {key: value for key, value in env.items() if value != ""}
    # when the web is started
    result = subprocess.run(
        [str(REPO_ROOT / "bin" / "serve"), "web"], cwd=REPO_ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    # then it stops at once and says why
    assert result.returncode != 0
    assert "will not start" in result.stderr and reason in result.stderr, result.stderr


@pytest.mark.services
def test_a_second_beat_refuses_to_run(tmp_path):
    # given one beat running on this run's broker
    env = production_env(tmp_path, REDIS_URL=settings.REDIS_URL, DATABASE_URL=sqlite_url(tmp_path))
    first = start(REPO_ROOT, env, "beat", tmp_path / "beat-1.log")
    try:
        deadline = time.monotonic() + 60
        while not beat_is_healthy(env):
            assert first.poll() is None, (tmp_path / "beat-1.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "beat-1.log").read_text()[-3000:]
            time.sleep(0.5)
        # when a second one is started
        second = subprocess.run(
            ["bin/serve", "beat"], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        # then it exits, saying another beat holds the lock, and the first one runs on
        assert second.returncode != 0
        assert "another beat holds the lock" in second.stdout + second.stderr
        assert first.poll() is None
    finally:
        stop(first)
    # and once the first has stopped, the lock is free for the next one
    assert not beat_is_healthy(env)


def beat_is_healthy(env: dict[str, str]) -> bool:
    probe = subprocess.run(
        ["bin/serve", "health", "beat"], cwd=REPO_ROOT, env=env, capture_output=True, timeout=60
    )
    return probe.returncode == 0


def sqlite_url(tmp_path: Path) -> str:
    """Beat needs no tables: a throw-away SQLite file is enough."""
    return f"sqlite:///{tmp_path / 'beat.sqlite3'}"
