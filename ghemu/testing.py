"""Fixture-friendly ways to run an emulator: in-process (a thread) or as a subprocess.

    with running_emulator(tmp_path) as gh:
        repo = gh.github().get_repo("ceph/ceph-taxonomy")   # PyGithub as the bot
        ...
        gh.merge_pull("ceph/ceph-taxonomy", 1)               # as the maintainer
        assert gh.violations() == 0

Both handles offer the ``EmulatorClient`` helpers (faults, limits, counters, state, deliveries,
maintainer actions) plus ``base_url``, ``tokens`` and the standard tokens by role.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ghemu.client import EmulatorClient
from ghemu.config import EmulatorConfig, default_config
from ghemu.server import EmulatorServer


class EmulatorHandle(EmulatorClient):
    """A running emulator: its URLs, tokens by login, and the admin/maintainer helpers."""

    def __init__(
        self, root_url: str, config: EmulatorConfig, server: EmulatorServer | None = None
    ) -> None:
        super().__init__(root_url)
        self.config = config
        self.server = server  # set in-process only: direct access to state for white-box tests
        self.tokens: dict[str, str] = config.user_tokens()
        self.data_dir = Path(config.data_dir)

    def token(self, role_or_login: str) -> str:
        """Token of a role (``bot``, ``fork_bot``, ``maintainer``, ``reviewer``) or of a login."""
        return self.config.token_for_role(role_or_login)

    @property
    def bot_token(self) -> str:
        return self.token("bot")

    @property
    def fork_bot_token(self) -> str:
        return self.token("fork_bot")

    @property
    def maintainer_token(self) -> str:
        return self.token("maintainer")

    def git_dir(self, full_name: str) -> Path:
        owner, name = full_name.split("/", 1)
        return self.data_dir / "git" / owner / f"{name}.git"

    def github(self, token: str | None = None, **kwargs: Any) -> Any:
        """A PyGithub client for this emulator (the bot's token by default)."""
        import github  # only needed by callers that use PyGithub

        kwargs.setdefault("base_url", self.base_url)
        return github.Github(auth=github.Auth.Token(token or self.bot_token), **kwargs)

    # Maintainer actions default to the maintainer's token.
    def merge_pull(
        self,
        full_name: str,
        number: int,
        token: str | None = None,
        method: str = "merge",
        **extra: Any,
    ) -> Any:
        return super().merge_pull(
            full_name, number, token or self.maintainer_token, method, **extra
        )

    def close_pull(self, full_name: str, number: int, token: str | None = None) -> Any:
        return super().close_pull(full_name, number, token or self.maintainer_token)

    def reopen_pull(self, full_name: str, number: int, token: str | None = None) -> Any:
        return super().reopen_pull(full_name, number, token or self.maintainer_token)

    def review_pull(
        self,
        full_name: str,
        number: int,
        token: str | None = None,
        event: str = "COMMENT",
        body: str = "",
        comments: list[dict[str, Any]] | None = None,
    ) -> Any:
        return super().review_pull(
            full_name, number, token or self.maintainer_token, event, body, comments
        )

    def comment_pull(
        self, full_name: str, number: int, token: str | None = None, body: str = ""
    ) -> Any:
        return super().comment_pull(full_name, number, token or self.maintainer_token, body)


def _config(
    data_dir: Path | str, config: EmulatorConfig | None, overrides: dict[str, Any]
) -> EmulatorConfig:
    if config is None:
        overrides.setdefault("port", 0)
        overrides.setdefault("persist", False)
        return default_config(Path(data_dir), **overrides)
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


@contextlib.contextmanager
def running_emulator(
    data_dir: Path | str, config: EmulatorConfig | None = None, **overrides: Any
) -> Iterator[EmulatorHandle]:
    """Start an emulator on a free loopback port in a background thread.

    ``overrides`` are ``default_config`` keywords or ``EmulatorConfig`` fields, e.g.
    ``webhook_url=..., webhook_secret=..., limits=Limits(primary_per_hour=100), faults=[...]``.
    """
    cfg = _config(data_dir, config, dict(overrides))
    server = EmulatorServer(cfg).start()
    try:
        yield EmulatorHandle(server.root_url, cfg, server)
    finally:
        server.stop()


class EmulatorProcess(EmulatorHandle):
    """An emulator in a child process (``python -m ghemu serve``)."""

    def __init__(
        self, root_url: str, config: EmulatorConfig, process: subprocess.Popen[bytes]
    ) -> None:
        super().__init__(root_url, config)
        self.process = process

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_emulator_process(
    data_dir: Path | str,
    config: EmulatorConfig | None = None,
    *,
    timeout: float = 30.0,
    **overrides: Any,
) -> EmulatorProcess:
    """Start ``python -m ghemu serve`` with this configuration; wait until it is healthy."""
    cfg = _config(data_dir, config, dict(overrides))
    Path(cfg.data_dir).mkdir(parents=True, exist_ok=True)
    config_file = Path(cfg.data_dir) / "emulator-config.json"
    ready_file = Path(cfg.data_dir) / "emulator-ready.json"
    ready_file.unlink(missing_ok=True)
    config_file.write_text(cfg.to_json())
    log = open(Path(cfg.data_dir) / "emulator.log", "ab")  # noqa: SIM115 - owned by the child process
    project_root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [project_root, os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ghemu",
            "serve",
            "--config",
            str(config_file),
            "--ready-file",
            str(ready_file),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    log.close()
    deadline = time.monotonic() + timeout
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"emulator did not start; see {Path(cfg.data_dir) / 'emulator.log'}")
        time.sleep(0.05)
    root_url = json.loads(ready_file.read_text())["root_url"]
    handle = EmulatorProcess(root_url, cfg, process)
    handle.wait_until_healthy(timeout)
    return handle


@contextlib.contextmanager
def emulator_process(
    data_dir: Path | str, config: EmulatorConfig | None = None, **overrides: Any
) -> Iterator[EmulatorProcess]:
    """Context-manager form of :func:`start_emulator_process`."""
    handle = start_emulator_process(data_dir, config, **overrides)
    try:
        yield handle
    finally:
        handle.stop()
