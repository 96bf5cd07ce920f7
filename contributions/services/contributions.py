"""The author's side of a contribution: drafts, submit, withdraw, restore."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contributions import workflow
from contributions.models import Contribution, KnowledgeDocument, Revision
from contributions.workflow import Status

from .core import (
    ConflictError,
    PermissionDenied,
    ServiceError,
    contribution_move,
    event_record,
    lock_contribution,
)


def content_digest(*, content: dict[str, Any], attribution: dict[str, Any]) -> str:
    """A stable fingerprint of an entry's content (same data, same digest)."""
    blob = json.dumps(
        {"content": content, "attribution": attribution}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@transaction.atomic
def contribution_create_draft(
    *,
    author: AbstractBaseUser,
    kind: str,
    summary: str = "",
    taxonomy_path: str = "",
    draft: dict[str, Any] | None = None,
) -> Contribution:
    """Start a new draft entry."""
    if kind not in Contribution.Kind.values:
        raise ServiceError(f"An entry is either a skill or knowledge, not '{kind}'.")
    contribution = Contribution.objects.create(
        author=author,
        kind=kind,
        summary=summary.strip(),
        taxonomy_path=taxonomy_path.strip().strip("/"),
        draft=draft or {},
        draft_version=1,
        draft_saved_at=timezone.now(),
    )
    event_record(
        contribution=contribution,
        actor=author,
        event="draft_created",
        to_status=contribution.status,
        data={"kind": kind},
    )
    return contribution


@transaction.atomic
def contribution_save_draft(
    *,
    contribution_id: int,
    actor: AbstractBaseUser,
    draft: dict[str, Any],
    summary: str,
    taxonomy_path: str,
    expected_version: int | None = None,
) -> Contribution:
    """Save the author's working copy (autosave). Refuses a stale save from another device."""
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can edit this entry.")
    if Status(contribution.status) not in workflow.EDITABLE:
        raise ServiceError(
            f"This entry is '{contribution.status_label}' and cannot be edited right now."
        )
    if expected_version is not None and expected_version != contribution.draft_version:
        raise ConflictError(
            "This entry was changed in another window or device. Reload to see the latest "
            "version; your text is still in this page."
        )
    changed = (
        draft != contribution.draft
        or summary.strip() != contribution.summary
        or taxonomy_path.strip().strip("/") != contribution.taxonomy_path
    )
    if not changed:
        return contribution
    contribution.draft = draft
    contribution.summary = summary.strip()
    contribution.taxonomy_path = taxonomy_path.strip().strip("/")
    contribution.draft_version += 1
    contribution.draft_saved_at = timezone.now()
    contribution.validation_state = Contribution.Validation.PENDING
    contribution.save()
    event_record(
        contribution=contribution,
        actor=actor,
        event="draft_saved",
        data={"draft_version": contribution.draft_version},
    )
    return contribution


def _freeze_revision(*, contribution: Contribution, actor: AbstractBaseUser) -> Revision:
    content = contribution.draft.get("entry", {})
    attribution = contribution.draft.get("attribution", {})
    number = (contribution.current_revision.number if contribution.current_revision else 0) + 1
    revision = Revision.objects.create(
        contribution=contribution,
        number=number,
        kind=contribution.kind,
        taxonomy_path=contribution.taxonomy_path,
        summary=contribution.summary,
        content=content,
        attribution=attribution,
        content_sha256=content_digest(content=content, attribution=attribution),
        created_by=actor,
    )
    for document in contribution.documents.filter(revision__isnull=True):
        KnowledgeDocument.objects.create(
            contribution=contribution,
            revision=revision,
            filename=document.filename,
            content=document.content,
        )
    return revision


@transaction.atomic
def contribution_submit(
    *, contribution_id: int, actor: AbstractBaseUser, note: str = ""
) -> Contribution:
    """Freeze the draft into a new revision and send it for review."""
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can submit this entry.")
    workflow.check_transition(contribution.status, Status.SUBMITTED)
    revision = _freeze_revision(contribution=contribution, actor=actor)
    contribution_move(
        contribution=contribution,
        to_status=Status.SUBMITTED,
        actor=actor,
        note=note,
        data={"revision": revision.number},
        extra_fields={"current_revision": revision, "submitted_at": timezone.now()},
    )
    return contribution


@transaction.atomic
def contribution_withdraw(
    *, contribution_id: int, actor: AbstractBaseUser, note: str = ""
) -> Contribution:
    """The author takes the entry back out of the process."""
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can withdraw this entry.")
    contribution_move(contribution=contribution, to_status=Status.WITHDRAWN, actor=actor, note=note)
    return contribution


@transaction.atomic
def contribution_restore(*, contribution_id: int, actor: AbstractBaseUser) -> Contribution:
    """Bring a withdrawn entry back as a draft."""
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can restore this entry.")
    contribution_move(contribution=contribution, to_status=Status.DRAFT, actor=actor)
    return contribution
