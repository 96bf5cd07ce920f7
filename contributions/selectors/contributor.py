"""Reads for the contributor's pages and API: my entries, one entry's story, the taxonomy tree.

Every function here runs a fixed number of queries whatever the data size (tests count them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q, QuerySet

from contributions import permissions
from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    KnowledgeDocument,
    PullRequest,
    Review,
    Revision,
    TaxonomyTree,
)
from contributions.workflow import EDITABLE, STATUS_LABELS, Status

# Audit events that are bookkeeping, not part of the story a person wants to read.
QUIET_EVENTS = frozenset({"draft_saved", "validated"})


def contribution_access(*, user: AbstractBaseUser, contribution_id: int) -> Contribution:
    """The author's own entry, or Contribution.DoesNotExist (others' entries are not revealed)."""
    contribution = (
        Contribution.objects.select_related("current_revision", "author")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None or not permissions.can_manage(user, contribution):
        raise Contribution.DoesNotExist
    return contribution


def my_contributions(
    *, user: AbstractBaseUser, status: str | None = None, kind: str | None = None
) -> QuerySet[Contribution]:
    """The author's entries, newest activity first, with what the list shows prefetched."""
    entries = (
        Contribution.objects.filter(author=user)
        .select_related("current_revision")
        .annotate(comment_count=Count("comments", distinct=True))
        .prefetch_related(
            Prefetch(
                "pull_requests",
                queryset=PullRequest.objects.order_by("-created_at"),
                to_attr="pull_request_list",
            )
        )
        .order_by("-updated_at", "-pk")
    )
    if status:
        entries = entries.filter(status=status)
    if kind:
        entries = entries.filter(kind=kind)
    return entries


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def my_status_counts(*, user: AbstractBaseUser) -> list[StatusCount]:
    """How many of the author's entries are in each status (statuses with none left out)."""
    rows = dict(
        Contribution.objects.filter(author=user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        StatusCount(status=s.value, label=STATUS_LABELS[s], count=rows[s.value])
        for s in Status
        if rows.get(s.value)
    ]


def contribution_timeline(*, contribution: Contribution) -> list[ContributionEvent]:
    """What happened to the entry, oldest first, without autosave bookkeeping."""
    return list(
        ContributionEvent.objects.filter(contribution=contribution)
        .exclude(event__in=QUIET_EVENTS)
        .select_related("actor", "actor__profile")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Feedback:
    """A reviewer's decision or a comment, as the author sees it."""

    created_at: datetime
    who: str
    body: str
    decision: str = ""
    decision_label: str = ""
    revision: int | None = None
    seed_index: int | None = None
    on_github: bool = False
    field_label: str = ""  # a GitHub line comment: the field its line holds


def contribution_feedback(*, contribution: Contribution) -> list[Feedback]:
    """Reviewers' decisions (with reasons) and comments, oldest first."""
    reviews = (
        Review.objects.filter(contribution=contribution)
        .select_related("reviewer", "reviewer__profile", "revision")
        .order_by("created_at")
    )
    comments = (
        Comment.objects.filter(contribution=contribution, withdrawn=False)
        .select_related("author", "author__profile", "revision")
        .order_by("created_at")
    )
    items = [
        Feedback(
            created_at=r.created_at,
            who=_name(r.reviewer),
            body=r.reason,
            decision=r.decision,
            decision_label=r.get_decision_display(),
            revision=r.revision.number,
        )
        for r in reviews
    ]
    items += [
        Feedback(
            created_at=c.created_at,
            who=_name(c.author) if c.author_id else f"{c.external_author} on GitHub",
            body=c.body,
            revision=c.revision.number if c.revision_id else None,
            seed_index=c.seed_index,
            on_github=bool(c.external_author),
            field_label=c.field_label,
        )
        for c in comments
    ]
    return sorted(items, key=lambda f: f.created_at)


def _name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "someone"
    profile = getattr(user, "profile", None)
    return profile.public_name if profile is not None else user.get_username()


def contribution_revisions(*, contribution: Contribution) -> list[Revision]:
    return list(
        Revision.objects.filter(contribution=contribution)
        .annotate(document_count=Count("documents"))
        .order_by("-number")
    )


def contribution_pull_request(*, contribution: Contribution) -> PullRequest | None:
    """The most recent pull request opened for the entry, if any."""
    return PullRequest.objects.filter(contribution=contribution).order_by("-created_at").first()


@dataclass(frozen=True)
class PullCommit:
    sha: str
    reason: str
    revision: int
    url: str


def pull_request_commits(*, pull: PullRequest) -> list[PullCommit]:
    """The commits the portal put on a pull request, oldest first, linked to GitHub."""
    rows = pull.commits.select_related("revision").order_by("created_at", "pk")
    return [
        PullCommit(
            sha=row.sha,
            reason=row.get_reason_display(),
            revision=row.revision.number,
            url=f"{pull.url}/commits/{row.sha}",
        )
        for row in rows
    ]


def earlier_pull_requests(*, contribution: Contribution) -> list[PullRequest]:
    """The entry's older pull requests (closed ones a resubmission replaced), newest first."""
    return list(PullRequest.objects.filter(contribution=contribution).order_by("-created_at")[1:])


def draft_documents(*, contribution: Contribution) -> list[KnowledgeDocument]:
    return list(
        KnowledgeDocument.objects.filter(contribution=contribution, revision__isnull=True).order_by(
            "filename"
        )
    )


def revision_documents(*, revision: Revision) -> list[KnowledgeDocument]:
    return list(KnowledgeDocument.objects.filter(revision=revision).order_by("filename"))


def is_editable(contribution: Contribution) -> bool:
    return Status(contribution.status) in EDITABLE


# --- The taxonomy tree ---


@dataclass(frozen=True)
class Folder:
    path: str
    name: str
    has_entry: bool
    has_children: bool


@dataclass
class TreeView:
    """One level of the taxonomy tree (or search results) for the folder picker."""

    loaded: bool
    synced_at: datetime | None = None
    last_error: str = ""
    parent: str = ""
    folders: list[Folder] = field(default_factory=list)
    query: str = ""
    more: int = 0


def _tree_row() -> TaxonomyTree | None:
    return TaxonomyTree.objects.filter(repo__iexact=settings.TAXONOMY_REPO).first()


def _children(folders: Mapping[str, Any], parent: str) -> list[Folder]:
    prefix = f"{parent}/"
    depth = parent.count("/") + 1
    names: dict[str, bool] = {}
    has_children: set[str] = set()
    for path in folders:
        if not path.startswith(prefix):
            continue
        parts = path.split("/")
        child = "/".join(parts[: depth + 1])
        if len(parts) == depth + 1:
            info = folders.get(path)
            names[child] = bool(isinstance(info, Mapping) and info.get("has_qna"))
        else:
            names.setdefault(child, bool((folders.get(child) or {}).get("has_qna")))
            has_children.add(child)
    return [
        Folder(
            path=p, name=p.rsplit("/", 1)[-1], has_entry=names[p], has_children=p in has_children
        )
        for p in sorted(names, key=str.casefold)
    ]


def taxonomy_tree_level(
    *, root: str, parent: str = "", query: str = "", limit: int = 40
) -> TreeView:
    """The folders under `parent` (default: the root), or those whose path matches `query`."""
    row = _tree_row()
    if row is None or not row.synced_at:
        return TreeView(loaded=False, last_error=row.last_error if row else "", query=query)
    folders = row.folders if isinstance(row.folders, Mapping) else {}
    view = TreeView(loaded=True, synced_at=row.synced_at, last_error=row.last_error, query=query)
    parent = parent.strip("/")
    if not (parent == root or parent.startswith(f"{root}/")):
        parent = root
    view.parent = parent
    words = query.lower().replace("/", " ").split()
    if words:
        matches = sorted(
            (
                p
                for p in folders
                if (p == root or p.startswith(f"{root}/")) and all(w in p.lower() for w in words)
            ),
            key=lambda p: (p.count("/"), p.casefold()),
        )
        view.more = max(0, len(matches) - limit)
        view.folders = [
            Folder(
                path=p,
                name=p,
                has_entry=bool((folders.get(p) or {}).get("has_qna")),
                has_children=False,
            )
            for p in matches[:limit]
        ]
        return view
    view.folders = _children(folders, parent)
    return view


def contributor_entry_counts(*, user: AbstractBaseUser) -> dict[str, int]:
    """Totals for the profile page: entries written and merged."""
    return Contribution.objects.filter(author=user).aggregate(
        total=Count("pk"), merged=Count("pk", filter=Q(status=Status.MERGED))
    )
