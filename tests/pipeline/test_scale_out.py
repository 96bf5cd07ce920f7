"""Scale-out: 2 gunicorn web processes and 3 Celery workers on PostgreSQL and Redis take 200
entries from submission to pull request, driven concurrently through the API."""

from __future__ import annotations

import os
import uuid
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token

from contributions import roles
from contributions.models import Contribution, ContributionEvent, PullRequest
from contributions.workflow import Status
from tests.conftest import test_database_url
from tests.factories import ProfileFactory, UserFactory
from tests.scaleout import drive_entries, fleet, tasks_done_by, wait_until

from .conftest import FAST_GITHUB, WEBHOOK_SECRET

TAXONOMY = "ceph/ceph-taxonomy"
ENTRIES = int(os.environ.get("SCALEOUT_ENTRIES", "200"))
# The audit trail every entry must have, in this order, each once.
EXPECTED_TRAIL = [
    ("draft_created", "", "draft"),
    ("submitted", "draft", "submitted"),
    ("approved", "submitted", "approved"),
    ("pull_request_recorded", "", ""),
    ("pr_opened", "approved", "pr_open"),
]
# GitHub's secondary limits would make 200 PRs (800 content-creating requests) take over an hour;
# they are tested elsewhere (benchmarks/bench_pipeline.py), so here they are out of the way.
NO_SECONDARY_LIMITS = {"secondary_per_minute": 1_000_000, "secondary_per_hour": 1_000_000}


def _users(role_names, count):
    users = []
    for _ in range(count):
        user = UserFactory(roles=role_names)
        ProfileFactory(user=user)
        users.append(user)
    return users


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_three_workers_turn_200_entries_into_200_pull_requests(tmp_path):
    from ghemu.config import Limits
    from ghemu.testing import running_emulator

    assert connection.vendor == "postgresql" and settings.REDIS_URL, (
        "the scale-out test runs on PostgreSQL and Redis (bin/test uses them when they answer)"
    )
    # given authors and reviewers with API tokens
    authors = _users([roles.CONTRIBUTOR], 8)
    reviewers = _users([roles.CONTRIBUTOR, roles.REVIEWER], 3)
    author_tokens = [Token.objects.create(user=u).key for u in authors]
    reviewer_tokens = [Token.objects.create(user=u).key for u in reviewers]
    with running_emulator(tmp_path / "ghemu", limits=Limits(**NO_SECONDARY_LIMITS)) as emulator:
        env = {
            **os.environ,
            **FAST_GITHUB,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": test_database_url(),
            "CELERY_QUEUE": f"scaleout-{uuid.uuid4().hex[:8]}",
            "GITHUB_API_URL": emulator.base_url,
            "GITHUB_TOKEN": emulator.bot_token,
            "GITHUB_WEBHOOK_SECRETS": WEBHOOK_SECRET,
            "GITHUB_CONTENT_LIMITS": "1000000/60,1000000/3600",
            "API_USER_RATE": "1000000/min",
            "REQUEST_LOG_LEVEL": "WARNING",
        }
        with fleet(env, tmp_path) as processes:
            # and two web processes and three workers, each its own process
            ports = [processes.start_web(), processes.start_web()]
            workers = [processes.start_worker() for _ in range(3)]
            # when 200 entries are created, submitted and approved concurrently through the API
            result = drive_entries(
                ports=ports,
                authors=author_tokens,
                reviewers=reviewer_tokens,
                count=ENTRIES,
                concurrency=12,
            )
            assert not result.failures, result.failures[:5]
            assert len(result.ids) == ENTRIES
            # then every one of them gets its pull request
            wait_until(
                lambda: (
                    Contribution.objects.filter(pk__in=result.ids, status=Status.PR_OPEN).count()
                    == ENTRIES
                ),
                timeout=420,
                what=f"{ENTRIES} entries to have their pull request open",
            )
            pr_tasks = [tasks_done_by(w, "contributions.tasks.open_pull_request") for w in workers]

        # and GitHub has exactly 200 pull requests, one per entry, on distinct branches
        pulls = emulator.pulls(TAXONOMY)
        assert len(pulls) == ENTRIES
        records = list(PullRequest.objects.filter(contribution_id__in=result.ids))
        assert len(records) == ENTRIES
        assert len({r.contribution_id for r in records}) == ENTRIES
        assert len({r.number for r in records}) == ENTRIES
        assert sorted(p["head_ref"] for p in pulls) == sorted(r.branch for r in records)
        assert emulator.violations() == 0
    # and no entry was handed over twice, and none lost an event: each trail is complete
    trails: dict[int, list] = {pk: [] for pk in result.ids}
    for contribution_id, event, from_status, to_status in (
        ContributionEvent.objects.filter(contribution_id__in=result.ids)
        .order_by("created_at", "pk")
        .values_list("contribution_id", "event", "from_status", "to_status")
    ):
        trails[contribution_id].append((event, from_status, to_status))
    wrong = {pk: trail for pk, trail in trails.items() if trail != EXPECTED_TRAIL}
    assert not wrong, list(wrong.items())[:3]
    # and the work was shared by the three workers, and every request was answered without error
    assert all(done > 0 for done in pr_tasks), pr_tasks
    assert sum(pr_tasks) >= ENTRIES
    assert set(result.statuses) <= {200, 201}, result.statuses
    assert Counter(result.statuses).total() == 3 * ENTRIES
