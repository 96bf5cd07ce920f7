"""The one error family every forge call raises: retry later, or give up and tell a person."""

from __future__ import annotations


class ForgeError(Exception):
    """Something went wrong talking to the git host; the message is safe to show to admins."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientForgeError(ForgeError):
    """Worth trying again later: 5xx, timeouts, rate limits, a fork that is still being made.

    `retry_after` (seconds) is set when the host said how long to wait, or when our own
    content budget knows; the task retries with at least that countdown instead of sleeping.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        rate_limited: bool = False,
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class PermanentForgeError(ForgeError):
    """Trying again will not help until a person changes something (credentials, rights, data)."""
