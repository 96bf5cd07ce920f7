"""The pipeline's tasks: retries with backoff, failures recorded, hand-over from approval."""

from __future__ import annotations

import pytest

from contributions.forge import PermanentForgeError, TransientForgeError, reset_forge
from contributions.models import (
    Contribution,
    ContributionEvent,
    PullRequest,
    ServiceStatus,
    TaskFailure,
)
from contributions.services import admin_ops
from contributions.tasks import pipeline as tasks
from contributions.workflow import Status

from .entries import approved_entry


class Retried(Exception):
    def __init__(self, **options):
        super().__init__("retry")
        self.options = options


class FakeTask:
    name = "contributions.tasks.open_pull_request"

    def retry(self, **options):
        return Retried(**options)


def test_a_rate_limited_task_waits_at_least_as_long_as_github_asks():
    # given / when many draws / then never sooner than Retry-After, and spread a little
    waits = [
        tasks.retry_countdown(failures=0, retry_after=30, rate_limited=True) for _ in range(50)
    ]
    assert min(waits) >= 30 and max(waits) <= 33 and len(set(waits)) > 1


def test_transient_failures_back_off_exponentially_with_jitter():
    # given / when
    first = [
        tasks.retry_countdown(failures=1, retry_after=None, rate_limited=False) for _ in range(50)
    ]
    fifth = [
        tasks.retry_countdown(failures=5, retry_after=None, rate_limited=False) for _ in range(50)
    ]
    # then later tries wait longer, and no two tries are forced into lockstep
    assert max(first) <= 10 < min(fifth)
    assert len(set(fifth)) > 1


def test_long_waits_are_split_below_the_visibility_timeout():
    # given an hour-long Retry-After / then the task wakes within ten minutes to look again
    assert tasks.retry_countdown(failures=0, retry_after=3600, rate_limited=True) < 700


@pytest.mark.django_db
def test_a_transient_error_is_retried_with_its_counts(contributor):
    # given work that hits a 502
    def work():
        raise TransientForgeError("GitHub answered 502", status=502)

    # when it runs / then the task is retried, one failure counted
    with pytest.raises(Retried) as raised:
        tasks._run(FakeTask(), work, task_args=[1], contribution_id=None, failures=0, waits=0)
    assert raised.value.options["kwargs"] == {"failures": 1, "waits": 0}
    assert raised.value.options["args"] == [1]


@pytest.mark.django_db
def test_transient_errors_that_last_are_recorded_for_admins(contributor):
    # given an entry whose work failed transiently for the last allowed time
    entry = Contribution.objects.create(author=contributor, kind="skill", status=Status.APPROVED)

    def work():
        raise TransientForgeError("GitHub answered 503", status=503)

    # when it fails once more
    tasks._run(
        FakeTask(), work, task_args=[entry.pk], contribution_id=entry.pk,
        failures=tasks.MAX_TRANSIENT_FAILURES - 1, waits=3,
    )  # fmt: skip
    # then an admin sees it, not permanent, and the entry says what went wrong
    failure = TaskFailure.objects.get()
    assert (failure.task_args, failure.permanent) == ([entry.pk], False)
    entry.refresh_from_db()
    assert "503" in entry.pipeline_error


@pytest.mark.django_db
def test_a_permanent_error_is_recorded_once_and_not_retried(contributor):
    # given an entry whose work is refused for good, twice
    entry = Contribution.objects.create(author=contributor, kind="skill", status=Status.APPROVED)

    def work():
        raise PermanentForgeError("GitHub answered 403 Resource not accessible", status=403)

    for _ in range(2):
        tasks._run(FakeTask(), work, task_args=[entry.pk], contribution_id=entry.pk,
                   failures=0, waits=0)  # fmt: skip
    # then one open failure counts both attempts, and the audit log has both
    failure = TaskFailure.objects.get()
    assert (failure.permanent, failure.attempts) == (True, 2)
    assert (
        ContributionEvent.objects.filter(contribution=entry, event="pipeline_failed").count() == 2
    )


@pytest.mark.django_db
def test_approval_hands_the_entry_to_the_task_that_opens_its_pull_request(
    github, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given tasks that run inline
    # when a reviewer approves an entry and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    # then its pull request is open, and the rate-limit reading is stored for the dashboard
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN
    assert len(github.pulls("ceph/ceph-taxonomy")) == 1
    reading = ServiceStatus.objects.get(key="github_rate_limit").data
    assert reading["resources"]["core"]["limit"] == 5000


@pytest.mark.django_db
def test_a_failure_fixed_by_an_admin_is_retried_and_resolved(
    github, settings, contributor, reviewer, admin_user, django_capture_on_commit_callbacks
):
    # given a bot token without push rights: the task fails for good
    settings.GITHUB_TOKEN = github.fork_bot_token
    reset_forge()
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    tasks.open_pull_request.delay(entry.pk)
    failure = TaskFailure.objects.get(contribution=entry)
    entry.refresh_from_db()
    assert failure.permanent and entry.status == Status.APPROVED and entry.pipeline_error
    # when the token is fixed and an admin retries
    settings.GITHUB_TOKEN = github.bot_token
    reset_forge()
    with django_capture_on_commit_callbacks(execute=True):
        admin_ops.task_failure_retry(failure_id=failure.pk, actor=admin_user)
    # then the PR is open, the failure resolved and the error cleared
    entry.refresh_from_db()
    failure.refresh_from_db()
    assert entry.status == Status.PR_OPEN and entry.pipeline_error == ""
    assert failure.resolved_at is not None
    assert PullRequest.objects.filter(contribution=entry).count() == 1
