"""After the pull request opens: later revisions, rebases onto a moved base, taken folders.

A later revision lands as one new commit on the pull request's own branch (no new pull
request, no force-push, so the maintainers' review history stays). Exactly once: the commit is
made from fixed inputs (parent = the branch head, fixed dates), so a rerun after a crash makes
the same SHA; and a branch whose head already names the revision in its `Cephportal-Revision`
trailer is done.

A rebase writes the pull request's files again on top of the base branch's head, as a new
commit, and moves the branch there (the only forced move the portal makes).

Before any commit, the entry's folder is checked on the base branch: a qna.yaml there that the
author did not knowingly replace means someone else's entry took the folder; nothing is pushed
and the author is asked to move the entry.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Final

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contributions import roles
from contributions.forge import Forge, PullRequestInfo, get_forge
from contributions.models import Comment, Contribution, PullRequest, PullRequestCommit, Revision
from contributions.workflow import Status

from . import validation
from .core import PermissionDenied, ServiceError, contribution_move, event_record, lock_contribution
from .notifications import notify
from .pull_request_plan import (
    PullRequestPlan,
    bot_identity,
    commit_revision,
    entry_path,
    plan_for_revision,
    pull_request_body,
    revision_message,
)

logger = logging.getLogger(__name__)

REBASE_TASK = "contributions.tasks.rebase_pull_request"
# Content-creating requests of a later commit: tree and commit (the branch moves by PATCH).
CREATIONS_PER_REVISION = 2


class _NotOpen:
    """The pull request a revision was meant for is no longer open."""


NOT_OPEN: Final = _NotOpen()


def entry_files(plan: PullRequestPlan, files: validation.CommitFiles) -> dict[str, str]:
    """The two files of an entry, by their path in the taxonomy."""
    return {
        f"{plan.taxonomy_path}/qna.yaml": files.qna_yaml,
        f"{plan.taxonomy_path}/attribution.txt": files.attribution,
    }


def _head_repo(forge: Forge) -> str:
    from .pipeline import _head

    return _head(forge)[1]


def path_taken(*, forge: Forge, revision: Revision) -> bool:
    """Whether the base branch has a qna.yaml in the revision's folder that is not the author's."""
    if revision.replaces_existing:
        return False
    return (
        forge.file_sha(
            repo=settings.TAXONOMY_REPO,
            ref=settings.TAXONOMY_BASE_BRANCH,
            path=f"{revision.taxonomy_path.strip('/')}/qna.yaml",
        )
        is not None
    )


def _admins() -> list[AbstractBaseUser]:
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=roles.ADMIN), is_active=True
    )
    return list(users.distinct())


def alert_admins(*, contribution: Contribution, message: str, dedupe_key: str) -> None:
    """Tell every admin about a pull request that may need them (in-app and e-mail)."""
    for admin in _admins():
        if admin.pk == contribution.author_id:
            continue
        notify(
            recipient=admin,
            kind="pipeline_alert",
            message=message,
            contribution=contribution,
            url=entry_path(contribution.pk),
            dedupe_key=dedupe_key,
        )


def tell_author_and_admins(
    *, contribution: Contribution, to_author: str, to_admins: str, dedupe_key: str
) -> None:
    """The author hears it as a pull-request notice; admins as an alert."""
    notify(
        recipient=contribution.author,
        kind="pull_request",
        message=to_author,
        contribution=contribution,
        url=entry_path(contribution.pk),
        dedupe_key=dedupe_key,
    )
    alert_admins(contribution=contribution, message=to_admins, dedupe_key=dedupe_key)


def _portal_comment(contribution: Contribution, revision_id: int | None, body: str) -> None:
    Comment.objects.create(contribution=contribution, revision_id=revision_id, body=body)


@transaction.atomic
def path_taken_record(*, contribution_id: int, revision_id: int) -> None:
    """Send an approved entry back to its author: its folder was taken upstream."""
    contribution = lock_contribution(contribution_id)
    if contribution.status != Status.APPROVED or contribution.current_revision_id != revision_id:
        return None
    has_open_pull = PullRequest.objects.filter(
        contribution=contribution, state=PullRequest.State.OPEN
    ).exists()
    target = Status.PR_CHANGES_REQUESTED if has_open_pull else Status.CHANGES_REQUESTED
    folder = contribution.taxonomy_path
    text = (
        f"Another entry was merged into the taxonomy at {folder}/qna.yaml, the folder this "
        "entry uses, so nothing was sent to GitHub. Choose another folder (for example a new "
        "folder inside it) in the editor and submit again."
    )
    event = contribution_move(
        contribution=contribution,
        to_status=target,
        actor=None,
        note=text,
        data={"path": f"{folder}/qna.yaml"},
    )
    _portal_comment(contribution, revision_id, text)
    tell_author_and_admins(
        contribution=contribution,
        to_author=f"Your entry “{contribution.summary}” needs a new folder: {text}",
        to_admins=f"Entry #{contribution.pk} “{contribution.summary}”: its folder {folder} was "
        "taken by another entry upstream; the author was asked to move it.",
        dedupe_key=f"path-taken-{event.pk}",
    )
    return None


# --- A later revision on the open pull request -------------------------------------------------


def _history(pull: PullRequest, plan: PullRequestPlan) -> tuple[str, ...]:
    numbers = list(
        PullRequestCommit.objects.filter(
            pull_request=pull, reason=PullRequestCommit.Reason.REVISION
        ).values_list("revision__number", flat=True)
    )
    if plan.revision.number not in numbers:
        numbers.append(plan.revision.number)
    return tuple(
        f"revision {number}, made in the portal after this pull request opened"
        for number in sorted(set(numbers))
    )


def _pushed_already(forge: Forge, repo: str, sha: str, plan: PullRequestPlan) -> bool:
    message = forge.read_commit(repo=repo, sha=sha).message
    return commit_revision(message, plan.contribution_id) == plan.revision.number


def revision_push(
    *, forge: Forge, plan: PullRequestPlan, pull: PullRequest
) -> PullRequest | _NotOpen | None:
    """Put an approved later revision on its open pull request as one new commit.

    NOT_OPEN when GitHub says the pull request is closed (a new one is opened instead); None
    when the folder was taken upstream (the author was asked to move the entry).
    """
    from .pipeline import check_files, documents_sha
    from .pull_request_tracking import pull_request_apply

    info = forge.get_pull_request(repo=pull.repo, number=pull.number)
    if info is not None and info.state != "open":
        pull_request_apply(pull_request_id=pull.pk, info=info)
        if info.state == "merged":
            return PullRequest.objects.get(pk=pull.pk)
        return NOT_OPEN
    head_repo = _head_repo(forge)
    previous_path = pull.revision.taxonomy_path.strip("/")
    expected = CREATIONS_PER_REVISION + (3 if plan.is_knowledge else 0)
    with forge.content_session(expected=expected):
        if path_taken(forge=forge, revision=plan.revision):
            return path_taken_record(
                contribution_id=plan.contribution_id, revision_id=plan.revision.pk
            )
        docs_sha = documents_sha(forge, plan)
        files = validation.entry_for_commit(plan.revision, docs_commit_sha=docs_sha or None)
        report = check_files(plan, files)
        head = forge.branch_head(repo=head_repo, branch=pull.branch)
        if _pushed_already(forge, head_repo, head.commit_sha, plan):
            sha = head.commit_sha
        else:
            moved = previous_path != plan.taxonomy_path
            deletions = (
                (f"{previous_path}/qna.yaml", f"{previous_path}/attribution.txt") if moved else ()
            )
            sha = forge.commit_files(
                repo=head_repo,
                parent=head,
                files=entry_files(plan, files),
                deletions=deletions,
                message=revision_message(plan, reason="revision"),
                author=plan.author,
                committer=bot_identity(),
                authored_at=plan.authored_at,
                committed_at=plan.committed_at,
            )
            forge.move_branch(repo=head_repo, branch=pull.branch, sha=sha)
        follows = pull.follows.url if pull.follows_id else ""
        body = pull_request_body(
            plan, report, docs_sha, follows_url=follows, history=_history(pull, plan)
        )
        forge.update_pull_request(repo=pull.repo, number=pull.number, body=body)
    return revision_record(
        pull_request_id=pull.pk,
        revision_id=plan.revision.pk,
        sha=sha,
        docs_commit_sha=docs_sha,
        reason=PullRequestCommit.Reason.REVISION,
    )


_COMMIT_EVENTS = {
    PullRequestCommit.Reason.REVISION: "revision_pushed",
    PullRequestCommit.Reason.REBASE: "pull_request_rebased",
}


@transaction.atomic
def revision_record(
    *, pull_request_id: int, revision_id: int, sha: str, docs_commit_sha: str, reason: str
) -> PullRequest | None:
    """Store a commit the portal put on a pull request, and move the entry back to PR_OPEN."""
    pull = PullRequest.objects.filter(pk=pull_request_id).first()
    if pull is None:
        return None
    contribution = lock_contribution(pull.contribution_id)
    pull = PullRequest.objects.select_for_update().get(pk=pull_request_id)
    _, created = PullRequestCommit.objects.get_or_create(
        pull_request=pull, sha=sha, defaults={"revision_id": revision_id, "reason": reason}
    )
    revision = Revision.objects.get(pk=revision_id)
    pull.revision_id = revision_id
    pull.head_sha = sha
    if docs_commit_sha:
        pull.docs_commit_sha = docs_commit_sha
    if reason == PullRequestCommit.Reason.REBASE:
        pull.mergeable, pull.conflict = None, PullRequest.Conflict.NONE
    pull.etag = ""  # the next read must see the new head
    pull.save()
    if created:
        event_record(
            contribution=contribution,
            actor=None,
            event=_COMMIT_EVENTS[reason],
            data={"number": pull.number, "sha": sha, "revision": revision.number},
        )
    if contribution.status == Status.APPROVED and contribution.current_revision_id == revision_id:
        event = contribution_move(
            contribution=contribution,
            to_status=Status.PR_OPEN,
            actor=None,
            event="pr_updated",
            note=f"Revision {revision.number} added to pull request #{pull.number}.",
            data={"repo": pull.repo, "number": pull.number, "sha": sha},
            extra_fields={"pipeline_error": ""},
        )
        notify(
            recipient=contribution.author,
            kind="pull_request",
            message=f"Revision {revision.number} of “{contribution.summary}” is on its pull "
            f"request now, as a new commit: {pull.url}",
            contribution=contribution,
            url=entry_path(contribution.pk),
            dedupe_key=f"pull-request-{pull.pk}-event-{event.pk}",
        )
    return pull


# --- When the base moves ------------------------------------------------------------------------


@transaction.atomic
def pull_request_conflict_note(*, pull_request_id: int, info: PullRequestInfo) -> str:
    """Remember GitHub's word on whether the pull request merges; tell people when it stops."""
    pull = PullRequest.objects.filter(pk=pull_request_id).first()
    if pull is None or info.mergeable is None or info.state != "open":
        return ""
    contribution = lock_contribution(pull.contribution_id)
    pull = PullRequest.objects.select_for_update().get(pk=pull_request_id)
    was = pull.mergeable
    pull.mergeable = info.mergeable
    if info.mergeable:
        if pull.conflict:
            event_record(
                contribution=contribution,
                actor=None,
                event="pull_request_mergeable",
                data={"number": pull.number},
            )
        pull.conflict, pull.conflict_noticed_at = PullRequest.Conflict.NONE, None
        pull.save(update_fields=["mergeable", "conflict", "conflict_noticed_at", "updated_at"])
        return ""
    if was is False and pull.conflict:
        pull.save(update_fields=["mergeable", "updated_at"])
        return pull.conflict  # told already
    pull.conflict = PullRequest.Conflict.CONFLICT
    pull.conflict_noticed_at = timezone.now()
    pull.save(update_fields=["mergeable", "conflict", "conflict_noticed_at", "updated_at"])
    event = event_record(
        contribution=contribution,
        actor=None,
        event="pull_request_conflict",
        data={"number": pull.number, "mergeable_state": info.mergeable_state},
    )
    text = (
        f"The taxonomy changed since pull request #{pull.number} was made, and GitHub can no "
        "longer merge it as it is. The portal can write your entry again on top of the latest "
        "taxonomy (a new commit; the pull request stays): use “Bring up to date” on the "
        "entry's page."
    )
    tell_author_and_admins(
        contribution=contribution,
        to_author=f"“{contribution.summary}”: {text}",
        to_admins=f"Pull request #{pull.number} of entry #{contribution.pk} conflicts with the "
        "taxonomy's base branch.",
        dedupe_key=f"conflict-{event.pk}",
    )
    return pull.conflict


