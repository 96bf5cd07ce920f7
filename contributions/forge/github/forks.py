"""Forks: find or create the bot's fork of the upstream repository, keep it up to date."""

from __future__ import annotations

from ..errors import PermanentForgeError
from .transport import GitHubTransport, _repo_path


class Forks(GitHubTransport):
    """The fork that fork mode pushes its branches to."""

    def ensure_fork(self, *, upstream: str, owner: str) -> str:
        name = upstream.partition("/")[2]
        fork = f"{owner}/{name}"
        if fork in self._forks:
            return fork
        status, _, data = self._send(
            "GET", _repo_path(fork), what=f"look for the fork {fork}", missing_ok=True
        )
        if status == 404:
            is_user = not self.is_app and owner.lower() == self.bot_login().lower()
            _, _, data = self._send(
                "POST",
                _repo_path(upstream, "forks"),
                what=f"fork {upstream}",
                body={} if is_user else {"organization": owner},
                creates=True,
            )
            fork = str(data["full_name"])
        elif not data.get("fork") or (data.get("parent") or {}).get("full_name") != upstream:
            raise PermanentForgeError(f"{fork} exists but is not a fork of {upstream}.")
        self._forks.add(fork)
        return fork

    def sync_fork(self, *, fork: str, branch: str) -> None:
        self._send(
            "POST",
            _repo_path(fork, "merge-upstream"),
            what=f"bring {fork} up to date",
            body={"branch": branch},
        )
