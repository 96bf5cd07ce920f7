"""Settings for the test suite: the real settings, with test-only defaults filled in.

The database and broker still come from DATABASE_URL / REDIS_URL, so the suite runs against
PostgreSQL and Redis when `bin/test` finds them, and SQLite plus the filesystem broker otherwise.
"""

import os
import tempfile
import uuid

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("CEPHPORTAL_VAR_DIR", os.path.join(tempfile.gettempdir(), "cephportal-test"))
# One queue per test run, shared with the worker processes that tests start, so that a task
# left in the broker by an earlier run is never picked up by this one.
os.environ.setdefault("CELERY_QUEUE", f"cephportal-test-{uuid.uuid4().hex[:12]}")

from cephportal.settings import *  # noqa: F403
from cephportal.settings import DATABASES, STATIC_ROOT, VAR_DIR, env

STATIC_ROOT.mkdir(parents=True, exist_ok=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks inline; tests that need a real worker start one with this set to false.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so worker processes started by tests can open the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
# Throttle counts per test process (Redis would carry them from one test, and run, to the next).
CACHES = {**CACHES, "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # noqa: F405
THROTTLE_CACHE = "throttle"
