"""Structured logs with request ids, carried into tasks; Sentry only when a DSN is set."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from cephportal.request_id import RequestIdFilter, current_request_id
from tests.conftest import REPO_ROOT


@pytest.mark.django_db
def test_each_request_gets_an_id_that_is_logged_and_returned(client, caplog):
    # when two requests come, one with an id from the proxy
    with caplog.at_level(logging.INFO, logger="cephportal.requests"):
        first = client.get("/health/live/")
        second = client.get("/health/live/", HTTP_X_REQUEST_ID="from-the-proxy-42")
    # then each response carries its id, the proxy's kept, a fresh one otherwise
    assert len(first["X-Request-ID"]) == 32
    assert second["X-Request-ID"] == "from-the-proxy-42"
    # and the request log line has it, with the outcome
    records = [r for r in caplog.records if r.name == "cephportal.requests"]
    assert [r.request_id for r in records] == [first["X-Request-ID"], "from-the-proxy-42"]
    assert records[1].status == 200 and records[1].path == "/health/live/"
    # and outside a request the id is "-"
    assert current_request_id() == "-"


@pytest.mark.django_db
def test_a_request_id_that_does_not_look_like_one_is_replaced(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="bad id\nwith a line break")
    assert response["X-Request-ID"] != "bad id\nwith a line break"
    assert len(response["X-Request-ID"]) == 32


def test_tasks_log_with_the_id_of_the_request_that_queued_them():
    # given a task queued while a request id is current
    from celery.signals import before_task_publish, task_prerun

    from cephportal import request_id

    headers: dict = {}
    token = request_id._current.set("req-abcdef123456")
    try:
        before_task_publish.send(sender="t", headers=headers, body=None)
    finally:
        request_id._current.reset(token)
    assert headers[request_id.TASK_HEADER] == "req-abcdef123456"

    # when a worker runs it
    class FakeRequest:
        cephportal_request_id = "req-abcdef123456"

    class FakeTask:
        request = FakeRequest()

    task_prerun.send(sender=None, task_id="1", task=FakeTask())
    # then its log records carry that id
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "req-abcdef123456"
    from celery.signals import task_postrun

    task_postrun.send(sender=None, task_id="1")
    assert current_request_id() == "-"


def _settings_in_a_process(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SENTRY_", "LOG_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="tests.settings", CEPHPORTAL_ENV_FILE="/nonexistent")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_json_logs_are_one_object_per_line():
    result = _settings_in_a_process(
        "import logging; logging.getLogger('cephportal.test').warning('hello %s', 'there')",
        LOG_FORMAT="json",
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there"
    assert line["level"] == "WARNING" and line["logger"] == "cephportal.test"
    assert line["request_id"] == "-"


def test_sentry_is_on_only_with_a_dsn():
    code = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    # with no DSN nothing is set up
    assert _settings_in_a_process(code).stdout.strip() == "False"
    # with one, the SDK is active, and sends no personal data
    with_dsn = _settings_in_a_process(
        code + "; print(sentry_sdk.get_client().options['send_default_pii'])",
        SENTRY_DSN="http://public@127.0.0.1:9/1",
    )
    assert with_dsn.stdout.split() == ["True", "False"], with_dsn.stderr
