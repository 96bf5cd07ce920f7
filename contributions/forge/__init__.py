"""The portal's only door to the git host: one interface, one error family, one client per process.

    from contributions.forge import get_forge, TransientForgeError, PermanentForgeError

`get_forge()` returns the GitHub implementation configured by settings (GITHUB_API_URL and a
token or a GitHub App installation), built once per worker process so PyGithub's throttling
state and the connection pool are shared by every task the process runs.
"""

from __future__ import annotations

import hashlib
import os
import threading

from django.conf import settings

from .base import (
    BranchHead,
    CommitInfo,
    Feedback,
    FeedbackPage,
    Forge,
    Identity,
    PullRequestInfo,
    RateLimitReading,
    TreeListing,
)
from .budget import ContentBudget, FileLedger, Ledger, RedisLedger, parse_windows
from .errors import ForgeError, PermanentForgeError, TransientForgeError

__all__ = [
    "BranchHead",
    "CommitInfo",
    "Feedback",
    "FeedbackPage",
    "Forge",
    "ForgeError",
    "Identity",
    "PermanentForgeError",
    "PullRequestInfo",
    "RateLimitReading",
    "TransientForgeError",
    "TreeListing",
    "get_forge",
    "is_configured",
    "reset_forge",
]

_lock = threading.Lock()
_cached: dict[tuple, Forge] = {}


def is_configured() -> bool:
    """Whether the portal has credentials for a git host."""
    return bool(settings.GITHUB_TOKEN or settings.GITHUB_APP_ID)


def _config_key() -> tuple:
    # The pid: a forked worker child builds its own client instead of sharing its parent's socket.
    return (
        os.getpid(),
        settings.GITHUB_API_URL,
        settings.GITHUB_TOKEN,
        settings.GITHUB_APP_ID,
        settings.GITHUB_APP_INSTALLATION_ID,
        settings.GITHUB_CONTENT_LIMITS,
    )


def _ledger(key: str) -> Ledger:
    if settings.REDIS_URL:
        return RedisLedger(settings.REDIS_URL, f"cephportal:github-budget:{key}", ttl_seconds=7200)
    return FileLedger(settings.VAR_DIR / "github-budget" / f"{key}.json")


def _build() -> Forge:
    from github import Auth

    from .github import GitHubForge, budget_key

    if settings.GITHUB_APP_ID:
        if not (settings.GITHUB_APP_PRIVATE_KEY and settings.GITHUB_APP_INSTALLATION_ID):
            raise PermanentForgeError(
                "GITHUB_APP_ID is set: GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID "
                "are needed too."
            )
        auth = Auth.AppAuth(
            int(settings.GITHUB_APP_ID), settings.GITHUB_APP_PRIVATE_KEY
        ).get_installation_auth(int(settings.GITHUB_APP_INSTALLATION_ID))
        identity = f"installation-{settings.GITHUB_APP_INSTALLATION_ID}"
    elif settings.GITHUB_TOKEN:
        auth = Auth.Token(settings.GITHUB_TOKEN)
        identity = "token-" + hashlib.sha256(settings.GITHUB_TOKEN.encode()).hexdigest()[:16]
    else:
        raise PermanentForgeError(
            "No GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID with its key and "
            "installation (bin/start runs the local emulator when neither is set)."
        )
    budget = ContentBudget(
        ledger=_ledger(budget_key(settings.GITHUB_API_URL, identity)),
        windows=parse_windows(settings.GITHUB_CONTENT_LIMITS),
        margin=settings.GITHUB_CONTENT_MARGIN_SECONDS,
    )
    return GitHubForge(
        base_url=settings.GITHUB_API_URL,
        auth=auth,
        timeout=settings.GITHUB_TIMEOUT,
        seconds_between_requests=settings.GITHUB_SECONDS_BETWEEN_REQUESTS,
        seconds_between_writes=settings.GITHUB_SECONDS_BETWEEN_WRITES,
        retry_total=settings.GITHUB_RETRY_TOTAL,
        max_rate_limit_wait=settings.GITHUB_MAX_RATE_LIMIT_WAIT,
        budget=budget,
        max_pacing_wait=settings.GITHUB_MAX_PACING_WAIT,
    )


def get_forge() -> Forge:
    """The configured forge, one per process and configuration."""
    key = _config_key()
    with _lock:
        forge = _cached.get(key)
        if forge is None:
            _cached.clear()
            forge = _cached[key] = _build()
        return forge


def reset_forge() -> None:
    """Forget the cached client (tests that change GitHub settings)."""
    with _lock:
        _cached.clear()
