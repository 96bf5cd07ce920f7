"""The one mechanism that moves a contribution between statuses and writes the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contributions import workflow
from contributions.models import Contribution, ContributionEvent


class ServiceError(Exception):
    """A request the rules refuse; its message is written for the person who asked."""


class PermissionDenied(ServiceError):
    """The actor may not do this to this contribution."""


class ConflictError(ServiceError):
    """The data changed under the caller (for example, a draft saved from another device)."""


def lock_contribution(contribution_id: int) -> Contribution:
    """Fetch a contribution with its row locked until the surrounding transaction ends."""
    return Contribution.objects.select_for_update().get(pk=contribution_id)


def event_record(
    *,
    contribution: Contribution | None,
    actor: AbstractBaseUser | None,
    event: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
) -> ContributionEvent:
    """Append one row to the audit log."""
    return ContributionEvent.objects.create(
        contribution=contribution,
        actor=actor if actor is not None and actor.is_authenticated else None,
        event=event,
        note=note,
        data=data or {},
        from_status=from_status,
        to_status=to_status,
    )


def contribution_move(
    *,
    contribution: Contribution,
    to_status: workflow.Status,
    actor: AbstractBaseUser | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    after_commit: Callable[[], None] | None = None,
    extra_fields: dict[str, Any] | None = None,
    event: str = "",
) -> ContributionEvent:
    """Move a locked contribution to `to_status`, audit it, and schedule its side effects.

    The caller holds the row lock (see `lock_contribution`) inside `transaction.atomic()`.
    `event` names a variant of the move where the table allows one (workflow.EVENT_VARIANTS).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("contribution_move must run inside transaction.atomic().")
    from_status = contribution.status
    event_name = workflow.check_transition(from_status, to_status, event)
    contribution.status = to_status.value
    fields = {"status", "updated_at"}
    for name, value in (extra_fields or {}).items():
        setattr(contribution, name, value)
        fields.add(name)
    contribution.updated_at = timezone.now()
    contribution.save(update_fields=sorted(fields))
    event = event_record(
        contribution=contribution,
        actor=actor,
        event=event_name,
        note=note,
        data=data,
        from_status=from_status,
        to_status=to_status.value,
    )
    if after_commit is not None:
        transaction.on_commit(after_commit)
    return event
