"""The pull-request pipeline: an approved entry becomes exactly one pull request.

`pull_request_open` may run any number of times, and stop at any point (a worker killed, a
timeout, a 502 after GitHub did the work): every name sent to GitHub is fixed by the entry and
its revision, a lookup by owner:branch runs first, and "already exists" means done.

1. Knowledge documents go to the docs repo as one commit, marked by the tag
   `cephportal/entry-<id>-r<revision>`; the tag is the rerun marker and keeps the commit
   reachable. Its SHA goes into the entry's `document.commit`.
2. qna.yaml and attribution.txt are rendered (services.validation.entry_for_commit), checked
   again by the taxonomy engine byte for byte, and committed in one commit on the branch of
   the same name: author the contributor, committer the bot, a DCO sign-off matching the author.
3. The pull request is opened (a closed one is never reused), labelled where allowed, and
   recorded: one PullRequest row per revision, and APPROVED -> PR_OPEN.

No network call runs inside a transaction: GitHub first, then one short locked transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contributions.forge import (
    Forge,
    ForgeError,
    PermanentForgeError,
    PullRequestInfo,
    TransientForgeError,
    get_forge,
)
from contributions.models import (
    Contribution,
    PullRequest,
    PullRequestCommit,
    ServiceStatus,
    TaskFailure,
)
from contributions.taxonomy import Report, validate_file
from contributions.workflow import Status

from . import validation
from .core import contribution_move, event_record, lock_contribution
from .notifications import notify
from .pull_request_plan import (
    PipelineStopped,
    PullRequestPlan,
    bot_identity,
    documents_message,
    entry_message,
    entry_path,
    plan_for,
    pull_request_body,
)

logger = logging.getLogger(__name__)

OPEN_TASK = "contributions.tasks.open_pull_request"
RATE_LIMIT_KEY = "github_rate_limit"


def check_files(plan: PullRequestPlan, files: validation.CommitFiles) -> Report:
    """The taxonomy engine's verdict on the exact bytes about to be committed."""
    report = validate_file(
        files.qna_yaml,
        path=f"{plan.taxonomy_path}/qna.yaml",
        attribution_text=files.attribution,
        policy=validation.policy(),
    )
    if validation.report_blocks_submit(report):
        problems = "; ".join(
            f"{i.location.describe() or i.rule}: {i.message}" for i in report.errors
        )
        raise PipelineStopped(
            "The files rendered for GitHub do not pass the taxonomy checks, so nothing was "
            f"committed: {problems or 'the CI checks fail'}"
        )
    return report


# --- Opening ----------------------------------------------------------------------------------


def _reusable(pulls: list[PullRequestInfo]) -> PullRequestInfo | None:
    """An open or merged PR from our branch counts as done; a closed one is never reused."""
    for state in ("open", "merged"):
        for pull in pulls:
            if pull.state == state:
                return pull
    return None


def _head(forge: Forge) -> tuple[str, str]:
    """(owner, repository) the branch goes to: the taxonomy itself, or the bot's fork."""
    if not settings.GITHUB_FORK_MODE:
        return settings.TAXONOMY_REPO.partition("/")[0], settings.TAXONOMY_REPO
    owner = settings.GITHUB_FORK_OWNER or forge.bot_login()
    return owner, forge.ensure_fork(upstream=settings.TAXONOMY_REPO, owner=owner)


def _documents_commit(forge: Forge, plan: PullRequestPlan, documents: dict[str, str]) -> str:
    """The docs-repo commit holding the entry's documents, made once and marked by a tag."""
    repo, tag = settings.KNOWLEDGE_DOCS_REPO, f"tags/{plan.branch}"
    existing = forge.get_ref(repo=repo, ref=tag)
    if existing:
        return existing
    if not documents:
        raise PipelineStopped("A knowledge entry needs at least one document; this one has none.")
    parent = forge.branch_head(repo=repo, branch=settings.KNOWLEDGE_DOCS_BRANCH)
    sha = forge.commit_files(
        repo=repo,
        parent=parent,
        files=documents,
        message=documents_message(plan, sorted(documents)),
        author=plan.author,
        committer=bot_identity(),
        authored_at=plan.authored_at,
        committed_at=plan.committed_at,
    )
    # If another run tagged first, its commit is the one; ours is left unreferenced.
    return forge.ensure_ref(repo=repo, ref=tag, sha=sha)


