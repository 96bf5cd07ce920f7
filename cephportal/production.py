"""What `bin/serve` asks Python: may production start, and is a process healthy.

python -m cephportal.production preflight          exit 1 with reasons if it must not start
python -m cephportal.production health web|worker|beat
python -m cephportal.production beat-schedule-file
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path


def preflight_problems(environ: os._Environ | dict[str, str], *, debug: bool) -> list[str]:
    """Reasons the portal must not serve production traffic with these settings."""
    problems = []
    if debug:
        problems.append("DEBUG is on: production never runs in development mode (set DEBUG=false).")
    if not environ.get("SECRET_KEY", "").strip():
        problems.append("SECRET_KEY is not set: generate a long random one (see .env.example).")
    elif len(environ["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters.")
    if not environ.get("ALLOWED_HOSTS", "").strip():
        problems.append("ALLOWED_HOSTS is not set: list the host names the portal answers to.")
    return problems


def _settings():
    import django

    django.setup()
    from django.conf import settings

    return settings


def preflight() -> int:
    try:
        settings = _settings()
    except Exception as exc:  # settings refuse to load, e.g. SECRET_KEY missing with DEBUG off
        print(f"cephportal will not start: {exc}", file=sys.stderr)
        return 1
    # Settings have read .env into the environment, so keys set only there count as set.
    problems = preflight_problems(os.environ, debug=settings.DEBUG)
    for problem in problems:
        print(f"cephportal will not start: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _web_host(allowed_hosts: list[str]) -> str:
    for host in allowed_hosts:
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def health_web() -> int:
    """The local gunicorn answers /health/ready/ (database and broker up)."""
    settings = _settings()
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/health/ready/",
        headers={
            "Host": _web_host(settings.ALLOWED_HOSTS),
            "X-Forwarded-Proto": "https",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"web unhealthy: {exc}", file=sys.stderr)
        return 1


def health_worker() -> int:
    """The worker of this host (CELERY_WORKER_NAME, default celery@HOSTNAME) answers a ping."""
    _settings()
    from cephportal.celery import app

    name = os.environ.get("CELERY_WORKER_NAME") or f"celery@{socket.gethostname()}"
    name = name.replace("%h", socket.gethostname())
    replies = app.control.ping(destination=[name], timeout=3.0)
    if not replies:
        print(f"worker {name} did not answer", file=sys.stderr)
        return 1
    return 0


def health_beat() -> int:
    """This host runs the one beat: it holds the beat lock."""
    _settings()
    from cephportal.beat_lock import beat_lock_holder

    holder = beat_lock_holder()
    if holder and holder.split(":", 1)[0] == socket.gethostname():
        return 0
    print(f"this host does not hold the beat lock (holder: {holder or 'nobody'})", file=sys.stderr)
    return 1


def main(argv: list[str]) -> int:
    if argv[:1] == ["preflight"]:
        return preflight()
    if argv[:1] == ["beat-schedule-file"]:
        schedule = Path(_settings().CELERY_BEAT_SCHEDULE_FILENAME)
        schedule.parent.mkdir(parents=True, exist_ok=True)
        print(schedule)
        return 0
    if argv[:1] == ["health"] and len(argv) == 2:
        checks = {"web": health_web, "worker": health_worker, "beat": health_beat}
        if argv[1] in checks:
            return checks[argv[1]]()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
