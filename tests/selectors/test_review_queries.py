"""The queue, the review page, the dashboard and the contributor page run a fixed number of
queries: the same with 10 entries as with 1,000 (rows made with bulk_create for speed)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    Notification,
    Review,
    ReviewClaim,
    Revision,
    TaskFailure,
)
from contributions.workflow import Status
from tests.factories import skill_content
from tests.review_factories import ATTRIBUTION, scoped_reviewer

STATUSES = [
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.SUBMITTED,
    Status.APPROVED,
    Status.MERGED,
    Status.REJECTED,
    Status.CHANGES_REQUESTED,
    Status.DRAFT,
]


def bulk_entries(author, reviewer, count: int, *, start: int = 0) -> list[Contribution]:
    """`count` entries in mixed statuses, each with a revision, events, a review and a comment."""
    now = timezone.now()
    content = skill_content()
    entries = Contribution.objects.bulk_create(
        [
            Contribution(
                author=author,
                kind=Contribution.Kind.SKILL,
                summary=f"Bulk entry {start + i}",
                taxonomy_path=f"compositional_skills/bulk/e{start + i}",
                status=status.value,
                draft={"entry": content, "attribution": ATTRIBUTION},
                validation_state=Contribution.Validation.PASSED,
                validated_at=now,
                submitted_at=now - timedelta(hours=start + i),
                handed_over_at=now if status in {Status.APPROVED, Status.MERGED} else None,
            )
            for i, status in zip(range(count), itertools.cycle(STATUSES), strict=False)
        ]
    )
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                contribution=entry,
                number=1,
                kind=entry.kind,
                taxonomy_path=entry.taxonomy_path,
                summary=entry.summary,
                content=content,
                attribution=ATTRIBUTION,
                content_sha256="0" * 64,
                created_by=author,
            )
            for entry in entries
        ]
    )
    for entry, revision in zip(entries, revisions, strict=True):
        entry.current_revision = revision
    Contribution.objects.bulk_update(entries, ["current_revision"], batch_size=500)
    ContributionEvent.objects.bulk_create(
        [
            ContributionEvent(contribution=entry, actor=author, event=name, to_status=entry.status)
            for entry in entries
            for name in ("submitted", "approved" if entry.handed_over_at else "review_started")
        ]
    )
    Review.objects.bulk_create(
        [
            Review(
                contribution=entry,
                revision=entry.current_revision,
                reviewer=reviewer,
                decision=Review.Decision.APPROVE,
            )
            for entry in entries
            if entry.handed_over_at
        ]
    )
    Comment.objects.bulk_create(
        [
            Comment(contribution=entry, revision=entry.current_revision, author=reviewer, body="?")
            for entry in entries
        ]
    )
    ReviewClaim.objects.bulk_create(
        [
            ReviewClaim(contribution=entry, reviewer=reviewer, expires_at=now + timedelta(hours=1))
            for entry in entries
            if entry.status == Status.IN_REVIEW
        ]
    )
    return entries


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def people(db):
    author = scoped_reviewer()  # a reviewer too, so the author shows on the reviewer-load table
    return {"author": author, "reviewer": scoped_reviewer(), "admin": scoped_reviewer(admin=True)}


@pytest.mark.django_db
def test_the_queue_does_not_grow_with_entries(client, people):
    # given 10 entries
    bulk_entries(people["author"], people["reviewer"], 10)
    client.force_login(people["admin"])
    url = reverse("review-queue")
    few = queries_for(client, url)
    # when there are 1,000
    bulk_entries(people["author"], people["reviewer"], 990, start=10)
    many = queries_for(client, url)
    # then the page costs the same
    assert few == many
    assert client.get(url).context["page"].paginator.count > 25


@pytest.mark.django_db
def test_the_review_page_does_not_grow_with_entries_or_comments(client, people):
    # given an entry among 10, then among 1,000 with many more comments and decisions on it
    entry = bulk_entries(people["author"], people["reviewer"], 10)[0]
    client.force_login(people["reviewer"])
    url = reverse("review-detail", args=[entry.pk])
    few = queries_for(client, url)
    bulk_entries(people["author"], people["reviewer"], 990, start=10)
    Comment.objects.bulk_create(
        [
            Comment(
                contribution=entry,
                revision=entry.current_revision,
                author=people["admin"],
                body=f"c{i}",
                seed_index=i % 5 if i % 2 else None,
            )
            for i in range(40)
        ]
    )
    Review.objects.bulk_create(
        [
            Review(
                contribution=entry,
                revision=entry.current_revision,
                reviewer=people["admin"],
                decision=Review.Decision.REQUEST_CHANGES,
                reason="x",
            )
            for _ in range(5)
        ]
    )
    many = queries_for(client, url)
    assert few == many


@pytest.mark.django_db
def test_the_dashboard_does_not_grow_with_entries(client, people):
    bulk_entries(people["author"], people["reviewer"], 10)
    client.force_login(people["admin"])
    url = reverse("admin-dashboard")
    few = queries_for(client, url)
    entries = bulk_entries(people["author"], people["reviewer"], 990, start=10)
    TaskFailure.objects.bulk_create(
        [TaskFailure(task_name="x", contribution=e, error="boom") for e in entries[:30]]
    )
    many = queries_for(client, url)
    assert few == many


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["author", "reviewer", "admin"])
def test_the_contributor_page_does_not_grow_with_entries(client, people, viewer):
    bulk_entries(people["author"], people["reviewer"], 10)
    client.force_login(people[viewer])
    url = reverse("contributor-status", args=[people["author"].username])
    few = queries_for(client, url)
    bulk_entries(people["author"], people["reviewer"], 990, start=10)
    many = queries_for(client, url)
    assert few == many


@pytest.mark.django_db
def test_the_notifications_page_does_not_grow(client, people):
    user = people["author"]
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind="comment", message=f"m{i}") for i in range(10)]
    )
    client.force_login(user)
    url = reverse("notifications")
    few = queries_for(client, url)
    Notification.objects.bulk_create(
        [Notification(recipient=user, kind="comment", message=f"m{i}") for i in range(990)]
    )
    assert few == queries_for(client, url)


@pytest.mark.django_db
def test_the_leaderboard_does_not_grow(client, people):
    bulk_entries(people["author"], people["reviewer"], 10)
    people["author"].profile.show_on_leaderboard = True
    people["author"].profile.save()
    client.force_login(people["reviewer"])
    url = reverse("leaderboard")
    few = queries_for(client, url)
    bulk_entries(people["author"], people["reviewer"], 990, start=10)
    assert few == queries_for(client, url)
