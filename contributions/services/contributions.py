"""The author's side of a contribution: drafts, import, duplicate, submit, withdraw, restore."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from contributions import workflow
from contributions.models import Contribution, KnowledgeDocument, PullRequest, Revision
from contributions.workflow import Status

from . import drafts, quality, validation
from .accounts import profile_get_or_create, profile_give_dco_consent
from .core import (
    ConflictError,
    PermissionDenied,
    ServiceError,
    contribution_move,
    event_record,
    lock_contribution,
)
from .reviews import _queue_pull_request, reviews_clear_for_new_revision


def content_digest(*, content: dict[str, Any], attribution: dict[str, Any]) -> str:
    """A stable fingerprint of an entry's content (same data, same digest)."""
    blob = json.dumps(
        {"content": content, "attribution": attribution}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def author_created_by(author: AbstractBaseUser) -> str:
    """What goes into qna.yaml's `created_by`: the GitHub handle if given, else the user name."""
    profile = profile_get_or_create(user=author)
    return profile.github_handle or author.get_username()


# The fields `_record_validation` sets: the taxonomy checks' verdict and the quality findings.
CHECK_FIELDS = [
    "validation_state",
    "validation_issues",
    "validated_at",
    "quality_findings",
    "quality_warnings",
]


def _record_validation(contribution: Contribution) -> validation.Report:
    """Check the draft and copy the verdict onto the (unsaved) contribution."""
    report = validation.report_for(contribution)
    for name, value in validation.validation_fields(report).items():
        setattr(contribution, name, value)
    for name, value in quality.quality_fields(contribution).items():
        setattr(contribution, name, value)
    return report


def _check_editable(contribution: Contribution, actor: AbstractBaseUser) -> None:
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can edit this entry.")
    if Status(contribution.status) not in workflow.EDITABLE:
        raise ServiceError(
            f"This entry is '{contribution.status_label}' and cannot be edited right now."
        )


@transaction.atomic
def contribution_create_draft(
    *,
    author: AbstractBaseUser,
    kind: str,
    summary: str = "",
    taxonomy_path: str = "",
    draft: dict[str, Any] | None = None,
) -> Contribution:
    """Start a new draft entry (with the minimum number of empty examples if no draft given)."""
    if kind not in Contribution.Kind.values:
        raise ServiceError(f"An entry is either a skill or knowledge, not '{kind}'.")
    created_by = author_created_by(author)
    if draft is None:
        profile = profile_get_or_create(user=author)
        draft = drafts.starter_draft(kind=kind, created_by=created_by, creators=profile.public_name)
    contribution = Contribution(
        author=author,
        kind=kind,
        summary=drafts.clean_text(summary, multiline=False)[:200],
        taxonomy_path=taxonomy_path.strip().strip("/"),
        draft=drafts.draft_clean(kind=kind, draft=draft, created_by=created_by),
        draft_version=1,
        draft_saved_at=timezone.now(),
    )
    _record_validation(contribution)
    contribution.save()
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
    """Save the author's working copy (autosave) and check it.

    Refuses a stale save from another device: `expected_version` must be the version the
    page was showing (None skips the check, for a deliberate "keep this version").
    """
    contribution = lock_contribution(contribution_id)
    _check_editable(contribution, actor)
    if expected_version is not None and expected_version != contribution.draft_version:
        raise ConflictError(
            "This entry was changed in another window or device. Reload to see the latest "
            "version; your text is still in this page."
        )
    draft = drafts.draft_clean(
        kind=contribution.kind, draft=draft, created_by=author_created_by(actor)
    )
    summary = drafts.clean_text(summary, multiline=False)[:200]
    taxonomy_path = taxonomy_path.strip().strip("/")[:400]
    changed = (
        draft != contribution.draft
        or summary != contribution.summary
        or taxonomy_path != contribution.taxonomy_path
    )
    if not changed:
        return contribution
    contribution.draft = draft
    contribution.summary = summary
    contribution.taxonomy_path = taxonomy_path
    contribution.draft_version += 1
    contribution.draft_saved_at = timezone.now()
    _record_validation(contribution)
    contribution.save()
    event_record(
        contribution=contribution,
        actor=actor,
        event="draft_saved",
        data={
            "draft_version": contribution.draft_version,
            "validation": contribution.validation_state,
        },
    )
    return contribution


def _draft_documents(contribution: Contribution) -> list[KnowledgeDocument]:
    return list(contribution.documents.filter(revision__isnull=True))


def _freeze_revision(*, contribution: Contribution, actor: AbstractBaseUser) -> Revision:
    draft = contribution.draft or {}
    documents = _draft_documents(contribution)
    content = dict(draft.get("entry", {}))
    if contribution.kind == Contribution.Kind.KNOWLEDGE:
        # Frozen with the commit placeholder: the pipeline fills the real commit (entry_for_commit).
        content["document"] = validation.document_ref(
            taxonomy_path=contribution.taxonomy_path,
            filenames=[d.filename for d in documents],
            docs_commit_sha=None,
        ).to_dict()
    attribution = draft.get("attribution", {})
    previous = contribution.current_revision
    number = (previous.number if previous else 0) + 1
    revision = Revision.objects.create(
        replaces_existing=_replaces_existing(contribution, previous),
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
    for document in documents:
        KnowledgeDocument.objects.create(
            contribution=contribution,
            revision=revision,
            filename=document.filename,
            content=document.content,
        )
    return revision


def _replaces_existing(contribution: Contribution, previous: Revision | None) -> bool:
    """Whether the author knowingly replaces the qna.yaml in the entry's folder.

    True when the synced taxonomy had one there as they submitted (the editor warned them),
    unless an earlier revision at the same folder did not replace anything: then the file
    appeared upstream since, someone else's entry took the folder, and it stays theirs.
    """
    path = contribution.taxonomy_path.strip("/")
    folder = validation.taxonomy_folders().get(path)
    has_entry = isinstance(folder, dict) and bool(folder.get("has_qna"))
    if has_entry and previous is not None and previous.taxonomy_path.strip("/") == path:
        return previous.replaces_existing
    return has_entry


def _same_as_current_revision(contribution: Contribution) -> bool:
    revision = contribution.current_revision
    if revision is None:
        return False
    draft = contribution.draft or {}
    content = dict(draft.get("entry", {}))
    stored = dict(revision.content)
    stored.pop("document", None)
    documents = {(d.filename, d.sha256) for d in _draft_documents(contribution)}
    frozen = {(d.filename, d.sha256) for d in revision.documents.all()}
    return (
        content == stored
        and draft.get("attribution", {}) == revision.attribution
        and contribution.taxonomy_path == revision.taxonomy_path
        and contribution.summary == revision.summary
        and documents == frozen
    )


def submit_blockers(contribution: Contribution, actor: AbstractBaseUser) -> list[str]:
    """What stops this person submitting this entry now, in plain words (empty: nothing)."""
    blockers = []
    profile = profile_get_or_create(user=actor)
    name, email = profile.commit_identity
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if not name.strip() or not email:
        blockers.append(
            "Your entries are signed with a name and an e-mail address. Set them on your "
            "profile page (or leave the e-mail empty to use the portal's private address)."
        )
    if contribution.validation_state != Contribution.Validation.PASSED:
        blockers.append("Fix the problems marked in the form first.")
    return blockers


@transaction.atomic
def contribution_submit(
    *,
    contribution_id: int,
    actor: AbstractBaseUser,
    note: str = "",
    dco_consent: bool = False,
) -> Contribution:
    """Freeze the draft into a new revision and send it for review.

    Refused unless the entry passes the taxonomy's CI rules (and has no other error), the
    author has a commit identity, and has agreed to the DCO (`dco_consent=True` agrees now).
    """
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can submit this entry.")
    target = submit_target(contribution)
    if not workflow.is_allowed(contribution.status, target):
        raise ServiceError(
            f"This entry is '{contribution.status_label}'; only drafts, entries with "
            "changes requested and entries with a pull request can be submitted."
        )
    report = _record_validation(contribution)
    contribution.save(update_fields=CHECK_FIELDS)
    if validation.report_blocks_submit(report):
        count = len(report.errors) or 1
        raise ServiceError(
            f"This entry has {count} problem{'s' if count != 1 else ''} to fix before it can "
            "be submitted. Each one is shown next to its field."
        )
    if settings.QUALITY_BLOCKS_SUBMIT and contribution.quality_warnings:
        raise ServiceError(
            f"This entry has {contribution.quality_warnings} quality warning"
            f"{'s' if contribution.quality_warnings != 1 else ''} to resolve before it can be "
            "submitted. Each one is shown next to its field."
        )
    if _same_as_current_revision(contribution):
        raise ServiceError(
            "Nothing has changed since you last submitted. Make the changes the reviewers "
            "asked for, then submit again."
        )
    blockers = submit_blockers(contribution, actor)
    if blockers:
        raise ServiceError(" ".join(blockers))
    profile = profile_get_or_create(user=actor)
    if not profile.has_dco_consent:
        if not dco_consent:
            raise ServiceError(
                "Before you submit, please read the Developer Certificate of Origin and tick "
                "the box to agree to it. It says you have the right to share this work."
            )
        profile = profile_give_dco_consent(user=actor)
    revision = _freeze_revision(contribution=contribution, actor=actor)
    name, email = profile.commit_identity
    now = timezone.now()
    extra: dict[str, Any] = {"current_revision": revision, "submitted_at": now}
    after_commit = None
    if target == Status.APPROVED:
        # PR_REVISION_REVIEW=direct: the checks passed, so the revision goes to its pull request.
        extra.update(handed_over_at=now, pipeline_error="")
        contribution_id = contribution.pk
        after_commit = lambda: _queue_pull_request(contribution_id)  # noqa: E731
    contribution_move(
        contribution=contribution,
        to_status=target,
        actor=actor,
        note=note.strip(),
        data={
            "revision": revision.number,
            "commit_identity": {"name": name, "email": email},
            "dco_version": profile.dco_version,
        },
        extra_fields=extra,
        after_commit=after_commit,
    )
    reviews_clear_for_new_revision(contribution)
    return contribution


def submit_target(contribution: Contribution) -> Status:
    """Where a submit takes the entry: portal review, or (direct mode) its open pull request."""
    status = Status(contribution.status)
    on_pull = status in (Status.PR_OPEN, Status.PR_CHANGES_REQUESTED)
    if on_pull and settings.PR_REVISION_REVIEW == "direct":
        return Status.APPROVED
    return Status.SUBMITTED


@transaction.atomic
def contribution_withdraw(
    *, contribution_id: int, actor: AbstractBaseUser, note: str = ""
) -> Contribution:
    """The author takes the entry back out of the process."""
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can withdraw this entry.")
    if contribution.pull_requests.filter(state=PullRequest.State.OPEN).exists():
        raise ServiceError(
            "This entry has an open pull request on GitHub, so it cannot be withdrawn here. "
            "Ask the taxonomy's maintainers to close the pull request instead."
        )
    if not workflow.is_allowed(contribution.status, Status.WITHDRAWN):
        raise ServiceError(
            f"This entry is '{contribution.status_label}' and can no longer be withdrawn."
        )
    contribution_move(contribution=contribution, to_status=Status.WITHDRAWN, actor=actor, note=note)
    return contribution


@transaction.atomic
def contribution_restore(*, contribution_id: int, actor: AbstractBaseUser) -> Contribution:
    """Bring a withdrawn entry back as a draft."""
    contribution = lock_contribution(contribution_id)
    if contribution.author_id != actor.pk:
        raise PermissionDenied("Only the author can restore this entry.")
    if not workflow.is_allowed(contribution.status, Status.DRAFT):
        raise ServiceError("Only a withdrawn entry can be brought back as a draft.")
    contribution_move(contribution=contribution, to_status=Status.DRAFT, actor=actor)
    return contribution
