"""Reads for reviewers: the review queue and everything the review page shows.

Each function runs a fixed number of queries whatever the number of entries, comments or
reviews (tests/selectors/test_review_queries.py proves it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from contributions import permissions, roles
from contributions.event_words import QUIET_EVENTS
from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    KnowledgeDocument,
    PullRequest,
    Review,
    ReviewClaim,
    Revision,
)
from contributions.services.reviews import required_approvals, validation_is_current
from contributions.workflow import AWAITING_REVIEW

from .revision_diff import FieldChange, revision_changes

QUEUE_PAGE_SIZE = 25
TIMELINE_LENGTH = 40
DOCUMENT_PREVIEW_CHARS = 20_000

# key -> (label, at least days, less than days)
AGE_FILTERS: dict[str, tuple[str, int | None, int | None]] = {
    "new": ("Less than a day", None, 1),
    "days": ("1 to 3 days", 1, 3),
    "week": ("3 to 7 days", 3, 7),
    "old": ("More than a week", 7, None),
}
CLAIM_FILTERS = {"unclaimed": "Not claimed", "mine": "Claimed by me", "others": "Claimed by others"}
QUALITY_FILTERS = {"warnings": "Has quality warnings", "none": "No quality warnings"}


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer narrowed the queue to; unknown values are ignored, not errors."""

    kind: str = ""
    path: str = ""
    validation: str = ""
    author: str = ""
    age: str = ""
    claim: str = ""
    quality: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> QueueFilters:
        def pick(name: str, allowed) -> str:
            value = str(params.get(name, "") or "").strip()
            return value if value in allowed else ""

        return cls(
            kind=pick("kind", Contribution.Kind.values),
            path=str(params.get("path", "") or "").strip().strip("/")[:400],
            validation=pick("validation", Contribution.Validation.values),
            author=str(params.get("author", "") or "").strip()[:150],
            age=pick("age", AGE_FILTERS),
            claim=pick("claim", CLAIM_FILTERS),
            quality=pick("quality", QUALITY_FILTERS),
        )

    @property
    def active(self) -> bool:
        return any(vars(self).values())


def _count(queryset: QuerySet, by: str = "contribution") -> Coalesce:
    """A correlated COUNT(*) subquery, so counts never multiply each other's rows."""
    grouped = queryset.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def reviewable_filter(user: AbstractBaseUser) -> Q:
    """Entries this user may review: in scope (admins: everywhere) and not their own."""
    scopes = [] if roles.is_admin(user) else permissions.reviewer_scopes(user)
    return permissions.path_scope_q(scopes) & ~Q(author_id=user.pk)


def review_queue(
    *, user: AbstractBaseUser, filters: QueueFilters, now: datetime | None = None
) -> QuerySet[Contribution]:
    """Entries waiting for review in the user's scope, oldest first, with their counts."""
    now = now or timezone.now()
    if not roles.is_reviewer(user):
        return Contribution.objects.none()
    queryset = Contribution.objects.filter(
        reviewable_filter(user), status__in=[s.value for s in AWAITING_REVIEW]
    )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.path:
        queryset = queryset.filter(permissions.path_scope_q([filters.path]))
    if filters.validation:
        queryset = queryset.filter(validation_state=filters.validation)
    if filters.author:
        queryset = queryset.filter(
            Q(author__username__iexact=filters.author)
            | Q(author__profile__display_name__icontains=filters.author)
        )
    if filters.age:
        _, at_least, less_than = AGE_FILTERS[filters.age]
        if at_least is not None:
            queryset = queryset.filter(submitted_at__lte=now - timedelta(days=at_least))
        if less_than is not None:
            queryset = queryset.filter(submitted_at__gt=now - timedelta(days=less_than))
    if filters.quality == "warnings":
        queryset = queryset.filter(quality_warnings__gt=0)
    elif filters.quality == "none":
        queryset = queryset.filter(quality_warnings=0)
    active_claim = Q(claim__isnull=False, claim__expires_at__gt=now)
    if filters.claim == "unclaimed":
        queryset = queryset.exclude(active_claim)
    elif filters.claim == "mine":
        queryset = queryset.filter(active_claim, claim__reviewer=user)
    elif filters.claim == "others":
        queryset = queryset.filter(active_claim).exclude(claim__reviewer=user)
    approvals = Review.objects.filter(
        contribution=OuterRef("pk"),
        revision=OuterRef("current_revision"),
        decision=Review.Decision.APPROVE,
        is_current=True,
    )
    return (
        queryset.select_related("author__profile", "current_revision", "claim__reviewer__profile")
        .defer(
            "draft",
            "validation_issues",
            "quality_findings",
            "current_revision__content",
            "current_revision__attribution",
        )
        .annotate(
            approval_count=_count(approvals),
            comment_count=_count(Comment.objects.filter(contribution=OuterRef("pk"))),
        )
        .order_by("submitted_at", "pk")
    )