def _decorate(forge: Forge, pull: PullRequestInfo, *, new: bool) -> None:
    """Labels and review requests: they need rights upstream, so they never fail the PR."""
    if settings.GITHUB_FORK_MODE:
        return
    missing = [label for label in settings.GITHUB_PR_LABELS if label not in pull.labels]
    if missing and pull.state == "open":
        try:
            forge.add_labels(repo=pull.repo, number=pull.number, labels=missing)
        except ForgeError as error:
            logger.warning("could not label %s#%s: %s", pull.repo, pull.number, error)
    if new and settings.GITHUB_PR_REVIEWERS:
        try:
            forge.request_reviewers(
                repo=pull.repo, number=pull.number, logins=list(settings.GITHUB_PR_REVIEWERS)
            )
        except ForgeError as error:
            logger.warning("could not request reviews on %s#%s: %s", pull.repo, pull.number, error)


def documents_sha(forge: Forge, plan: PullRequestPlan) -> str:
    """The docs commit of a knowledge revision, committed (once) when it is not there yet."""
    if not plan.is_knowledge:
        return ""
    # Checked before anything is written; again by the caller, naming the real commit.
    draft_files = validation.entry_for_commit(plan.revision)
    check_files(plan, draft_files)
    return _documents_commit(forge, plan, draft_files.documents)


def pull_request_open(*, contribution_id: int) -> PullRequest | None:
    """Open the entry's pull request, once; safe to run again at any point.

    An entry whose pull request is still open gets its new revision pushed there instead
    (see pull_request_revise). Returns the recorded PullRequest (None when the entry is not
    approved). Raises TransientForgeError (retry later), PermanentForgeError or
    PipelineStopped (a person must act).
    """
    from . import pull_request_revise

    plan = plan_for(contribution_id)
    if plan is None:
        return PullRequest.objects.filter(contribution_id=contribution_id).first()
    forge = get_forge()
    previous = plan.previous_pull
    if previous is not None and previous.revision_id == plan.revision.pk:
        # Already pushed or opened for this revision; only the record (and the move) is missing.
        info = forge.get_pull_request(repo=previous.repo, number=previous.number)
        if info is not None:
            return pull_request_record(
                contribution_id=contribution_id, revision_id=plan.revision.pk, info=info
            )
    if previous is not None and previous.state == PullRequest.State.OPEN:
        pushed = pull_request_revise.revision_push(forge=forge, plan=plan, pull=previous)
        if pushed is not pull_request_revise.NOT_OPEN:
            return pushed
        plan = plan_for(contribution_id)  # the pull request turned out closed: a new one
        if plan is None:
            return PullRequest.objects.filter(contribution_id=contribution_id).first()
    head_owner, head_repo = _head(forge)
    base_repo, base_branch = settings.TAXONOMY_REPO, settings.TAXONOMY_BASE_BRANCH
    docs_sha = ""
    with forge.content_session(expected=plan.expected_creations):
        found = _reusable(
            forge.find_pull_requests(repo=base_repo, head_owner=head_owner, branch=plan.branch)
        )
        if found is not None:
            if plan.is_knowledge:
                docs_sha = (
                    forge.get_ref(repo=settings.KNOWLEDGE_DOCS_REPO, ref=f"tags/{plan.branch}")
                    or ""
                )
            _decorate(forge, found, new=False)
        else:
            if pull_request_revise.path_taken(forge=forge, revision=plan.revision):
                return pull_request_revise.path_taken_record(
                    contribution_id=contribution_id, revision_id=plan.revision.pk
                )
            docs_sha = documents_sha(forge, plan)
            files = validation.entry_for_commit(plan.revision, docs_commit_sha=docs_sha or None)
            report = check_files(plan, files)
            if settings.GITHUB_FORK_MODE:
                forge.sync_fork(fork=head_repo, branch=base_branch)
            parent = forge.branch_head(repo=head_repo, branch=base_branch)
            sha = forge.commit_files(
                repo=head_repo,
                parent=parent,
                files=pull_request_revise.entry_files(plan, files),
                message=entry_message(plan),
                author=plan.author,
                committer=bot_identity(),
                authored_at=plan.authored_at,
                committed_at=plan.committed_at,
            )
            forge.ensure_ref(repo=head_repo, ref=f"heads/{plan.branch}", sha=sha)
            follows = previous.url if previous is not None else ""
            found = forge.open_pull_request(
                repo=base_repo,
                head_owner=head_owner,
                branch=plan.branch,
                base=base_branch,
                title=plan.title,
                body=pull_request_body(plan, report, docs_sha, follows_url=follows),
            )
            _decorate(forge, found, new=True)
    return pull_request_record(
        contribution_id=contribution_id,
        revision_id=plan.revision.pk,
        info=found,
        docs_commit_sha=docs_sha,
        follows_id=previous.pk if previous is not None else None,
    )


