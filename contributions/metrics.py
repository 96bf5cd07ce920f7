"""The portal's Prometheus metrics, read from shared state when Prometheus scrapes.

Reading at scrape time (a custom collector) instead of counting in each process keeps the figures
right however many gunicorn workers run, without prometheus_client's multi-process mode.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from prometheus_client.core import (
    CollectorRegistry,
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector

from contributions.selectors import metrics as read

# Review latency buckets, in seconds: an hour, a few hours, a day, a few days, a week, a month.
LATENCY_BUCKETS = (3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400, 30 * 86400)


class PortalCollector(Collector):
    """Entries by status, queue depth, task failures, GitHub budget left, review latency."""

    def collect(self) -> Iterator:
        entries = GaugeMetricFamily(
            "cephportal_entries", "Entries in each status.", labels=["status"]
        )
        for status, count in read.entry_counts_by_status().items():
            entries.add_metric([status], count)
        yield entries

        yield GaugeMetricFamily(
            "cephportal_queue_depth", "Tasks waiting in the broker.", value=read.queue_depth()
        )

        failures = read.task_failure_counts()
        yield CounterMetricFamily(
            "cephportal_task_failures",
            "Background tasks that failed for good.",
            value=failures["total"],
        )
        yield GaugeMetricFamily(
            "cephportal_task_failures_open",
            "Failed tasks no admin has retried or resolved yet.",
            value=failures["open"],
        )

        remaining = GaugeMetricFamily(
            "cephportal_github_rate_limit_remaining",
            "Requests left in GitHub's rate limit, as last read.",
            labels=["resource"],
        )
        limit = GaugeMetricFamily(
            "cephportal_github_rate_limit_limit",
            "GitHub's rate limit, as last read.",
            labels=["resource"],
        )
        for resource in read.github_budget():
            if resource["remaining"] is not None:
                remaining.add_metric([resource["name"]], resource["remaining"])
            if resource["limit"] is not None:
                limit.add_metric([resource["name"]], resource["limit"])
        yield remaining
        yield limit

        latencies = read.review_latencies(now=timezone.now())
        buckets = [
            (str(bound), sum(1 for value in latencies if value <= bound))
            for bound in LATENCY_BUCKETS
        ]
        buckets.append(("+Inf", len(latencies)))
        yield HistogramMetricFamily(
            "cephportal_review_latency_seconds",
            "Time from first submission to first review decision (entries of the last 30 days).",
            buckets=buckets,
            sum_value=sum(latencies),
        )


def portal_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PortalCollector())
    return registry
