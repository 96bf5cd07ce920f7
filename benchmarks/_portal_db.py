"""A throw-away PostgreSQL database and production-like settings for the benchmarks."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def production_like_env(tmp: Path, database_url: str, queue: str) -> dict[str, str]:
    """Settings as bin/serve would run them, on loopback http (no TLS proxy in front)."""
    return {
        "DJANGO_SETTINGS_MODULE": "cephportal.settings",
        "CEPHPORTAL_ENV_FILE": "/nonexistent",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CEPHPORTAL_VAR_DIR": str(tmp / "var"),
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "REQUEST_LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummymail://",
        "API_USER_RATE": "1000000/min",
        "API_ANON_RATE": "1000000/min",
    }


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty database on the server of $DATABASE_URL (default: local PostgreSQL)."""
    import psycopg

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(server)
    name = f"cp_bench_{uuid.uuid4().hex[:10]}"
    admin = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
