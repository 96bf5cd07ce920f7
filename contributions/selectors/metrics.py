"""Reads behind the Prometheus metrics: each from shared state (database, broker), so every web
process reports the same figures whichever of them Prometheus scrapes."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q

from contributions.models import TaskFailure

from .dashboard import entries_by_status, first_review_seconds, rate_limit_status

# kombu's Redis transport keeps a queue's priority levels in lists named QUEUE + sep + level.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (0, 3, 6, 9)


def entry_counts_by_status() -> dict[str, int]:
    """Entries per status, every status listed (one query)."""
    rows, _ = entries_by_status()
    return {row["status"]: row["count"] for row in rows}


def queue_depth() -> int:
    """Tasks waiting in the broker for a worker (not those being worked on)."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        names = [queue] + [f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS[1:]]
        with client.pipeline() as pipe:
            for name in names:
                pipe.llen(name)
            return sum(pipe.execute())
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    return sum(1 for path in folder.glob("*.msg")) if folder.is_dir() else 0


def task_failure_counts() -> dict[str, int]:
    """Failed-for-good tasks ever recorded, and those still waiting for an admin (one query)."""
    return TaskFailure.objects.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(resolved_at__isnull=True))
    )


def github_budget() -> list[dict]:
    """GitHub's rate limits as last read by the pipeline: [{name, limit, remaining}]."""
    status = rate_limit_status()
    return status["resources"] if status else []


def review_latencies(*, now, days: int = 30) -> list[float]:
    """Seconds from first submission to first review decision, for entries decided lately."""
    return first_review_seconds(now=now, days=days)
