"""Periodic review work: the reviewers' daily digest and expiring review claims."""

from __future__ import annotations

from celery import shared_task

from contributions.services.digests import reviewer_digests_send
from contributions.services.reviews import review_claims_release_expired


@shared_task(name="contributions.tasks.send_reviewer_digests")
def send_reviewer_digests() -> int:
    """Tell each reviewer what waits in their scope; a second run the same day sends nothing."""
    return reviewer_digests_send()


@shared_task(name="contributions.tasks.release_expired_review_claims")
def release_expired_review_claims() -> int:
    """Put entries whose review claim ran out back in the queue."""
    return review_claims_release_expired()
