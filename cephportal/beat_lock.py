"""Exactly one Celery beat in a deployment: a beat takes this lock at start or exits.

With Redis the lock is a key that expires unless its beat renews it, so a beat that dies is
replaced once the key lapses; without Redis (one host) it is an exclusive lock on a file.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
from typing import IO

from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "cephportal:beat-lock"
LOCK_SECONDS = 60


class BeatAlreadyRunning(RuntimeError):
    """Another beat holds the lock."""


def _identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def _lock_path():
    return settings.VAR_DIR / "celerybeat.lock"


class BeatLock:
    """Held for the life of the beat process; renewed in the background while Redis is used."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._file: IO[str] | None = None
        self._identity = _identity()

    def acquire(self) -> None:
        if settings.REDIS_URL:
            client = _redis()
            if not client.set(LOCK_KEY, self._identity, nx=True, ex=LOCK_SECONDS):
                holder = (client.get(LOCK_KEY) or b"").decode()
                raise BeatAlreadyRunning(f"another beat holds the lock ({holder})")
            threading.Thread(target=self._renew, name="beat-lock", daemon=True).start()
        else:
            path = _lock_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise BeatAlreadyRunning(f"another beat holds {path}") from None
            handle.seek(0)
            handle.truncate()
            handle.write(self._identity)
            handle.flush()
            self._file = handle

    def _renew(self) -> None:
        # Renew only while the key is still ours, so a beat that lost it never steals it back.
        script = (
            "if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"
        )
        client = _redis()
        while not self._stop.wait(LOCK_SECONDS / 3):
            try:
                if not client.eval(script, 1, LOCK_KEY, self._identity, LOCK_SECONDS):
                    logger.critical("beat lost its lock to another beat; stopping")
                    os._exit(1)
            except Exception:
                logger.exception("could not renew the beat lock; trying again")

    def release(self) -> None:
        self._stop.set()
        if settings.REDIS_URL:
            script = (
                "if redis.call('get', KEYS[1]) == ARGV[1] then "
                "return redis.call('del', KEYS[1]) else return 0 end"
            )
            _redis().eval(script, 1, LOCK_KEY, self._identity)
        elif self._file is not None:
            self._file.close()
            self._file = None


def beat_lock_holder() -> str:
    """Who holds the lock now ("host:pid"), or "" when no beat runs."""
    if settings.REDIS_URL:
        return (_redis().get(LOCK_KEY) or b"").decode()
    path = _lock_path()
    if not path.exists():
        return ""
    with path.open() as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return path.read_text().strip()
        fcntl.flock(handle, fcntl.LOCK_UN)
        return ""