@transaction.atomic
def path_taken_on_open_pull(*, pull_request_id: int) -> bool:
    """A conflicting pull request whose folder someone else's merge took: back to the author."""
    pull = PullRequest.objects.select_related("contribution").get(pk=pull_request_id)
    contribution = lock_contribution(pull.contribution_id)
    pull = PullRequest.objects.select_for_update().get(pk=pull_request_id)
    if pull.conflict == PullRequest.Conflict.PATH_TAKEN:
        return False
    pull.conflict = PullRequest.Conflict.PATH_TAKEN
    pull.save(update_fields=["conflict", "updated_at"])
    folder = pull.revision.taxonomy_path
    text = (
        f"Another entry was merged into the taxonomy at {folder}/qna.yaml, the folder of this "
        f"entry, so pull request #{pull.number} cannot be merged. Choose another folder in the "
        "editor and submit again: the change goes to the same pull request."
    )
    if contribution.status == Status.PR_OPEN and pull.revision_id == (
        contribution.current_revision_id
    ):
        contribution_move(
            contribution=contribution,
            to_status=Status.PR_CHANGES_REQUESTED,
            actor=None,
            event="path_taken",
            note=text,
            data={"number": pull.number, "path": f"{folder}/qna.yaml"},
        )
    else:
        event_record(contribution=contribution, actor=None, event="path_taken", note=text)
    _portal_comment(contribution, pull.revision_id, text)
    tell_author_and_admins(
        contribution=contribution,
        to_author=f"“{contribution.summary}” needs a new folder: {text}",
        to_admins=f"Pull request #{pull.number} of entry #{contribution.pk}: its folder {folder} "
        "was taken by another entry upstream; the author was asked to move it.",
        dedupe_key=f"path-taken-pull-{pull.pk}-{pull.revision_id}",
    )
    return True


