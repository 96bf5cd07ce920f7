"""Request ids: one per web request (or taken from X-Request-ID), carried into the tasks it
queues, written on every log record and returned in the response's X-Request-ID header."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"
TASK_HEADER = "cephportal_request_id"

request_log = logging.getLogger("cephportal.requests")


def current_request_id() -> str:
    return _current.get()


def new_request_id(offered: str | None = None) -> str:
    """The id a proxy sent, if it looks like one, else a fresh one."""
    if offered and _ACCEPTED.match(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


class RequestIdMiddleware:
    """Gives each request its id and logs one line per request (never its query string)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get(HEADER))
        token = _current.set(request_id)
        request.request_id = request_id
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            user = getattr(request, "user", None)
            request_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            _current.reset(token)


def connect_celery_signals() -> None:
    """Tasks carry the id of the request (or task) that queued them, and log with it."""
    from celery.signals import before_task_publish, task_postrun, task_prerun

    @before_task_publish.connect(weak=False)
    def _stamp(headers: dict | None = None, **_kwargs) -> None:
        if headers is not None and _current.get() != "-":
            headers.setdefault(TASK_HEADER, _current.get())

    tokens: dict[str, contextvars.Token] = {}

    @task_prerun.connect(weak=False)
    def _enter(task_id: str = "", task=None, **_kwargs) -> None:
        offered = getattr(task.request, TASK_HEADER, None) if task is not None else None
        tokens[task_id] = _current.set(offered or f"task-{task_id}")

    @task_postrun.connect(weak=False)
    def _leave(task_id: str = "", **_kwargs) -> None:
        token = tokens.pop(task_id, None)
        if token is not None:
            _current.reset(token)
