"""Exactly one pull request per entry, whatever GitHub or the workers do."""

from __future__ import annotations

import os
import signal

import pytest
from django.conf import settings as django_settings

from contributions.models import Contribution, PullRequest
from contributions.services import pull_request_plan
from contributions.tasks.pipeline import reconcile_pull_requests
from contributions.workflow import Status

from .conftest import pipeline_world, wait_for
from .entries import approved_entry

TAXONOMY = "ceph/ceph-taxonomy"
SECONDARY_LIMIT = (
    "You have exceeded a secondary rate limit and have been temporarily blocked from content "
    "creation. Please retry your request again later."
)


def _all_open(entries) -> bool:
    ids = [e.pk for e in entries]
    return Contribution.objects.filter(pk__in=ids, status=Status.PR_OPEN).count() == len(ids)


def _branches(emulator) -> list[str]:
    return sorted(
        ref for ref in emulator.refs(TAXONOMY) if ref.startswith("refs/heads/cephportal/")
    )


def _commits_of(emulator, number) -> int:
    path = f"/api/v3/repos/{TAXONOMY}/pulls/{number}/commits"
    return len(emulator.request("GET", path, token=emulator.maintainer_token)[1])


@pytest.mark.django_db(transaction=True)
def test_server_errors_a_502_after_success_and_a_secondary_limit_still_give_one_pr_each(
    world, contributor, reviewer
):
    emulator = world.emulator
    # given GitHub failing three ways: commits answering 500 (more than one call retries),
    # a pull request created but answered 502, and a secondary limit on a branch
    emulator.add_fault("error", method="POST", path=r"/git/commits$", status=500, count=3)
    emulator.add_fault("error_after_success", method="POST", path=r"/pulls$", status=502, count=1)
    emulator.add_fault(
        "error", method="POST", path=r"/git/refs$", status=403, count=1,
        headers={"retry-after": "3"}, body={"message": SECONDARY_LIMIT},
    )  # fmt: skip
    # when three entries are approved
    entries = [
        approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=n) for n in (1, 2, 3)
    ]
    wait_for(lambda: _all_open(entries), timeout=90, what="three pull requests")
    # then every fault was met, and there is exactly one PR and one branch per entry
    assert all(rule["exhausted"] for rule in emulator.faults())
    pulls = emulator.pulls(TAXONOMY)
    assert len(pulls) == 3
    assert len(_branches(emulator)) == 3
    assert all(_commits_of(emulator, p["number"]) == 1 for p in pulls)
    assert PullRequest.objects.count() == 3
    # and no request broke the emulated limits
    assert emulator.violations() == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_opening_a_pull_request_leaves_exactly_one(
    tmp_path, live_server, settings, contributor, reviewer
):
    redelivery = {
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_RESTORE_INTERVAL": "1",
        "CELERY_RESTORE_THROTTLE": "1",
        "PIPELINE_STUCK_AFTER_SECONDS": "1",
    }
    with pipeline_world(tmp_path, live_server, settings) as world:
        emulator = world.emulator
        # given a worker that will be caught half-way: its branch made, its PR request pending
        emulator.add_fault("delay", method="POST", path=r"/pulls$", seconds=3, count=1)
        first = world.start_worker(**redelivery)
        entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
        wait_for(
            lambda: emulator.counters()["by_route"].get("POST /repos/{owner}/{repo}/pulls"),
            timeout=60,
            what="the worker to ask for the pull request",
        )
        # when the worker is killed there and the task reaches another worker
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        world.start_worker(**redelivery)
        if not django_settings.REDIS_URL:
            # The file broker forgets a task its worker took; the reconcile hands it over again.
            reconcile_pull_requests.delay()
        wait_for(lambda: _all_open([entry]), timeout=90, what="the redelivered task")
        # then there is still exactly one pull request and one branch, with one commit
        pulls = emulator.pulls(TAXONOMY)
        assert len(pulls) == 1
        assert _branches(emulator) == [f"refs/heads/{pull_request_plan.branch_name(entry.pk, 1)}"]
        assert _commits_of(emulator, pulls[0]["number"]) == 1
        assert PullRequest.objects.get().number == pulls[0]["number"]
        assert emulator.violations() == 0
