"""GET /metrics, scraped as Prometheus would, reports the portal's state."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from contributions.models import ContributionEvent, Review, ServiceStatus, TaskFailure
from contributions.workflow import Status
from tests.factories import ContributionFactory, RevisionFactory


def scrape(client, **headers) -> dict[str, dict[tuple, float]]:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


@pytest.mark.django_db
def test_metrics_report_entries_failures_budget_and_review_latency(
    client, contributor, reviewer, django_assert_max_num_queries
):
    # given entries in some statuses, one decided two hours after it was submitted
    for status in [Status.DRAFT, Status.DRAFT, Status.SUBMITTED, Status.PR_OPEN]:
        ContributionFactory(author=contributor, status=status)
    decided = ContributionFactory(author=contributor, status=Status.APPROVED)
    revision = RevisionFactory(contribution=decided)
    submitted_at = timezone.now() - timedelta(hours=3)
    event = ContributionEvent.objects.create(contribution=decided, event="submitted")
    ContributionEvent.objects.filter(pk=event.pk).update(created_at=submitted_at)
    review = Review.objects.create(
        contribution=decided, revision=revision, reviewer=reviewer, decision="approve"
    )
    Review.objects.filter(pk=review.pk).update(created_at=submitted_at + timedelta(hours=2))
    # and two failed tasks, one resolved, and GitHub's last reading
    TaskFailure.objects.create(task_name="t", error="boom")
    TaskFailure.objects.create(task_name="t", error="boom", resolved_at=timezone.now())
    ServiceStatus.objects.create(
        key="github_rate_limit",
        data={"resources": {"core": {"limit": 5000, "remaining": 4321, "reset": 0}}},
    )
    # when Prometheus scrapes, in a fixed number of queries
    with django_assert_max_num_queries(5):
        samples = scrape(client)
    # then it reads the state
    entries = {dict(k)["status"]: v for k, v in samples["cephportal_entries"].items()}
    assert entries["draft"] == 2 and entries["submitted"] == 1 and entries["pr_open"] == 1
    assert entries["approved"] == 1 and entries["merged"] == 0
    assert samples["cephportal_task_failures_total"][()] == 2
    assert samples["cephportal_task_failures_open"][()] == 1
    assert samples["cephportal_github_rate_limit_remaining"][(("resource", "core"),)] == 4321
    latency = samples["cephportal_review_latency_seconds_bucket"]
    assert latency[(("le", "3600"),)] == 0
    assert latency[(("le", "14400"),)] == 1
    assert samples["cephportal_review_latency_seconds_count"][()] == 1
    assert samples["cephportal_review_latency_seconds_sum"][()] == pytest.approx(7200, abs=5)


@pytest.mark.django_db
def test_queue_depth_counts_tasks_waiting_in_the_broker(client, real_broker, settings):
    # given a queue no worker listens to, with three tasks in it
    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    for _ in range(3):
        real_broker.send_task("contributions.tasks.ping", queue=queue)
    # when Prometheus scrapes
    samples = scrape(client)
    # then the three are waiting
    assert samples["cephportal_queue_depth"][()] == 3


@pytest.mark.django_db
def test_metrics_need_the_token_when_one_is_set(client, settings):
    # given a metrics token
    settings.METRICS_TOKEN = "scrape-secret-" + uuid.uuid4().hex
    # then a scrape without it, or with another, is refused
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 403
    # and one with it is answered
    scrape(client, HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}")


@pytest.mark.django_db
def test_without_a_token_only_loopback_may_scrape(client):
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 403
