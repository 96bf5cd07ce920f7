"""Forks: find or create the bot's fork of the upstream repository, keep it up to date."""

from __future__ import annotations

import time

from ..errors import PermanentForgeError
from .transport import FORK_SETTLE_SECONDS, GitHubTransport, _repo_path, _when, same_repo


class Forks(GitHubTransport):
    """The fork that fork mode pushes its branches to."""

    def ensure_fork(self, *, upstream: str, owner: str) -> str:
        name = upstream.partition("/")[2]
        fork = f"{owner}/{name}"
        known = self._forks.get(fork.casefold())
        if known is not None:
            return known
        status, _, data = self._send(
            "GET", _repo_path(fork), what=f"look for the fork {fork}", missing_ok=True
        )
        if status == 404:
            is_user = not self.is_app and owner.casefold() == self.bot_login().casefold()
            _, _, data = self._send(
                "POST",
                _repo_path(upstream, "forks"),
                what=f"fork {upstream}",
                body={} if is_user else {"organization": owner},
                creates=True,
            )
        elif not data.get("fork") or not same_repo(
            (data.get("parent") or {}).get("full_name"), upstream
        ):
            raise PermanentForgeError(f"{fork} exists but is not a fork of {upstream}.")
        # GitHub answers in the names' canonical case, whatever case we asked in.
        fork = str(data.get("full_name") or fork)
        self._forks[fork.casefold()] = fork
        created = _when(data.get("created_at"))
        if created is not None and time.time() - created.timestamp() < FORK_SETTLE_SECONDS:
            self._settling[fork.casefold()] = created.timestamp() + FORK_SETTLE_SECONDS
        return fork

    def sync_fork(self, *, fork: str, branch: str) -> None:
        try:
            self._send(
                "POST",
                _repo_path(fork, "merge-upstream"),
                what=f"bring {fork} up to date",
                body={"branch": branch},
                retry_422=True,
            )
        except PermanentForgeError as error:
            raise self._unless_fork_settling(fork, error) from error
