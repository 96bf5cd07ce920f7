"""Health: database, broker and worker liveness; a task round-trips through a real worker."""

import pytest
from django.conf import settings

from contributions.tasks import ping


@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_a_real_worker(celery_worker_process, real_broker):
    # given a worker process consuming this run's queue on the configured broker
    assert celery_worker_process.poll() is None
    # when a task is sent through the broker
    result = ping.apply_async()
    # then the worker process runs it and its answer comes back
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_the_suite_uses_redis_when_ci_provides_it():
    # CI exports REDIS_URL (bin/test finds Redis on 127.0.0.1); then the broker is really Redis.
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"


@pytest.mark.django_db(transaction=True)
def test_health_endpoint_is_green_with_a_worker(client, celery_worker_process, real_broker):
    # when
    response = client.get("/health/")
    # then every dependency answers
    body = response.json()
    assert response.status_code == 200, body
    assert body["ok"] is True
    assert {name for name, check in body["checks"].items() if check["ok"]} == {
        "database",
        "broker",
        "worker",
    }


@pytest.mark.django_db
def test_health_endpoint_reports_a_missing_worker(client, real_broker, monkeypatch):
    # given no worker answers (the ping times out)
    monkeypatch.setattr(
        "contributions.health._worker", lambda timeout: ping.apply_async().get(timeout=0.3)
    )
    # when
    response = client.get("/api/health/")
    # then the answer is 503 and says which part is down
    body = response.json()
    assert response.status_code == 503
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_health_errors_never_show_credentials(client, monkeypatch):
    def broken_broker():
        raise ConnectionError("cannot reach redis://admin:s3cret@10.0.0.1:6379/0")

    monkeypatch.setattr("contributions.health._broker", broken_broker)
    body = client.get("/health/").json()
    assert body["checks"]["broker"]["ok"] is False
    assert "s3cret" not in str(body)
    assert "redis://***@" in body["checks"]["broker"]["error"]


@pytest.mark.django_db
def test_a_browser_gets_the_health_report_as_a_page(client, monkeypatch):
    monkeypatch.setattr("contributions.health._worker", lambda timeout: "stub worker answered")
    # when a browser opens the footer's status link
    page = client.get("/health/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    # then it reads a page; monitors still get JSON
    assert page.status_code == 200
    assert b"everything works" in page.content
    assert client.get("/health/?format=json", HTTP_ACCEPT="text/html").json()["ok"] is True


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
