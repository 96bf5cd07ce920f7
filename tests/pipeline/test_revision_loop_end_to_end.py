"""The loop after a pull request opens, with real workers, the real broker and the emulator:
a maintainer asks for changes, the author revises, a portal reviewer approves, the revision lands
as one new commit on the same pull request, and the maintainer merges it."""

from __future__ import annotations

import os
import signal

import pytest
from django.conf import settings as django_settings

from contributions.models import Contribution, PullRequest
from contributions.tasks.pipeline import reconcile_pull_requests
from contributions.taxonomy import validate_file
from contributions.workflow import Status

from .conftest import pipeline_world, wait_for
from .entries import approved_entry
from .revisions import TAXONOMY, changed_files, resubmit

REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "CELERY_RESTORE_INTERVAL": "1",
    "CELERY_RESTORE_THROTTLE": "1",
    "PIPELINE_STUCK_AFTER_SECONDS": "1",
}


def _status(entry) -> str:
    return Contribution.objects.values_list("status", flat=True).get(pk=entry.pk)


def _wait_status(entry, status, what, *, poke=None, timeout=60):
    def reached():
        if poke is not None:
            poke()
        return _status(entry) == status

    wait_for(reached, timeout=timeout, what=what)


def _pull_commits(emulator, number) -> list[dict]:
    path = f"/api/v3/repos/{TAXONOMY}/pulls/{number}/commits"
    return emulator.request("GET", path, token=emulator.maintainer_token)[1]


def _files_at(emulator, entry, sha) -> tuple[str, str]:
    path = entry.taxonomy_path
    qna = emulator.read_file(TAXONOMY, f"{path}/qna.yaml", ref=sha)
    attribution = emulator.read_file(TAXONOMY, f"{path}/attribution.txt", ref=sha)
    return qna, attribution


def _check_two_commits(emulator, entry, pull) -> None:
    """The PR has two commits; both pass the validator and the second is the revision."""
    commits = _pull_commits(emulator, pull.number)
    assert len(commits) == 2
    first, second = (c["sha"] for c in commits)
    path = f"{entry.taxonomy_path}/qna.yaml"
    for sha in (first, second):
        qna, attribution = _files_at(emulator, entry, sha)
        assert validate_file(qna, path=path, attribution_text=attribution).ci_valid
    assert changed_files(emulator, second) == [path]
    assert "Then run `ceph health detail` again." in _files_at(emulator, entry, second)[0]
    assert "Then run `ceph health detail` again." not in _files_at(emulator, entry, first)[0]
    assert "Cephportal-Revision: 2" in commits[1]["commit"]["message"]


def _loop(world, contributor, reviewer, *, poke=None) -> None:
    emulator = world.emulator
    # given an approved entry whose pull request opens
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    _wait_status(entry, Status.PR_OPEN, "the pull request to open")
    pull = PullRequest.objects.get(contribution=entry)
    # when a maintainer requests changes on GitHub
    emulator.review_pull(TAXONOMY, pull.number, event="REQUEST_CHANGES", body="Say it twice.")
    # then the entry says so
    _wait_status(entry, Status.PR_CHANGES_REQUESTED, "the change request", poke=poke)
    # when the author revises, and a portal reviewer approves the new revision
    entry = resubmit(entry, reviewer=reviewer)
    # then the worker adds it to the same pull request as one new commit
    _wait_status(entry, Status.PR_OPEN, "the revision on the pull request")
    assert len(emulator.pulls(TAXONOMY)) == 1
    _check_two_commits(emulator, entry, pull)
    # when the maintainer approves and merges
    emulator.review_pull(TAXONOMY, pull.number, event="APPROVE", body="Thanks!")
    emulator.merge_pull(TAXONOMY, pull.number)
    # then the entry is merged
    _wait_status(entry, Status.MERGED, "the merge", poke=poke)
    assert emulator.violations() == 0


@pytest.mark.django_db(transaction=True)
def test_the_revision_loop_through_webhooks(world, contributor, reviewer):
    _loop(world, contributor, reviewer)


@pytest.mark.django_db(transaction=True)
def test_the_revision_loop_without_webhooks_is_caught_by_the_reconcile(
    world, contributor, reviewer
):
    # given every webhook lost on the way
    world.emulator.add_fault("drop_webhook", count=None)
    # the reconcile, as beat would run it (each poll queues it once more)
    _loop(world, contributor, reviewer, poke=reconcile_pull_requests.delay)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_pushing_a_revision_leaves_exactly_one_new_commit(
    tmp_path, live_server, settings, contributor, reviewer
):
    with pipeline_world(tmp_path, live_server, settings) as world:
        emulator = world.emulator
        first = world.start_worker(**REDELIVERY)
        entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
        _wait_status(entry, Status.PR_OPEN, "the pull request to open")
        pull = PullRequest.objects.get(contribution=entry)
        emulator.review_pull(TAXONOMY, pull.number, event="REQUEST_CHANGES", body="Again.")
        _wait_status(entry, Status.PR_CHANGES_REQUESTED, "the change request")
        # given a worker caught between making the revision's commit and moving the branch
        emulator.add_fault("delay", method="PATCH", path=r"/git/refs/heads/", seconds=3, count=1)
        entry = resubmit(entry, reviewer=reviewer)

        def moving() -> bool:
            routes = emulator.counters()["by_route"]
            return any(k.startswith("PATCH") and "/git/ref" in k for k in routes)

        wait_for(moving, timeout=60, what="the worker to move the branch")
        # when it is killed there and the task reaches another worker
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        world.start_worker(**REDELIVERY)
        if not django_settings.REDIS_URL:
            reconcile_pull_requests.delay()  # the file broker forgets a task its worker took
        _wait_status(entry, Status.PR_OPEN, "the redelivered revision", timeout=90)
        # then the pull request has exactly one new commit
        assert len(emulator.pulls(TAXONOMY)) == 1
        _check_two_commits(emulator, entry, pull)
        assert emulator.violations() == 0
