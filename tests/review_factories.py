"""Builders for the review tests: entries already submitted, as the submit service leaves them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from contributions import models, roles
from contributions.workflow import Status

from .factories import ContributionFactory, ProfileFactory, RevisionFactory, UserFactory

ATTRIBUTION = {
    "title": "Ceph documentation",
    "link": "https://docs.ceph.com/en/latest/",
    "revision": "v18.2.0",
    "license": "CC-BY-4.0",
    "creators": "The Ceph authors",
}


def submitted_entry(
    author,
    *,
    path: str | None = None,
    kind: str = models.Contribution.Kind.SKILL,
    validation: str = models.Contribution.Validation.PASSED,
    status: Status = Status.SUBMITTED,
    submitted_days_ago: float = 0,
    summary: str | None = None,
    content: dict | None = None,
) -> models.Contribution:
    """An entry with one revision, waiting for review, whose checks ran on that revision."""
    now = timezone.now()
    submitted_at = now - timedelta(days=submitted_days_ago)
    extra = {"summary": summary} if summary else {}
    contribution = ContributionFactory(
        author=author,
        kind=kind,
        **({"taxonomy_path": path} if path else {}),
        **extra,
    )
    revision = RevisionFactory(
        contribution=contribution,
        number=1,
        attribution=ATTRIBUTION,
        **({"content": content} if content is not None else {}),
    )
    models.Contribution.objects.filter(pk=contribution.pk).update(
        status=status.value,
        current_revision=revision,
        submitted_at=submitted_at,
        draft_saved_at=submitted_at - timedelta(minutes=5),
        validation_state=validation,
        validated_at=submitted_at - timedelta(minutes=1),
    )
    models.ContributionEvent.objects.create(
        contribution=contribution,
        actor=author,
        event="submitted",
        from_status="draft",
        to_status=status.value,
        data={"revision": 1},
    )
    contribution.refresh_from_db()
    return contribution


def new_revision(contribution: models.Contribution, *, content: dict | None = None):
    """Freeze another revision as the submit service would (without its checks)."""
    number = contribution.current_revision.number + 1
    revision = RevisionFactory(
        contribution=contribution,
        number=number,
        attribution=ATTRIBUTION,
        **({"content": content} if content is not None else {}),
    )
    models.Contribution.objects.filter(pk=contribution.pk).update(
        current_revision=revision, status=Status.SUBMITTED.value, submitted_at=timezone.now()
    )
    contribution.refresh_from_db()
    return revision


def scoped_reviewer(*prefixes: str, admin: bool = False):
    """A reviewer limited to these taxonomy folders (none: everywhere)."""
    role_names = [roles.CONTRIBUTOR, roles.REVIEWER] + ([roles.ADMIN] if admin else [])
    user = UserFactory(roles=role_names)
    ProfileFactory(user=user)
    for prefix in prefixes:
        models.ReviewerScope.objects.create(reviewer=user, path_prefix=prefix)
    return user
