"""Settings come from the environment and fail fast on a missing secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(
        env, CEPHPORTAL_ENV_FILE="/nonexistent", DJANGO_SETTINGS_MODULE="cephportal.settings"
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)"],
        cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_secret_key_is_required_when_debug_is_off():
    result = _load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_runs_on_sqlite_and_the_serverless_broker_by_default(tmp_path):
    result = _load_settings(
        DEBUG="true", DATABASE_URL="", REDIS_URL="", CEPHPORTAL_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]


def test_database_and_redis_come_from_the_environment(tmp_path):
    result = _load_settings(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://someone@db.example:5432/portal",
        REDIS_URL="redis://cache.example:6379/0",
        CEPHPORTAL_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache.example:6379/0",
    ]
