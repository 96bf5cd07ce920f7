"""Admin operations: retrying failed tasks and managing reviewers' scopes."""

from unittest import mock

import pytest
from django.utils import timezone

from contributions.models import ContributionEvent, ReviewerScope, TaskFailure
from contributions.services import admin_ops
from contributions.services.core import ConflictError, PermissionDenied, ServiceError
from contributions.tasks.health import ping


@pytest.mark.django_db
def test_retry_queues_the_task_again_after_commit(admin_user, django_capture_on_commit_callbacks):
    # given a failed task
    failure = TaskFailure.objects.create(
        task_name="contributions.tasks.ping", task_args=[], error="boom"
    )
    # when an admin retries it
    with (
        mock.patch.object(ping, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        admin_ops.task_failure_retry(failure_id=failure.pk, actor=admin_user)
    # then it is queued once with its arguments, marked retried and audited
    apply_async.assert_called_once_with(args=[], kwargs={})
    failure.refresh_from_db()
    assert failure.retried_at is not None and failure.resolved_at is None
    assert ContributionEvent.objects.filter(event="task_retried", actor=admin_user).exists()


@pytest.mark.django_db
def test_retry_passes_stored_arguments(admin_user, django_capture_on_commit_callbacks):
    failure = TaskFailure.objects.create(
        task_name="contributions.tasks.ping", task_args=[42, "x"], error="boom"
    )
    with (
        mock.patch.object(ping, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        admin_ops.task_failure_retry(failure_id=failure.pk, actor=admin_user)
    apply_async.assert_called_once_with(args=[42, "x"], kwargs={})


@pytest.mark.django_db
def test_retry_is_refused_for_non_admins_unknown_tasks_and_resolved_failures(admin_user, reviewer):
    unknown = TaskFailure.objects.create(task_name="no.such.task", error="x")
    done = TaskFailure.objects.create(
        task_name="contributions.tasks.ping", error="x", resolved_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        admin_ops.task_failure_retry(failure_id=unknown.pk, actor=reviewer)
    with pytest.raises(ServiceError, match="No task is called"):
        admin_ops.task_failure_retry(failure_id=unknown.pk, actor=admin_user)
    with pytest.raises(ConflictError, match="already resolved"):
        admin_ops.task_failure_retry(failure_id=done.pk, actor=admin_user)


@pytest.mark.django_db
def test_resolving_a_failure_takes_it_off_the_list(admin_user):
    failure = TaskFailure.objects.create(task_name="contributions.tasks.ping", error="x")
    admin_ops.task_failure_resolve(failure_id=failure.pk, actor=admin_user)
    failure.refresh_from_db()
    assert failure.resolved_at is not None


@pytest.mark.django_db
def test_admins_manage_reviewer_scopes(admin_user, reviewer):
    # when an admin adds and removes a folder
    scope = admin_ops.reviewer_scope_add(
        reviewer=reviewer, path_prefix="/knowledge/technology/ceph/", actor=admin_user
    )
    # then it is stored cleanly, and duplicates are refused
    assert scope.path_prefix == "knowledge/technology/ceph"
    with pytest.raises(ConflictError):
        admin_ops.reviewer_scope_add(
            reviewer=reviewer, path_prefix="knowledge/technology/ceph", actor=admin_user
        )
    admin_ops.reviewer_scope_remove(scope_id=scope.pk, actor=admin_user)
    assert not ReviewerScope.objects.exists()
    events = ContributionEvent.objects.filter(actor=admin_user).values_list("event", flat=True)
    assert list(events) == ["reviewer_scope_added", "reviewer_scope_removed"]


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "ceph", "knowledge/../x", "knowledge/with space"])
def test_scopes_must_be_taxonomy_folders(admin_user, reviewer, prefix):
    with pytest.raises(ServiceError):
        admin_ops.reviewer_scope_add(reviewer=reviewer, path_prefix=prefix, actor=admin_user)


@pytest.mark.django_db
def test_only_admins_manage_scopes_and_only_for_reviewers(admin_user, reviewer, contributor):
    with pytest.raises(PermissionDenied):
        admin_ops.reviewer_scope_add(reviewer=reviewer, path_prefix="knowledge", actor=reviewer)
    with pytest.raises(ServiceError, match="not a reviewer"):
        admin_ops.reviewer_scope_add(
            reviewer=contributor, path_prefix="knowledge", actor=admin_user
        )