# --- Recording ----------------------------------------------------------------------------------

_STATE_MESSAGES = {
    Status.PR_OPEN: "The pull request of your entry “{summary}” is open: {url}",
    Status.MERGED: "Your entry “{summary}” was merged into the taxonomy: {url}",
    Status.CLOSED: "The pull request of your entry “{summary}” was closed without merging: {url}",
}

# Remote state -> the moves that bring a contribution there from where it is, when the pull
# request holds the entry's current revision.
_MOVES: dict[str, dict[Status, list[Status]]] = {
    "open": {
        Status.APPROVED: [Status.PR_OPEN],
        Status.CLOSED: [Status.PR_OPEN],
        Status.ABANDONED: [Status.PR_OPEN],
    },
    "closed": {
        Status.APPROVED: [Status.PR_OPEN, Status.CLOSED],
        Status.PR_OPEN: [Status.CLOSED],
        Status.PR_CHANGES_REQUESTED: [Status.CLOSED],
    },
    "merged": {
        Status.APPROVED: [Status.PR_OPEN, Status.MERGED],
        Status.PR_OPEN: [Status.MERGED],
        Status.PR_CHANGES_REQUESTED: [Status.MERGED],
        Status.CLOSED: [Status.PR_OPEN, Status.MERGED],
        Status.ABANDONED: [Status.MERGED],
    },
}
# A merge while a newer revision is still on its way (in portal review, approved but not
# pushed yet, being edited): the entry is merged as it was on GitHub.
_MERGED_WITH_OLDER_REVISION = frozenset(
    {
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.APPROVED,
        Status.PR_OPEN,
        Status.PR_CHANGES_REQUESTED,
        Status.CLOSED,
    }
)


def _moves_for(contribution: Contribution, pull: PullRequest, state: str) -> list[Status]:
    current = Status(contribution.status)
    if pull.revision_id == contribution.current_revision_id:
        return _MOVES.get(state, {}).get(current, [])
    newest = PullRequest.objects.filter(contribution=contribution).order_by("-pk").first()
    is_newest = newest is not None and newest.pk == pull.pk
    if state == "merged" and is_newest and current in _MERGED_WITH_OLDER_REVISION:
        return [Status.MERGED]
    return []


def follow_remote_state(
    *, contribution: Contribution, pull: PullRequest, state: str, note: str
) -> list[str]:
    """Move a locked contribution to match its pull request's state; notify the author."""
    moved = []
    older = pull.revision_id != contribution.current_revision_id
    for target in _moves_for(contribution, pull, state):
        if older and target == Status.MERGED:
            note = (
                f"{note} GitHub merged the revision it had; the later revision you made in "
                "the portal was not part of it."
            )
        event = contribution_move(
            contribution=contribution,
            to_status=target,
            actor=None,
            note=note,
            data={"repo": pull.repo, "number": pull.number, "url": pull.url},
            extra_fields={"pipeline_error": ""} if target == Status.PR_OPEN else None,
        )
        notify(
            recipient=contribution.author,
            kind="pull_request",
            message=_STATE_MESSAGES[target].format(summary=contribution.summary, url=pull.url),
            contribution=contribution,
            url=entry_path(contribution.pk),
            dedupe_key=f"pull-request-{pull.pk}-event-{event.pk}",
        )
        moved.append(target.value)
        if target == Status.MERGED:
            # The folder is taken now: the path picker and the checks should know at once.
            transaction.on_commit(_sync_taxonomy_tree)
    return moved


