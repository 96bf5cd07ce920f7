"""Admin operations: retry failed background work and manage reviewers' scopes."""

from __future__ import annotations

import re

from celery import current_app
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from contributions import permissions, roles, workflow
from contributions.models import Contribution, ReviewerScope, TaskFailure
from contributions.workflow import Status

from .core import (
    ConflictError,
    PermissionDenied,
    ServiceError,
    contribution_move,
    event_record,
    lock_contribution,
)
from .notifications import notify
from .pull_request_plan import entry_path

SCOPE_ROOTS = ("compositional_skills", "knowledge", "foundational_skills")
_SEGMENT = re.compile(r"^[A-Za-z0-9_.-]+$")


def _require_admin(actor: AbstractBaseUser) -> None:
    if not permissions.can_assign_reviews(actor):
        raise PermissionDenied("Only admins can do this.")


@transaction.atomic
def task_failure_retry(*, failure_id: int, actor: AbstractBaseUser) -> TaskFailure:
    """Queue a failed task again with its arguments, after commit, and mark the failure retried.

    Tasks are safe to run twice, so a double click costs nothing but a second message.
    """
    _require_admin(actor)
    failure = TaskFailure.objects.select_for_update().filter(pk=failure_id).first()
    if failure is None:
        raise ServiceError("That failure no longer exists.")
    if failure.resolved_at is not None:
        raise ConflictError("This failure is already resolved; there is nothing to retry.")
    task = current_app.tasks.get(failure.task_name)
    if task is None:
        raise ServiceError(f"No task is called '{failure.task_name}'; it cannot be retried.")
    stored = failure.task_args
    args = stored if isinstance(stored, list) else [] if isinstance(stored, dict) else [stored]
    kwargs = stored if isinstance(stored, dict) else {}
    failure.retried_at = timezone.now()
    failure.save(update_fields=["retried_at"])
    event_record(
        contribution=failure.contribution,
        actor=actor,
        event="task_retried",
        data={"failure": failure.pk, "task": failure.task_name, "args": stored},
    )
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs))
    return failure


@transaction.atomic
def task_failure_resolve(*, failure_id: int, actor: AbstractBaseUser) -> TaskFailure:
    """Mark a failure as dealt with (for example, fixed by hand), so it leaves the dashboard."""
    _require_admin(actor)
    failure = TaskFailure.objects.select_for_update().filter(pk=failure_id).first()
    if failure is None:
        raise ServiceError("That failure no longer exists.")
    if failure.resolved_at is None:
        failure.resolved_at = timezone.now()
        failure.save(update_fields=["resolved_at"])
        event_record(
            contribution=failure.contribution,
            actor=actor,
            event="task_failure_resolved",
            data={"failure": failure.pk, "task": failure.task_name},
        )
    return failure


def scope_prefix_clean(path_prefix: str) -> str:
    """A scope is a taxonomy folder: segments of letters, digits, '_', '-', '.' under a root."""
    prefix = (path_prefix or "").strip().strip("/")
    parts = prefix.split("/") if prefix else []
    if not parts or parts[0] not in SCOPE_ROOTS:
        raise ServiceError(
            "A scope starts with compositional_skills/ or knowledge/, "
            "for example knowledge/technology/ceph."
        )
    if any(part in {"", ".", ".."} or not _SEGMENT.match(part) for part in parts):
        raise ServiceError(
            "Use folder names of letters, digits, dots, dashes or underscores, separated by '/'."
        )
    return prefix


@transaction.atomic
def reviewer_scope_add(
    *, reviewer: AbstractBaseUser, path_prefix: str, actor: AbstractBaseUser
) -> ReviewerScope:
    """Limit a reviewer to (one more) taxonomy folder."""
    _require_admin(actor)
    if not roles.is_reviewer(reviewer):
        raise ServiceError(f"{reviewer.get_username()} is not a reviewer.")
    prefix = scope_prefix_clean(path_prefix)
    try:
        with transaction.atomic():
            scope = ReviewerScope.objects.create(reviewer=reviewer, path_prefix=prefix)
    except IntegrityError as error:
        raise ConflictError(f"{reviewer.get_username()} already reviews {prefix}.") from error
    event_record(
        contribution=None,
        actor=actor,
        event="reviewer_scope_added",
        data={"reviewer": reviewer.pk, "path_prefix": prefix},
    )
    return scope


@transaction.atomic
def reviewer_scope_remove(*, scope_id: int, actor: AbstractBaseUser) -> None:
    """Remove one of a reviewer's folders; with none left, the reviewer reviews everything."""
    _require_admin(actor)
    scope = ReviewerScope.objects.filter(pk=scope_id).first()
    if scope is None:
        raise ServiceError("That scope no longer exists.")
    data = {"reviewer": scope.reviewer_id, "path_prefix": scope.path_prefix}
    scope.delete()
    event_record(contribution=None, actor=actor, event="reviewer_scope_removed", data=data)


@transaction.atomic
def contribution_abandon(
    *, contribution_id: int, actor: AbstractBaseUser, reason: str
) -> Contribution:
    """An admin gives up on an entry whose pull request was closed without merging."""
    _require_admin(actor)
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the entry is abandoned: its author will read it.")
    contribution = lock_contribution(contribution_id)
    if not workflow.is_allowed(contribution.status, Status.ABANDONED):
        raise ServiceError(
            f"This entry is '{contribution.status_label}'; only an entry whose pull request was "
            "closed without merging can be marked abandoned."
        )
    event = contribution_move(
        contribution=contribution, to_status=Status.ABANDONED, actor=actor, note=reason
    )
    notify(
        recipient=contribution.author,
        kind="decision",
        message=f"An admin marked your entry “{contribution.summary}” abandoned: {reason}",
        contribution=contribution,
        url=entry_path(contribution.pk),
        dedupe_key=f"abandoned-{event.pk}",
    )
    return contribution
