"""What the pipeline writes to GitHub for an entry, read from the portal before any request.

A plan holds the revision, the fixed branch name, the people (the author's consented commit
identity, co-authors, the approving reviewers) and the fixed dates that make a rerun produce the
same commit; the text builders turn it into commit messages and the pull request's description.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from contributions.forge import Identity
from contributions.models import Contribution, PullRequest, Review, Revision, ServiceStatus
from contributions.taxonomy import Report
from contributions.workflow import Status

from .core import ServiceError

# Content-creating requests per pull request: tree, commit, branch, pull request.
CREATIONS_PER_PULL = 4
# And for the documents of a knowledge entry: tree, commit, tag.
CREATIONS_PER_DOCUMENTS_COMMIT = 3


class PipelineStopped(ServiceError):
    """The entry cannot go to GitHub as it is; a person has to look (never retried by itself)."""


INSTANCE_KEY = "portal_instance"


def _clean_instance(value: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:24]


def instance_id() -> str:
    """This portal's name in branches and tags: PORTAL_INSTANCE_ID, or one made up and kept.

    A database reset makes a new one, so entry ids that start again at 1 never meet the
    branches (and pull requests) of the entries the old database knew.
    """
    configured = _clean_instance(settings.PORTAL_INSTANCE_ID)
    if configured:
        return configured
    row = ServiceStatus.objects.filter(key=INSTANCE_KEY).values_list("data", flat=True).first()
    if row and row.get("id"):
        return str(row["id"])
    try:
        with transaction.atomic():
            ServiceStatus.objects.create(key=INSTANCE_KEY, data={"id": secrets.token_hex(3)})
    except IntegrityError:
        pass  # another process made it first: theirs counts
    return str(ServiceStatus.objects.get(key=INSTANCE_KEY).data["id"])


def branch_name(contribution_id: int, revision_number: int) -> str:
    """The branch (and docs tag) of one revision of one entry: the same on every run."""
    return f"cephportal/{instance_id()}/entry-{contribution_id}-r{revision_number}"


REVISION_TRAILER = re.compile(r"^Cephportal-Revision:\s*(\d+)\s*$", re.MULTILINE)
ENTRY_TRAILER = re.compile(r"^Cephportal-Entry:\s*(\d+)\s*$", re.MULTILINE)


def commit_revision(message: str, contribution_id: int) -> int | None:
    """The revision number a commit message of the portal names for this entry, if any."""
    entry, revision = ENTRY_TRAILER.search(message), REVISION_TRAILER.search(message)
    if entry is None or revision is None or int(entry.group(1)) != contribution_id:
        return None
    return int(revision.group(1))


def entry_path(contribution_id: int) -> str:
    """The entry's page in the portal (path only)."""
    try:
        return reverse("contribution-detail", args=[contribution_id])
    except NoReverseMatch:
        return f"/contributions/{contribution_id}/"


def bot_identity() -> Identity:
    return Identity(settings.GITHUB_BOT_NAME, settings.GITHUB_BOT_EMAIL)


@dataclass(frozen=True)
class PullRequestPlan:
    """Everything the portal knows about the pull request to open, read before any request."""

    contribution_id: int
    revision: Revision
    kind: str
    summary: str
    taxonomy_path: str
    # This revision's own branch (a new pull request's head) and the name of its docs tag.
    branch: str
    author: Identity
    author_name: str
    co_authors: tuple[Identity, ...]
    reviewer_names: tuple[str, ...]
    authored_at: datetime
    committed_at: datetime
    # The entry's latest pull request (any state), if it has one.
    previous_pull: PullRequest | None = None

    @property
    def is_knowledge(self) -> bool:
        return self.kind == Contribution.Kind.KNOWLEDGE

    @property
    def entry_url(self) -> str:
        return f"{settings.PORTAL_BASE_URL}{entry_path(self.contribution_id)}"

    @property
    def kind_word(self) -> str:
        return "knowledge" if self.is_knowledge else "skill"

    @property
    def title(self) -> str:
        return f"Add {self.kind_word}: {self.summary}"[:250]

    @property
    def expected_creations(self) -> int:
        count = CREATIONS_PER_PULL
        if self.is_knowledge:
            count += CREATIONS_PER_DOCUMENTS_COMMIT
        if settings.GITHUB_PR_REVIEWERS and not settings.GITHUB_FORK_MODE:
            count += 1
        return count


