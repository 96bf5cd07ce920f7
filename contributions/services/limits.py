"""Per-user limits on what costs the community reviewers' time and the portal's storage."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from contributions.models import ContributionEvent

from .core import ServiceError

SUBMISSION_EVENTS = ("submitted",)
DOCUMENT_EVENTS = ("document_uploaded", "document_written")


def _used_today(user: AbstractBaseUser, events: tuple[str, ...]) -> int:
    since = timezone.now() - timedelta(days=1)
    return ContributionEvent.objects.filter(
        actor=user, event__in=events, created_at__gte=since
    ).count()


def submission_limit_blocker(*, user: AbstractBaseUser) -> str:
    """Why this user may not submit another entry today, or "" when they may."""
    limit = settings.SUBMISSIONS_PER_DAY
    if limit and _used_today(user, SUBMISSION_EVENTS) >= limit:
        return (
            f"You have submitted {limit} entries in the last 24 hours, the most the portal takes "
            "from one person in a day. Please submit this one tomorrow."
        )
    return ""


def document_limit_check(*, user: AbstractBaseUser) -> None:
    """Refuse one more document today past DOCUMENTS_PER_DAY."""
    limit = settings.DOCUMENTS_PER_DAY
    if limit and _used_today(user, DOCUMENT_EVENTS) >= limit:
        raise ServiceError(
            f"You have added {limit} documents in the last 24 hours, the most the portal takes "
            "from one person in a day. Please add more tomorrow."
        )
