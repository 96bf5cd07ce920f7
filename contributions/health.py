"""Liveness of what the portal stands on: the database, the broker and a worker."""

from __future__ import annotations

import re
import time
from typing import Any

from django.db import connection

_CREDENTIALS = re.compile(r"(\w+://)[^/@\s]*@")


def _timed(check) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
        result: dict[str, Any] = {"ok": True}
        if detail:
            result["detail"] = detail
    except Exception as exc:
        # Connection errors can echo a URL; never let its credentials reach the page.
        message = _CREDENTIALS.sub(r"\1***@", f"{type(exc).__name__}: {exc}")
        result = {"ok": False, "error": message[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    from cephportal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        return conn.transport.driver_type


def _worker(timeout: float) -> str:
    from contributions.tasks import ping

    result = ping.apply_async(expires=timeout + 5)
    try:
        answer = result.get(timeout=timeout, disable_sync_subtasks=False)
    finally:
        result.forget()
    if answer != "pong":
        raise RuntimeError(f"unexpected answer {answer!r}")
    return "a worker answered the ping task"


def readiness_report() -> dict[str, Any]:
    """Whether this web process can serve: its database and broker answer (no worker needed)."""
    checks = {"database": _timed(_database), "broker": _timed(_broker)}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}


def health_report(*, worker_timeout: float = 5.0) -> dict[str, Any]:
    """Check each dependency once and say whether the portal as a whole is healthy."""
    checks = {
        "database": _timed(_database),
        "broker": _timed(_broker),
    }
    if checks["broker"]["ok"]:
        checks["worker"] = _timed(lambda: _worker(worker_timeout))
    else:
        checks["worker"] = {"ok": False, "error": "the broker is down, so no worker can answer"}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
