"""The GitHub implementation of the forge, on PyGithub's client.

The parts: `errors` (GitHub's answers mapped into the forge's error family, the retry policy),
`transport` (the one request helper, the content budget, who we are), `pulls` (pull requests and
their feedback), `gitdata` (branches, trees, commits, refs) and `forks`.
"""

from __future__ import annotations

import hashlib

from .errors import BoundedRetry, map_error
from .forks import Forks
from .gitdata import GitData
from .pulls import PullRequests
from .transport import GitHubTransport

__all__ = ["BoundedRetry", "GitHubForge", "GitHubTransport", "budget_key", "map_error"]


class GitHubForge(PullRequests, GitData, Forks):
    """The forge on GitHub (github.com, Enterprise, or the local emulator)."""


def budget_key(base_url: str, identity: str) -> str:
    """One ledger per host and identity: GitHub counts the limits per user or installation."""
    return hashlib.sha256(f"{base_url}|{identity}".encode()).hexdigest()[:24]