def review_queue_page(
    *, user: AbstractBaseUser, filters: QueueFilters, page_number: Any = 1
) -> Page:
    """One page of the queue (two queries: the count and the rows)."""
    paginator = Paginator(review_queue(user=user, filters=filters), QUEUE_PAGE_SIZE)
    return paginator.get_page(page_number)


def claim_is_active(contribution: Contribution, now: datetime | None = None) -> bool:
    claim = getattr(contribution, "claim", None) if _has_claim(contribution) else None
    return claim is not None and claim.expires_at > (now or timezone.now())


def _has_claim(contribution: Contribution) -> bool:
    try:
        return contribution.claim is not None
    except ReviewClaim.DoesNotExist:
        return False


def active_claim(contribution: Contribution, now: datetime | None = None) -> ReviewClaim | None:
    """The entry's claim if it has not expired (uses the select_related claim)."""
    if not _has_claim(contribution):
        return None
    claim = contribution.claim
    return claim if claim.expires_at > (now or timezone.now()) else None


def eligible_reviewers(*, contribution: Contribution | None = None) -> list[AbstractBaseUser]:
    """Reviewers an admin may assign (to this entry: in scope, not its author). Two queries."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[roles.REVIEWER, roles.ADMIN]))
        .distinct()
        .select_related("profile")
        .prefetch_related("review_scopes")
        .order_by("username")
    )
    result = []
    for user in users:
        user._review_scopes = [s.path_prefix for s in user.review_scopes.all()]
        if contribution is not None and (
            user.pk == contribution.author_id
            or not permissions.path_in_scopes(contribution.taxonomy_path, user._review_scopes)
        ):
            continue
        result.append(user)
    return result


# --- the review page ----------------------------------------------------------------------------


@dataclass
class RenderedFile:
    name: str
    text: str
    error: str = ""


@dataclass
class SeedView:
    """One seed example as written, with the comments made on it."""

    index: int
    data: dict[str, Any]
    comments: list[Comment] = field(default_factory=list)
    changed: bool = False
    quality: list[dict[str, Any]] = field(default_factory=list)  # this example's findings


@dataclass
class ReviewPage:
    contribution: Contribution
    revision: Revision
    revision_numbers: list[int]
    base: Revision | None
    changes: list[FieldChange]
    files: list[RenderedFile]
    documents: list[dict[str, Any]]
    seeds: list[SeedView]
    entry_comments: list[Comment]
    reviews: list[Review]
    events: list[ContributionEvent]
    approvals: int
    required: int
    claim: ReviewClaim | None
    validation_current: bool
    # The entry's latest pull request, and the revision number its branch holds now.
    pull: PullRequest | None = None
    on_github: int | None = None

    @property
    def validation_issues(self) -> list[dict[str, Any]]:
        issues = self.contribution.validation_issues
        return issues if isinstance(issues, list) else []


def entry_files(revision: Revision) -> list[RenderedFile]:
    """The qna.yaml and attribution.txt that would be committed for this revision (one query).

    Knowledge entries show a placeholder document commit until the pipeline has made it.
    """
    from contributions.services.validation import entry_for_commit

    folder = revision.taxonomy_path.strip("/")
    try:
        files = entry_for_commit(revision)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        return [
            RenderedFile(
                f"{folder}/qna.yaml",
                "",
                error=f"The YAML cannot be shown for this revision: {error}",
            )
        ]
    return [
        RenderedFile(f"{folder}/qna.yaml", files.qna_yaml),
        RenderedFile(f"{folder}/attribution.txt", files.attribution),
    ]


def _revision_dict(revision: Revision, documents: dict[str, tuple[str, int]]) -> dict[str, Any]:
    return {
        "summary": revision.summary,
        "taxonomy_path": revision.taxonomy_path,
        "content": revision.content,
        "attribution": revision.attribution,
        "documents": documents,
    }


def review_page(*, contribution: Contribution, base_number: int | None = None) -> ReviewPage:
    """Everything the review page shows about an entry's current revision."""
    revision = contribution.current_revision
    revisions = list(
        Revision.objects.filter(contribution=contribution)
        .order_by("number")
        .values_list("number", flat=True)
    )
    earlier = [n for n in revisions if n < revision.number]
    pull = (
        PullRequest.objects.filter(contribution=contribution)
        .select_related("revision")
        .order_by("-created_at")
        .first()
    )
    on_github = pull.revision.number if pull is not None else None
    if base_number not in earlier:
        # What the maintainers see on GitHub is what a new revision is compared with by default.
        base_number = on_github if on_github in earlier else (earlier[-1] if earlier else None)
    base = (
        Revision.objects.filter(contribution=contribution, number=base_number).first()
        if base_number is not None
        else None
    )
    revision_ids = [revision.pk] + ([base.pk] if base else [])
    documents: dict[int, list[dict[str, Any]]] = {pk: [] for pk in revision_ids}
    for doc in (
        KnowledgeDocument.objects.filter(revision_id__in=revision_ids)
        .order_by("filename")
        .values("revision_id", "filename", "sha256", "size", "content")
    ):
        doc["preview"] = doc.pop("content")[:DOCUMENT_PREVIEW_CHARS]
        documents[doc["revision_id"]].append(doc)

    def doc_map(pk: int) -> dict[str, tuple[str, int]]:
        return {d["filename"]: (d["sha256"], d["size"]) for d in documents.get(pk, [])}

    changes = (
        revision_changes(
            _revision_dict(base, doc_map(base.pk)), _revision_dict(revision, doc_map(revision.pk))
        )
        if base
        else []
    )
    comments = list(
        Comment.objects.filter(contribution=contribution, withdrawn=False)
        .select_related("author__profile", "revision")
        .order_by("created_at", "pk")
    )
    seed_data = (revision.content or {}).get("seed_examples") or []
    seeds = [
        SeedView(index=i, data=s if isinstance(s, dict) else {}) for i, s in enumerate(seed_data)
    ]
    for finding in contribution.quality_findings or []:
        number = (finding.get("location") or {}).get("seed")
        if isinstance(number, int) and 0 < number <= len(seeds):
            seeds[number - 1].quality.append(finding)
    changed_seeds = {c.seed_index for c in changes if c.seed_index is not None}
    for seed in seeds:
        seed.changed = seed.index in changed_seeds
    entry_comments = []
    for comment in comments:
        if comment.seed_index is not None and comment.seed_index < len(seeds):
            seeds[comment.seed_index].comments.append(comment)
        else:
            entry_comments.append(comment)
    reviews = list(
        Review.objects.filter(contribution=contribution)
        .select_related("reviewer__profile", "revision")
        .order_by("created_at", "pk")
    )
    approvals = sum(
        1
        for r in reviews
        if r.decision == Review.Decision.APPROVE and r.is_current and r.revision_id == revision.pk
    )
    events = list(
        ContributionEvent.objects.filter(contribution=contribution)
        .exclude(event__in=QUIET_EVENTS)
        .select_related("actor__profile")
        .order_by("-created_at", "-pk")[:TIMELINE_LENGTH]
    )
    return ReviewPage(
        contribution=contribution,
        revision=revision,
        revision_numbers=revisions,
        base=base,
        changes=changes,
        files=entry_files(revision),
        documents=documents[revision.pk],
        seeds=seeds,
        entry_comments=entry_comments,
        reviews=reviews,
        events=events,
        approvals=approvals,
        required=required_approvals(),
        claim=active_claim(contribution),
        validation_current=validation_is_current(contribution),
        pull=pull,
        on_github=on_github,
    )


def review_contribution(*, contribution_id: int) -> Contribution | None:
    """The entry with what the review page header needs, in one query."""
    return (
        Contribution.objects.select_related(
            "author__profile", "current_revision", "claim__reviewer__profile"
        )
        .filter(pk=contribution_id)
        .first()
    )
