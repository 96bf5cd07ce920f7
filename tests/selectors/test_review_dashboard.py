"""The dashboard reads what the pipeline writes: the forge's GitHub rate-limit reading."""

import pytest

from contributions.forge.base import RateLimitReading
from contributions.models import ServiceStatus
from contributions.selectors.dashboard import rate_limit_status


@pytest.mark.django_db
def test_the_forges_rate_limit_reading_is_understood():
    # given a reading stored the way the pipeline stores it
    reading = RateLimitReading(
        limit=5000,
        remaining=200,
        reset_at=1_900_000_000,
        content={"content_creating_60s": {"limit": 80, "used": 79}},
    )
    ServiceStatus.objects.create(key="github_rate_limit", data=reading.to_dict())
    # when the dashboard reads it
    status = rate_limit_status()
    # then each resource has its headroom, and a nearly exhausted one is flagged
    by_name = {r["name"]: r for r in status["resources"]}
    assert by_name["core"]["percent"] == 4 and by_name["core"]["low"] is True
    assert by_name["core"]["reset_at"].year == 2030
    assert by_name["content_creating_60s"]["remaining"] == 1


@pytest.mark.django_db
def test_nothing_reported_reads_as_none():
    assert rate_limit_status() is None
    ServiceStatus.objects.create(key="github_rate_limit", data={"odd": "shape"})
    assert rate_limit_status()["resources"] == []