def _sync_taxonomy_tree() -> None:
    from contributions.tasks.pipeline import sync_taxonomy_tree

    sync_taxonomy_tree.delay()


@transaction.atomic
def pull_request_record(
    *,
    contribution_id: int,
    revision_id: int,
    info: PullRequestInfo,
    docs_commit_sha: str = "",
    follows_id: int | None = None,
) -> PullRequest:
    """Store the pull request opened (or found) for a revision, and move the entry along."""
    contribution = lock_contribution(contribution_id)
    now = timezone.now()
    pull, created = PullRequest.objects.select_for_update().get_or_create(
        revision_id=revision_id,
        defaults={
            "contribution": contribution,
            "repo": info.repo,
            "number": info.number,
            "url": info.url,
            "branch": info.head_ref,
            "head_sha": info.head_sha,
            "docs_commit_sha": docs_commit_sha,
            "state": PullRequest.State.MERGED if info.state == "merged" else info.state,
            "merged_at": info.merged_at,
            "last_synced_at": now,
            "follows_id": follows_id,
        },
    )
    if created:
        event_record(
            contribution=contribution,
            actor=None,
            event="pull_request_recorded",
            data={"repo": pull.repo, "number": pull.number, "branch": pull.branch},
        )
        if info.head_sha:
            PullRequestCommit.objects.get_or_create(
                pull_request=pull,
                sha=info.head_sha,
                defaults={"revision_id": revision_id, "reason": PullRequestCommit.Reason.OPENED},
            )
    follow_remote_state(
        contribution=contribution,
        pull=pull,
        state="open",
        note=f"Pull request #{pull.number} opened on {pull.repo}.",
    )
    if pull.state != PullRequest.State.OPEN:
        follow_remote_state(
            contribution=contribution,
            pull=pull,
            state=pull.state,
            note="Found already " + pull.state,
        )
    TaskFailure.objects.filter(
        contribution=contribution, task_name=OPEN_TASK, resolved_at__isnull=True
    ).update(resolved_at=now)
    return pull


@transaction.atomic
def pipeline_failure_record(
    *,
    task_name: str,
    task_args: list[Any],
    error: str,
    permanent: bool,
    attempts: int,
    contribution_id: int | None = None,
) -> TaskFailure:
    """Record background work that gave up, for the admins' dashboard and its retry button.

    One open failure per task and arguments: a repeat updates it instead of adding rows.
    """
    contribution = lock_contribution(contribution_id) if contribution_id else None
    failure = (
        TaskFailure.objects.select_for_update()
        .filter(task_name=task_name, task_args=task_args, resolved_at__isnull=True)
        .first()
    )
    if failure is None:
        failure = TaskFailure.objects.create(
            task_name=task_name,
            task_args=task_args,
            contribution=contribution,
            error=error,
            permanent=permanent,
            attempts=attempts,
        )
    else:
        failure.error, failure.permanent = error, permanent
        failure.attempts += attempts
        failure.save(update_fields=["error", "permanent", "attempts"])
    if contribution is not None:
        contribution.pipeline_error = error[:2000]
        contribution.save(update_fields=["pipeline_error"])
        event_record(
            contribution=contribution,
            actor=None,
            event="pipeline_failed",
            note=error[:500],
            data={"task": task_name, "permanent": permanent, "failure": failure.pk},
        )
    return failure


def rate_limit_record(*, forge: Forge | None = None, fetch: bool = False) -> dict[str, Any] | None:
    """Store GitHub's rate-limit headroom (from the last response, or asked for) for admins."""
    try:
        forge = forge or get_forge()
        reading = forge.rate_limit(fetch=fetch)
    except (TransientForgeError, PermanentForgeError) as error:
        logger.info("no rate-limit reading: %s", error)
        return None
    if reading is None:
        return None
    data = {**reading.to_dict(), "observed_at": timezone.now().isoformat()}
    ServiceStatus.objects.update_or_create(key=RATE_LIMIT_KEY, defaults={"data": data})
    return data