def _public_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return profile.public_name if profile is not None else user.get_username()


def plan_for(contribution_id: int) -> PullRequestPlan | None:
    """The plan for an approved entry, or None when there is nothing (more) to open."""
    contribution = (
        Contribution.objects.select_related("author__profile", "current_revision")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or contribution.status != Status.APPROVED:
        return None
    revision = contribution.current_revision
    if revision is None:
        raise PipelineStopped("The entry was approved without a submitted revision.")
    return plan_for_revision(contribution, revision)


def plan_for_revision(contribution: Contribution, revision: Revision) -> PullRequestPlan:
    """What goes to GitHub for one revision of an entry, whatever the entry's status."""
    profile = getattr(contribution.author, "profile", None)
    if profile is None or not profile.has_dco_consent:
        raise PipelineStopped(
            "The author has not agreed to the current DCO, so the portal cannot sign off "
            "the commit in their name. Ask them to agree on their profile page, then retry."
        )
    others = (
        Revision.objects.filter(contribution=contribution)
        .exclude(created_by=contribution.author)
        .select_related("created_by__profile")
    )
    co_authors: list[Identity] = []
    for other in others:
        other_profile = getattr(other.created_by, "profile", None)
        if other_profile is not None and other_profile.has_dco_consent:
            identity = Identity(*other_profile.commit_identity)
            if identity not in co_authors:
                co_authors.append(identity)
    approvals = (
        Review.objects.filter(revision=revision, decision=Review.Decision.APPROVE, is_current=True)
        .select_related("reviewer__profile")
        .order_by("created_at")
    )
    previous = PullRequest.objects.filter(contribution=contribution).order_by("-pk").first()
    return PullRequestPlan(
        contribution_id=contribution.pk,
        revision=revision,
        kind=revision.kind,
        summary=revision.summary or contribution.summary or f"entry {contribution.pk}",
        taxonomy_path=revision.taxonomy_path.strip("/"),
        branch=branch_name(contribution.pk, revision.number),
        author=Identity(*profile.commit_identity),
        author_name=profile.public_name,
        co_authors=tuple(co_authors),
        reviewer_names=tuple(_public_name(r.reviewer) for r in approvals),
        authored_at=revision.created_at,
        # Fixed dates make a rerun produce the very same commit SHA.
        committed_at=contribution.handed_over_at or revision.created_at,
        previous_pull=previous,
    )


# --- What is written to GitHub -------------------------------------------------------------------


def commit_message(
    *, subject: str, paragraphs: list[str], author: Identity, co_authors: tuple[Identity, ...],
    contribution_id: int, revision_number: int,
) -> str:  # fmt: skip
    """A commit message whose last paragraph holds the git trailers.

    `Signed-off-by` matches the author, as the taxonomy's DCO check requires; each
    `Co-authored-by` credits another person; `Cephportal-Entry` leads back to the portal.
    """
    trailers = [f"Signed-off-by: {author}"]
    trailers += [f"Co-authored-by: {person}" for person in co_authors if person != author]
    trailers += [f"Cephportal-Entry: {contribution_id}", f"Cephportal-Revision: {revision_number}"]
    return "\n\n".join([subject, *paragraphs, "\n".join(trailers)]) + "\n"


def entry_message(plan: PullRequestPlan) -> str:
    approved = ", ".join(plan.reviewer_names) or "the portal's reviewers"
    return commit_message(
        subject=plan.title,
        paragraphs=[
            f"{plan.taxonomy_path}/qna.yaml and attribution.txt, written by {plan.author_name} "
            f"in cephportal and approved by {approved}.",
            f"Portal entry: {plan.entry_url}",
        ],
        author=plan.author,
        co_authors=plan.co_authors,
        contribution_id=plan.contribution_id,
        revision_number=plan.revision.number,
    )


def revision_message(plan: PullRequestPlan, *, reason: str) -> str:
    """The message of a later commit on the pull request: a new revision, or a rebase."""
    subject = f"Revise {plan.kind_word}: {plan.summary}"
    if reason == "rebase":
        subject = f"Update {plan.kind_word} on the latest taxonomy: {plan.summary}"
    approved = ", ".join(plan.reviewer_names) or "the portal's reviewers"
    why = (
        f"Revision {plan.revision.number} of {plan.taxonomy_path}/qna.yaml, written by "
        f"{plan.author_name} in cephportal after this pull request opened"
    )
    if reason == "rebase":
        why = (
            f"Revision {plan.revision.number} of {plan.taxonomy_path}/qna.yaml written again on "
            "top of the taxonomy's latest base branch, so the pull request merges cleanly"
        )
    elif plan.reviewer_names:
        why += f", and approved by {approved}"
    return commit_message(
        subject=subject[:250],
        paragraphs=[why + ".", f"Portal entry: {plan.entry_url}"],
        author=plan.author,
        co_authors=plan.co_authors,
        contribution_id=plan.contribution_id,
        revision_number=plan.revision.number,
    )


def documents_message(plan: PullRequestPlan, paths: list[str]) -> str:
    return commit_message(
        subject=f"Add documents for {plan.summary}"[:250],
        paragraphs=[
            "The source documents of a knowledge entry contributed through cephportal:\n"
            + "\n".join(f"- {path}" for path in paths),
            f"Portal entry: {plan.entry_url}",
        ],
        author=plan.author,
        co_authors=plan.co_authors,
        contribution_id=plan.contribution_id,
        revision_number=plan.revision.number,
    )


def pull_request_body(
    plan: PullRequestPlan,
    report: Report,
    docs_commit_sha: str = "",
    *,
    follows_url: str = "",
    history: tuple[str, ...] = (),
) -> str:
    """The pull request's description, from the portal's record of the entry.

    `follows_url` names the closed pull request this one replaces; `history` lists the
    revisions pushed to this one after it opened.
    """
    checks = [
        ("the taxonomy's CI checks (schema, yamllint, attribution.txt)", report.ci_valid),
        ("InstructLab's own checks (`ilab taxonomy diff`)", report.ilab_valid),
        ("the portal's policy", report.portal_valid),
    ]
    lines = [
        f"**{plan.summary}**",
        "",
        f"A {plan.kind_word} entry written by {plan.author_name} in cephportal and reviewed "
        "there before this pull request was opened.",
        "",
        f"- Entry: [#{plan.contribution_id}, revision {plan.revision.number}]({plan.entry_url})",
        f"- File: `{plan.taxonomy_path}/qna.yaml` with `attribution.txt`",
        f"- Approved by: {', '.join(plan.reviewer_names) or 'the portal reviewers'}",
    ]
    if follows_url:
        lines.append(f"- Follows: {follows_url} (closed without merging)")
    if docs_commit_sha:
        docs_url = f"{settings.GITHUB_WEB_URL}/{settings.KNOWLEDGE_DOCS_REPO}"  # a browsable page
        lines.append(
            f"- Documents: [{settings.KNOWLEDGE_DOCS_REPO}@{docs_commit_sha[:12]}]"
            f"({docs_url}/tree/{docs_commit_sha})"
        )
    if history:
        lines += ["", "Revisions since this pull request opened:"]
        lines += [f"- {line}" for line in history]
    lines += ["", "Checks run by the portal on the committed files:"]
    lines += [f"- [{'x' if passed else ' '}] {name}" for name, passed in checks]
    lines += [
        "",
        "The contributor agreed to the Developer Certificate of Origin "
        f"{settings.DCO_VERSION} in the portal; the commit is signed off in their name. "
        "Review comments left here are shown to them in the portal.",
        "",
        f"<!-- cephportal-entry: {plan.contribution_id} revision: {plan.revision.number} -->",
    ]
    return "\n".join(lines)