def can_request_rebase(user: AbstractBaseUser, pull: PullRequest) -> bool:
    """The author and admins may bring an open pull request up to date."""
    if not user.is_authenticated or pull.state != PullRequest.State.OPEN:
        return False
    return pull.contribution.author_id == user.pk or roles.is_admin(user)


@transaction.atomic
def pull_request_request_rebase(*, pull_request_id: int, actor: AbstractBaseUser) -> PullRequest:
    """Ask the worker to write the entry again on top of the latest base branch."""
    from contributions.tasks.pipeline import rebase_pull_request

    pull = PullRequest.objects.select_related("contribution").filter(pk=pull_request_id).first()
    if pull is None:
        raise ServiceError("There is no such pull request.")
    contribution = lock_contribution(pull.contribution_id)
    pull = PullRequest.objects.select_for_update().get(pk=pull_request_id)
    if not can_request_rebase(actor, pull):
        if pull.state != PullRequest.State.OPEN:
            raise ServiceError("Only an open pull request can be brought up to date.")
        raise PermissionDenied("Only the entry's author or an admin can do this.")
    if pull.conflict == PullRequest.Conflict.PATH_TAKEN:
        raise ServiceError(
            "Another entry took this entry's folder upstream; bringing the pull request up to "
            "date would overwrite it. Choose another folder in the editor and submit again."
        )
    pull.rebase_requested_at = timezone.now().replace(microsecond=0)
    pull.save(update_fields=["rebase_requested_at", "updated_at"])
    event_record(
        contribution=contribution,
        actor=actor,
        event="rebase_requested",
        data={"number": pull.number},
    )
    transaction.on_commit(lambda: rebase_pull_request.delay(pull_request_id))
    return pull


