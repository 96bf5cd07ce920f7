"""The whole round through the real services: submit, review, resubmit, approve."""

import pytest

from contributions.models import ContributionEvent, Review
from contributions.services import reviews
from contributions.services.contributions import (
    contribution_create_draft,
    contribution_save_draft,
    contribution_submit,
)
from contributions.workflow import Status
from tests.factories import skill_content
from tests.review_factories import ATTRIBUTION, scoped_reviewer


@pytest.mark.django_db
def test_a_resubmission_clears_approvals_and_needs_fresh_ones(contributor, settings, monkeypatch):
    # given two required approvals and an entry submitted through the contributor's services
    settings.REQUIRED_APPROVALS = 2
    queued: list[int] = []
    monkeypatch.setattr(reviews, "_queue_pull_request", queued.append)
    draft = {"entry": skill_content(), "attribution": ATTRIBUTION}
    entry = contribution_create_draft(
        author=contributor,
        kind="skill",
        summary="Check Ceph health",
        taxonomy_path="compositional_skills/ceph/health_checks",
        draft=draft,
    )
    contribution_submit(contribution_id=entry.pk, actor=contributor)
    first, second = scoped_reviewer(), scoped_reviewer()
    # when one reviewer approves and the other asks for changes
    reviews.review_approve(contribution_id=entry.pk, reviewer=first)
    reviews.review_request_changes(
        contribution_id=entry.pk, reviewer=second, reason="Mention `ceph -s` too."
    )
    # and the author edits and resubmits
    entry.refresh_from_db()
    changed = {**entry.draft}
    changed["entry"] = {**changed["entry"]}
    changed["entry"]["task_description"] += " Mention `ceph -s` as well."
    contribution_save_draft(
        contribution_id=entry.pk,
        actor=contributor,
        draft=changed,
        summary=entry.summary,
        taxonomy_path=entry.taxonomy_path,
    )
    contribution_submit(contribution_id=entry.pk, actor=contributor)
    entry.refresh_from_db()
    # then revision 2 waits with no approval counted; the old ones stay for the record
    assert entry.status == Status.SUBMITTED and entry.current_revision.number == 2
    assert reviews.current_approvals(entry) == 0
    assert Review.objects.filter(contribution=entry, is_current=False).count() == 2
    assert ContributionEvent.objects.filter(contribution=entry, event="approvals_cleared").exists()
    assert reviews.validation_is_current(entry)
    # when both approve revision 2 / then it is handed over, once
    reviews.review_approve(contribution_id=entry.pk, reviewer=first, revision_number=2)
    reviews.review_approve(contribution_id=entry.pk, reviewer=second, revision_number=2)
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.handed_over_at is not None
