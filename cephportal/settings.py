"""Settings for cephportal, read from the environment (and an optional `.env` file).

Every key is listed with its meaning in `.env.example`. With nothing set the portal runs on SQLite
and a server-less Celery broker; production sets DATABASE_URL, REDIS_URL and SECRET_KEY.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = Path(environ.Env().str("CEPHPORTAL_ENV_FILE", default=str(BASE_DIR / ".env")))
if _env_file.is_file():
    env.read_env(str(_env_file))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

VAR_DIR = Path(env.str("CEPHPORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "contributions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "cephportal.urls"
WSGI_APPLICATION = "cephportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "contributions.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'cephportal.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A worker and the web process share the file: wait for locks instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    # Writers queue at BEGIN instead of failing mid-transaction ("database is locked") when two
    # of them race, e.g. two reviewers approving at once; PostgreSQL uses row locks instead.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Redis: Celery broker and the Django cache ------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery -----------------------------------------------------------------------------------
# With no REDIS_URL a real worker still runs as its own process, on kombu's filesystem transport.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Seconds before Redis hands an unacknowledged task (its worker died) to another worker,
    # and how often workers look for such tasks (every interval x throttle seconds).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=10),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    for _folder in (
        CELERY_BROKER_DIR / "queue",
        CELERY_BROKER_DIR / "processed",
        VAR_DIR / "celery-results",
    ):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="cephportal")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic work; each entry names a task in contributions/tasks.py.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Reviewers' daily digest, at this hour (TIME_ZONE); expired review claims swept every 10 minutes.
REVIEWER_DIGEST_HOUR = env.int("REVIEWER_DIGEST_HOUR", default=7)
CELERY_BEAT_SCHEDULE["send-reviewer-digests"] = {
    "task": "contributions.tasks.send_reviewer_digests",
    "schedule": crontab(hour=REVIEWER_DIGEST_HOUR, minute=0),
}
CELERY_BEAT_SCHEDULE["release-expired-review-claims"] = {
    "task": "contributions.tasks.release_expired_review_claims",
    "schedule": crontab(minute="*/10"),
}

# --- E-mail -----------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cephportal <noreply@localhost>")

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "cephportal API",
    "DESCRIPTION": "Write, review and track InstructLab taxonomy contributions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- The taxonomy and GitHub ------------------------------------------------------------------
TAXONOMY_NAME = env.str("TAXONOMY_NAME", default="Ceph")
TAXONOMY_REPO = env.str("TAXONOMY_REPO", default="ceph/ceph-taxonomy")
TAXONOMY_BASE_BRANCH = env.str("TAXONOMY_BASE_BRANCH", default="main")
KNOWLEDGE_DOCS_REPO = env.str("KNOWLEDGE_DOCS_REPO", default="ceph/ceph-knowledge-docs")
KNOWLEDGE_DOCS_BRANCH = env.str("KNOWLEDGE_DOCS_BRANCH", default="main")
TAXONOMY_ALLOWED_LICENSES = env.list(
    "TAXONOMY_ALLOWED_LICENSES",
    default=["CC0-1.0", "CDLA-Permissive-2.0", "CC-BY-4.0", "CC-BY-SA-4.0", "Apache-2.0", "MIT"],
)
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
GITHUB_WEB_URL = env.str("GITHUB_WEB_URL", default="https://github.com").rstrip("/")
# The https clone address written into knowledge entries (document.repo): anyone must be able
# to clone it, so the taxonomy rules accept only https.
KNOWLEDGE_DOCS_REPO_URL = (
    env.str("KNOWLEDGE_DOCS_REPO_URL", default="") or f"{GITHUB_WEB_URL}/{KNOWLEDGE_DOCS_REPO}"
).rstrip("/")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")
GITHUB_APP_ID = env.str("GITHUB_APP_ID", default="")
GITHUB_APP_PRIVATE_KEY = env.str("GITHUB_APP_PRIVATE_KEY", default="", multiline=True)
GITHUB_APP_INSTALLATION_ID = env.str("GITHUB_APP_INSTALLATION_ID", default="")
GITHUB_FORK_MODE = env.bool("GITHUB_FORK_MODE", default=False)
GITHUB_FORK_OWNER = env.str("GITHUB_FORK_OWNER", default="")
GITHUB_PR_LABELS = env.list("GITHUB_PR_LABELS", default=["cephportal"])
GITHUB_BOT_NAME = env.str("GITHUB_BOT_NAME", default="cephportal bot")
GITHUB_BOT_EMAIL = env.str("GITHUB_BOT_EMAIL", default="cephportal-bot@users.noreply.github.com")
# Two secrets may be valid at once while one is being rotated.
GITHUB_WEBHOOK_SECRETS = env.list("GITHUB_WEBHOOK_SECRETS", default=[])
# GitHub logins asked to review every pull request (skipped in fork mode: it needs rights upstream).
GITHUB_PR_REVIEWERS = env.list("GITHUB_PR_REVIEWERS", default=[])
# The GitHub client (contributions/forge): timeouts, pacing, retries and the secondary-limit budget.
GITHUB_TIMEOUT = env.int("GITHUB_TIMEOUT", default=15)
GITHUB_SECONDS_BETWEEN_REQUESTS = env.float("GITHUB_SECONDS_BETWEEN_REQUESTS", default=0.25)
GITHUB_SECONDS_BETWEEN_WRITES = env.float("GITHUB_SECONDS_BETWEEN_WRITES", default=1.0)
GITHUB_RETRY_TOTAL = env.int("GITHUB_RETRY_TOTAL", default=2)
GITHUB_MAX_RATE_LIMIT_WAIT = env.float("GITHUB_MAX_RATE_LIMIT_WAIT", default=2.0)
GITHUB_CONTENT_LIMITS = env.str("GITHUB_CONTENT_LIMITS", default="80/60,500/3600")
GITHUB_CONTENT_MARGIN_SECONDS = env.float("GITHUB_CONTENT_MARGIN_SECONDS", default=2.0)
GITHUB_MAX_PACING_WAIT = env.float("GITHUB_MAX_PACING_WAIT", default=5.0)
# The pull-request pipeline's periodic work (seconds), and when an approved entry counts as stuck.
RECONCILE_INTERVAL_SECONDS = env.int("RECONCILE_INTERVAL_SECONDS", default=300)
TAXONOMY_SYNC_INTERVAL_SECONDS = env.int("TAXONOMY_SYNC_INTERVAL_SECONDS", default=900)
PIPELINE_STUCK_AFTER_SECONDS = env.int("PIPELINE_STUCK_AFTER_SECONDS", default=4000)
# First wait (seconds) before a pipeline task retries after a transient error; it doubles each time.
PIPELINE_RETRY_BASE_SECONDS = env.float("PIPELINE_RETRY_BASE_SECONDS", default=5.0)
CELERY_BEAT_SCHEDULE["reconcile-pull-requests"] = {
    "task": "contributions.tasks.reconcile_pull_requests",
    "schedule": float(RECONCILE_INTERVAL_SECONDS),
}
CELERY_BEAT_SCHEDULE["sync-taxonomy-tree"] = {
    "task": "contributions.tasks.sync_taxonomy_tree",
    "schedule": float(TAXONOMY_SYNC_INTERVAL_SECONDS),
}
# How often (seconds) open entries are checked again when the taxonomy or the checks changed.
RECHECK_INTERVAL_SECONDS = env.int("RECHECK_INTERVAL_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["recheck-open-entries"] = {
    "task": "contributions.tasks.recheck_open_entries",
    "schedule": float(RECHECK_INTERVAL_SECONDS),
}
# A name for this portal in branch and tag names, so that a reset database never adopts an old
# entry's pull request; empty: made up once and stored in the database.
PORTAL_INSTANCE_ID = env.str("PORTAL_INSTANCE_ID", default="")
# Whether a revision of an entry whose pull request is open goes back through portal review
# ("portal") or straight to the pull request ("direct").
PR_REVISION_REVIEW = env.str("PR_REVISION_REVIEW", default="portal").strip().lower()
if PR_REVISION_REVIEW not in ("portal", "direct"):
    raise ImproperlyConfigured("PR_REVISION_REVIEW must be 'portal' or 'direct'.")
# A regular expression: a maintainer's pull-request comment that matches it counts as a request
# for changes, like a "Request changes" review. Empty: only reviews count.
GITHUB_CHANGES_COMMENT_PATTERN = env.str("GITHUB_CHANGES_COMMENT_PATTERN", default="")

# --- Contribution rules -----------------------------------------------------------------------
REQUIRED_APPROVALS = env.int("REQUIRED_APPROVALS", default=1)
REVIEW_CLAIM_MINUTES = env.int("REVIEW_CLAIM_MINUTES", default=120)
NOREPLY_EMAIL_DOMAIN = env.str("NOREPLY_EMAIL_DOMAIN", default="users.noreply.cephportal.local")
DCO_VERSION = "1.1"
MAX_DOCUMENT_BYTES = env.int("MAX_DOCUMENT_BYTES", default=2 * 1024 * 1024)
# PDF, Word, PowerPoint and HTML files converted to markdown: size, pages, unpacked size.
MAX_CONVERSION_BYTES = env.int("MAX_CONVERSION_BYTES", default=20 * 1024 * 1024)
MAX_CONVERSION_PAGES = env.int("MAX_CONVERSION_PAGES", default=300)
MAX_CONVERSION_UNZIPPED_BYTES = env.int("MAX_CONVERSION_UNZIPPED_BYTES", default=100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(MAX_DOCUMENT_BYTES * 2, 5 * 1024 * 1024)

# --- Content quality checks (see "Quality checks" in the README) -----------------------------
QUALITY_CHECKS_ENABLED = env.bool("QUALITY_CHECKS_ENABLED", default=True)
# Share of an answer's content words that must appear in its passage (0-1).
QUALITY_MIN_ANSWER_SUPPORT = env.float("QUALITY_MIN_ANSWER_SUPPORT", default=0.5)
# A grounded skill's answer using less of its context than this is said to ignore it (0-1).
QUALITY_MIN_CONTEXT_USE = env.float("QUALITY_MIN_CONTEXT_USE", default=0.2)
# Similarity (0-100) at which a passage counts as found in a document despite small edits.
QUALITY_PASSAGE_MATCH = env.float("QUALITY_PASSAGE_MATCH", default=85.0)
# Similarity (0-100) at which a question, answer or passage nearly repeats an existing one.
QUALITY_DUPLICATE_SIMILARITY = env.float("QUALITY_DUPLICATE_SIMILARITY", default=85.0)
# Similarity (0-100) at which two examples of one entry are too alike.
QUALITY_SEEDS_ALIKE = env.float("QUALITY_SEEDS_ALIKE", default=85.0)
# Quality warnings are advice; set this to make them block submitting.
QUALITY_BLOCKS_SUBMIT = env.bool("QUALITY_BLOCKS_SUBMIT", default=False)

# --- Production hardening (on whenever DEBUG is off) ------------------------------------------
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