def pull_request_rebase(*, pull_request_id: int) -> PullRequest | None:
    """Write the pull request's revision again on top of the base branch's head; safe to rerun."""
    pull = (
        PullRequest.objects.select_related("contribution__author__profile", "revision")
        .filter(pk=pull_request_id)
        .first()
    )
    if pull is None or pull.state != PullRequest.State.OPEN or pull.rebase_requested_at is None:
        return None
    forge = get_forge()
    plan = plan_for_revision(pull.contribution, pull.revision)
    plan = dataclasses.replace(plan, committed_at=pull.rebase_requested_at)
    head_repo = _head_repo(forge)
    base_branch = settings.TAXONOMY_BASE_BRANCH
    with forge.content_session(expected=CREATIONS_PER_REVISION):
        if path_taken(forge=forge, revision=pull.revision):
            path_taken_on_open_pull(pull_request_id=pull.pk)
            return None
        if settings.GITHUB_FORK_MODE:
            forge.sync_fork(fork=head_repo, branch=base_branch)
        base = forge.branch_head(repo=head_repo, branch=base_branch)
        head = forge.branch_head(repo=head_repo, branch=pull.branch)
        current = forge.read_commit(repo=head_repo, sha=head.commit_sha)
        if current.parents == (base.commit_sha,) and _pushed_already(
            forge, head_repo, head.commit_sha, plan
        ):
            sha = head.commit_sha  # done by an earlier run
        else:
            files = validation.entry_for_commit(
                pull.revision, docs_commit_sha=pull.docs_commit_sha or None
            )
            sha = forge.commit_files(
                repo=head_repo,
                parent=base,
                files=entry_files(plan, files),
                message=revision_message(plan, reason="rebase"),
                author=plan.author,
                committer=bot_identity(),
                authored_at=plan.authored_at,
                committed_at=plan.committed_at,
            )
            forge.move_branch(repo=head_repo, branch=pull.branch, sha=sha, force=True)
    return revision_record(
        pull_request_id=pull.pk,
        revision_id=pull.revision_id,
        sha=sha,
        docs_commit_sha="",
        reason=PullRequestCommit.Reason.REBASE,
    )
