"""The Celery application: configured from Django settings (keys prefixed CELERY_)."""

import atexit
import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cephportal.settings")

app = Celery("cephportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _one_beat_only(**_kwargs) -> None:
    """A second beat would send every periodic task twice: refuse to run beside another."""
    from cephportal.beat_lock import BeatAlreadyRunning, BeatLock

    lock = BeatLock()
    try:
        lock.acquire()
    except BeatAlreadyRunning as exc:
        # SystemExit passes through Celery's signal dispatch, which logs and swallows Exceptions.
        raise SystemExit(f"cephportal: this beat will not run: {exc}") from None
    atexit.register(lock.release)


def _connect_request_ids() -> None:
    from cephportal.request_id import connect_celery_signals

    connect_celery_signals()


_connect_request_ids()
