"""Background checks of entries."""

from __future__ import annotations

from celery import shared_task

from contributions.models import Contribution


@shared_task(name="contributions.tasks.validate_contribution")
def validate_contribution(contribution_id: int) -> str:
    """Check an entry with the taxonomy engine and record the verdict (safe to run again)."""
    from contributions.services.validation import contribution_validate

    if not Contribution.objects.filter(pk=contribution_id).exists():
        return "gone"
    report = contribution_validate(contribution_id=contribution_id)
    return "passed" if report["can_submit"] else "failed"
