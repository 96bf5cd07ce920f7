"""Reads about contributors: a status page per person, the opt-in leaderboard and credits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.urls import reverse

from contributions import permissions, roles
from contributions.event_words import QUIET_EVENTS
from contributions.models import Contribution, ContributionEvent, ContributorProfile, PullRequest
from contributions.workflow import Status

ENTRIES_PAGE_SIZE = 20
ACTIVITY_LENGTH = 15
LEADERBOARD_SIZE = 50
# Entries a reviewer approved: everything that was handed to the pipeline.
ACCEPTED = Q(handed_over_at__isnull=False)
# What anyone may know about someone on the leaderboard: work already public on GitHub.
PUBLIC_STATUSES = (Status.PR_OPEN, Status.MERGED)


def people_subject(*, username: str) -> AbstractBaseUser | None:
    """The person a status page is about, with their profile (one query)."""
    return (
        get_user_model()
        .objects.select_related("profile")
        .filter(username=username, is_active=True)
        .first()
    )


def _profile(user: AbstractBaseUser) -> ContributorProfile | None:
    try:
        return user.profile
    except ContributorProfile.DoesNotExist:
        return None


def can_see_person(viewer: AbstractBaseUser, subject: AbstractBaseUser) -> bool:
    """Yourself, reviewers and admins, or anyone signed in if the person opted in publicly."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == subject.pk or roles.is_reviewer(viewer):
        return True
    profile = _profile(subject)
    return bool(profile and profile.show_on_leaderboard)


def visible_entries_filter(viewer: AbstractBaseUser, subject: AbstractBaseUser) -> Q:
    """Which of the subject's entries the viewer may see listed (mirrors permissions.can_view)."""
    if viewer.pk == subject.pk:
        return Q()
    submitted = ~Q(status=Status.DRAFT, current_revision__isnull=True)
    if roles.is_admin(viewer):
        return submitted
    if roles.is_reviewer(viewer):
        return submitted & permissions.path_scope_q(permissions.reviewer_scopes(viewer))
    return Q(status__in=[s.value for s in PUBLIC_STATUSES])


@dataclass
class ContributorStatus:
    subject: AbstractBaseUser
    profile: ContributorProfile | None
    is_self: bool
    by_status: list[dict[str, Any]]
    total: int
    accepted: int
    rejected: int
    merged: int
    acceptance_rate: float | None
    entries: Page
    status_filter: str
    activity: list[ContributionEvent]
    shows_activity: bool


def acceptance_rate(accepted: int, rejected: int) -> float | None:
    """Share of decided entries a reviewer approved; None until one was decided."""
    decided = accepted + rejected
    return accepted / decided if decided else None


def contributor_status(
    *,
    subject: AbstractBaseUser,
    viewer: AbstractBaseUser,
    status_filter: str = "",
    page_number: Any = 1,
) -> ContributorStatus:
    """A contributor's entries by status, acceptance rate, merged count and recent activity."""
    visible = Contribution.objects.filter(visible_entries_filter(viewer, subject), author=subject)
    counts = {
        row["status"]: row["n"]
        for row in visible.order_by().values("status").annotate(n=Count("pk"))
    }
    totals = visible.aggregate(
        accepted=Count("pk", filter=ACCEPTED),
        rejected=Count("pk", filter=Q(status=Status.REJECTED)),
    )
    by_status = [
        {"status": s.value, "label": s.label, "count": counts[s.value]}
        for s in Status
        if counts.get(s.value)
    ]
    if status_filter not in counts:
        status_filter = ""
    listed = visible.filter(status=status_filter) if status_filter else visible
    listed = (
        listed.select_related("current_revision")
        .defer(
            "draft",
            "validation_issues",
            "current_revision__content",
            "current_revision__attribution",
        )
        .order_by("-updated_at", "-pk")
    )
    entries = Paginator(listed, ENTRIES_PAGE_SIZE).get_page(page_number)
    is_self = viewer.pk == subject.pk
    shows_activity = is_self or roles.is_reviewer(viewer)
    activity = (
        list(
            ContributionEvent.objects.filter(contribution__in=visible.values("pk"))
            .exclude(event__in=QUIET_EVENTS)
            .select_related("actor__profile", "contribution")
            .defer("contribution__draft", "contribution__validation_issues")
            .order_by("-created_at", "-pk")[:ACTIVITY_LENGTH]
        )
        if shows_activity
        else []
    )
    return ContributorStatus(
        subject=subject,
        profile=_profile(subject),
        is_self=is_self,
        by_status=by_status,
        total=sum(counts.values()),
        accepted=totals["accepted"],
        rejected=totals["rejected"],
        merged=counts.get(Status.MERGED.value, 0),
        acceptance_rate=acceptance_rate(totals["accepted"], totals["rejected"]),
        entries=entries,
        status_filter=status_filter,
        activity=activity,
        shows_activity=shows_activity,
    )


def leaderboard(*, limit: int = LEADERBOARD_SIZE) -> list[dict[str, Any]]:
    """People who chose to appear, ranked by merged entries, then approved ones (one query)."""
    rows = (
        ContributorProfile.objects.filter(show_on_leaderboard=True, user__is_active=True)
        .annotate(
            merged=Count(
                "user__contributions", filter=Q(user__contributions__status=Status.MERGED)
            ),
            accepted=Count(
                "user__contributions",
                filter=Q(user__contributions__handed_over_at__isnull=False),
            ),
            submitted=Count(
                "user__contributions",
                filter=Q(user__contributions__current_revision__isnull=False),
            ),
            last_active=Max("user__contributions__updated_at"),
        )
        .filter(submitted__gt=0)
        .select_related("user")
        .order_by("-merged", "-accepted", "-submitted", "user__username")[:limit]
    )
    return [
        {
            "rank": index,
            "username": profile.user.get_username(),
            "name": profile.public_name,
            "github_handle": profile.github_handle,
            "merged": profile.merged,
            "accepted": profile.accepted,
            "submitted": profile.submitted,
            "last_active": profile.last_active,
        }
        for index, profile in enumerate(rows, start=1)
    ]


CREDIT_FIELDS = [
    "contributor",
    "username",
    "github_handle",
    "entry_id",
    "kind",
    "summary",
    "taxonomy_path",
    "status",
    "pull_request",
    "merged_at",
]


def credits_rows() -> list[dict[str, Any]]:
    """Who contributed what: every entry approved by reviewers, with its pull request (2 queries).

    Only public facts: names as shown in the portal and GitHub handles, never e-mail addresses.
    """
    entries = (
        Contribution.objects.filter(ACCEPTED)
        .select_related("author__profile")
        .defer("draft", "validation_issues")
        .order_by("author__username", "handed_over_at", "pk")
    )
    pulls: dict[int, PullRequest] = {}
    for pull in PullRequest.objects.filter(contribution__in=entries.values("pk")).order_by(
        "created_at"
    ):
        pulls[pull.contribution_id] = pull  # the latest one wins
    rows = []
    for entry in entries:
        profile = _profile(entry.author)
        pull = pulls.get(entry.pk)
        rows.append(
            {
                "contributor": profile.public_name if profile else entry.author.get_username(),
                "username": entry.author.get_username(),
                "github_handle": profile.github_handle if profile else "",
                "entry_id": entry.pk,
                "kind": entry.kind,
                "summary": entry.summary,
                "taxonomy_path": entry.taxonomy_path,
                "status": entry.status,
                "pull_request": pull.url if pull else "",
                "merged_at": pull.merged_at.isoformat() if pull and pull.merged_at else "",
            }
        )
    return rows


def person_url(username: str) -> str:
    return reverse("contributor-status", args=[username])
