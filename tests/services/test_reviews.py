"""The review rules, enforced in the service layer: claims, comments, decisions, hand-over."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    Notification,
    Review,
    ReviewClaim,
)
from contributions.services import reviews
from contributions.services.core import ConflictError, PermissionDenied, ServiceError
from contributions.workflow import Status
from tests.review_factories import new_revision, scoped_reviewer, submitted_entry


@pytest.fixture
def queued(monkeypatch):
    """The ids handed to the pull-request pipeline (instead of queueing the real task)."""
    calls: list[int] = []
    monkeypatch.setattr(reviews, "_queue_pull_request", calls.append)
    return calls


@pytest.fixture
def entry(contributor):
    return submitted_entry(contributor, path="knowledge/technology/ceph/rgw")


# --- claims ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_claiming_starts_the_review_and_expires(entry, reviewer, settings):
    # given a claim length
    settings.REVIEW_CLAIM_MINUTES = 30
    # when a reviewer claims the entry
    claim = reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    # then the entry is in review, held by them for 30 minutes
    entry.refresh_from_db()
    assert entry.status == Status.IN_REVIEW
    assert claim.reviewer == reviewer
    remaining = claim.expires_at - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    assert ContributionEvent.objects.filter(contribution=entry, event="review_started").exists()


@pytest.mark.django_db
def test_a_second_reviewer_cannot_claim_a_claimed_entry(entry, reviewer):
    # given an entry claimed by one reviewer
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    other = scoped_reviewer()
    # when another reviewer claims it / then they are told who has it
    with pytest.raises(ConflictError, match="is reviewing this entry"):
        reviews.review_claim(contribution_id=entry.pk, reviewer=other)


@pytest.mark.django_db
def test_an_expired_claim_can_be_taken_over(entry, reviewer):
    # given a claim that ran out
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    ReviewClaim.objects.filter(contribution=entry).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    other = scoped_reviewer()
    # when someone else claims it
    claim = reviews.review_claim(contribution_id=entry.pk, reviewer=other, minutes=60)
    # then it is theirs
    assert claim.reviewer == other
    assert ReviewClaim.objects.filter(contribution=entry).count() == 1


@pytest.mark.django_db
def test_claiming_again_renews_ones_own_claim(entry, reviewer):
    # given a short claim
    first = reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer, minutes=5)
    # when the same reviewer claims again for longer
    second = reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer, minutes=120)
    # then the claim lasts longer and the entry stays in review
    assert second.expires_at > first.expires_at
    entry.refresh_from_db()
    assert entry.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_claim_length_is_bounded(entry, reviewer):
    with pytest.raises(ServiceError, match="between one minute and seven days"):
        reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer, minutes=60 * 24 * 30)


@pytest.mark.django_db
def test_reviewers_out_of_scope_and_authors_cannot_claim(entry, contributor):
    # given a reviewer scoped elsewhere, and the author who is also a reviewer
    outsider = scoped_reviewer("compositional_skills")
    # then neither can claim
    with pytest.raises(PermissionDenied, match="outside the taxonomy paths you review"):
        reviews.review_claim(contribution_id=entry.pk, reviewer=outsider)
    with pytest.raises(PermissionDenied, match="Only reviewers"):
        reviews.review_claim(contribution_id=entry.pk, reviewer=contributor)


@pytest.mark.django_db
def test_scopes_match_whole_folder_names(contributor):
    # given a reviewer of knowledge/technology/ceph and an entry in .../ceph_extra
    reviewer = scoped_reviewer("knowledge/technology/ceph")
    sibling = submitted_entry(contributor, path="knowledge/technology/ceph_extra/x")
    inside = submitted_entry(contributor, path="knowledge/technology/ceph/x")
    # then only the folder itself counts
    with pytest.raises(PermissionDenied):
        reviews.review_claim(contribution_id=sibling.pk, reviewer=reviewer)
    assert reviews.review_claim(contribution_id=inside.pk, reviewer=reviewer)


@pytest.mark.django_db
def test_release_puts_the_entry_back_in_the_queue(entry, reviewer):
    # given a claimed entry
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    # when its reviewer releases it
    reviews.review_release(contribution_id=entry.pk, actor=reviewer)
    # then nobody holds it and it waits again
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED
    assert not ReviewClaim.objects.filter(contribution=entry).exists()
    assert ContributionEvent.objects.filter(contribution=entry, event="review_released").exists()


@pytest.mark.django_db
def test_only_the_claimant_or_an_admin_releases(entry, reviewer, admin_user):
    # given a claimed entry
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    # then another reviewer cannot release it, an admin can
    with pytest.raises(PermissionDenied):
        reviews.review_release(contribution_id=entry.pk, actor=scoped_reviewer())
    reviews.review_release(contribution_id=entry.pk, actor=admin_user)
    assert not ReviewClaim.objects.filter(contribution=entry).exists()


@pytest.mark.django_db
def test_expired_claims_are_swept_back_to_the_queue(entry, reviewer):
    # given an expired claim and a live one
    live = submitted_entry(entry.author)
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    reviews.review_claim(contribution_id=live.pk, reviewer=reviewer)
    ReviewClaim.objects.filter(contribution=entry).update(expires_at=timezone.now())
    # when the sweep runs (twice: it is safe to repeat)
    released = reviews.review_claims_release_expired()
    again = reviews.review_claims_release_expired()
    # then only the expired one went back
    entry.refresh_from_db()
    live.refresh_from_db()
    assert (released, again) == (1, 0)
    assert entry.status == Status.SUBMITTED
    assert live.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_admins_assign_entries_and_the_reviewer_is_told(entry, reviewer, admin_user):
    # when an admin assigns the entry for a day
    claim = reviews.review_assign(
        contribution_id=entry.pk, reviewer=reviewer, assigned_by=admin_user, minutes=1440
    )
    # then the reviewer holds it and has a notification
    assert claim.reviewer == reviewer and claim.assigned_by == admin_user
    assert Notification.objects.filter(recipient=reviewer, kind="review_assigned").exists()


@pytest.mark.django_db
def test_only_admins_assign_and_only_to_reviewers_in_scope(entry, reviewer, admin_user):
    # then a reviewer cannot assign, and an admin cannot assign out of scope or to the author
    with pytest.raises(PermissionDenied):
        reviews.review_assign(
            contribution_id=entry.pk, reviewer=reviewer, assigned_by=scoped_reviewer()
        )
    with pytest.raises(ServiceError, match="cannot review this entry"):
        reviews.review_assign(
            contribution_id=entry.pk,
            reviewer=scoped_reviewer("compositional_skills"),
            assigned_by=admin_user,
        )
    with pytest.raises(ServiceError, match="cannot review this entry"):
        reviews.review_assign(
            contribution_id=entry.pk, reviewer=entry.author, assigned_by=admin_user
        )


# --- comments -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reviewer_comments_on_one_seed_example_and_the_author_is_told(entry, reviewer):
    # when a reviewer comments on the third example
    comment = reviews.review_comment(
        contribution_id=entry.pk, author=reviewer, body="Say which pool.", seed_index=2
    )
    # then the comment is on the current revision, and the author is notified
    assert comment.seed_index == 2 and comment.revision == entry.current_revision
    note = Notification.objects.get(recipient=entry.author, kind="comment")
    assert "commented on example 3 of" in note.message and "seed example" not in note.message
    assert note.url == f"/contributions/{entry.pk}/#feedback"


@pytest.mark.django_db
def test_the_authors_reply_reaches_the_reviewers_involved(entry, reviewer):
    # given a reviewer's comment
    reviews.review_comment(contribution_id=entry.pk, author=reviewer, body="Why?")
    # when the author replies
    reviews.review_comment(contribution_id=entry.pk, author=entry.author, body="Because.")
    # then the reviewer is notified (linked to the comment on the review page), the author is
    # not notified of their own reply
    to_reviewer = Notification.objects.get(recipient=reviewer, kind="comment")
    assert to_reviewer.url.startswith(f"/review/{entry.pk}/#comment-")
    assert Notification.objects.filter(recipient=entry.author, kind="comment").count() == 1


@pytest.mark.django_db
def test_comments_are_refused_when_empty_or_on_a_missing_example(entry, reviewer):
    with pytest.raises(ServiceError, match="Write something"):
        reviews.review_comment(contribution_id=entry.pk, author=reviewer, body="   ")
    with pytest.raises(ServiceError, match="That example does not exist"):
        reviews.review_comment(contribution_id=entry.pk, author=reviewer, body="x", seed_index=5)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_strangers_cannot_comment(entry, other_contributor):
    with pytest.raises(PermissionDenied):
        reviews.review_comment(contribution_id=entry.pk, author=other_contributor, body="hi")
    with pytest.raises(PermissionDenied):
        reviews.review_comment(
            contribution_id=entry.pk, author=scoped_reviewer("compositional_skills"), body="hi"
        )


# --- decisions ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_hands_the_entry_to_the_pipeline_once_after_commit(
    entry, reviewer, queued, django_capture_on_commit_callbacks
):
    # when the one required approval is given
    with django_capture_on_commit_callbacks(execute=True):
        review = reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    # then the entry is approved, handed over, queued once and its author told
    entry.refresh_from_db()
    assert review.decision == Review.Decision.APPROVE
    assert entry.status == Status.APPROVED
    assert entry.handed_over_at is not None
    assert queued == [entry.pk]
    assert ContributionEvent.objects.filter(contribution=entry, event="approved").count() == 1
    note = Notification.objects.get(recipient=entry.author, kind="decision")
    assert "approved" in note.message


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(entry, reviewer, queued):
    # given an approval inside a transaction that fails afterwards
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
        raise RuntimeError("boom")
    # then nothing happened
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED and entry.handed_over_at is None
    assert queued == []


@pytest.mark.django_db
def test_nobody_approves_their_own_entry(contributor):
    # given a reviewer who wrote the entry
    author = scoped_reviewer()
    own = submitted_entry(author)
    # then they cannot approve it
    with pytest.raises(PermissionDenied, match="your own entry"):
        reviews.review_approve(contribution_id=own.pk, reviewer=author)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "validation", [Contribution.Validation.FAILED, Contribution.Validation.PENDING]
)
def test_only_an_entry_that_passes_the_checks_can_be_approved(contributor, reviewer, validation):
    # given an entry whose checks failed or did not run
    entry = submitted_entry(contributor, validation=validation)
    # then approval is refused, but changes can be requested
    with pytest.raises(ServiceError, match="passes the checks"):
        reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    reviews.review_request_changes(contribution_id=entry.pk, reviewer=reviewer, reason="Fix it")


@pytest.mark.django_db
def test_a_pass_recorded_before_the_content_last_changed_does_not_count(entry, reviewer):
    # given checks that ran before the draft's last save
    Contribution.objects.filter(pk=entry.pk).update(
        validated_at=entry.draft_saved_at - timedelta(minutes=1)
    )
    # then approval is refused
    with pytest.raises(ServiceError, match="passes the checks"):
        reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)


@pytest.mark.django_db
def test_only_the_current_revision_can_be_decided(entry, reviewer):
    # given a reviewer who read revision 1 while revision 2 arrived
    new_revision(entry)
    # then their decision on revision 1 is refused
    with pytest.raises(ConflictError, match="revision 2"):
        reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer, revision_number=1)
    with pytest.raises(ConflictError, match="revision 2"):
        reviews.review_reject(
            contribution_id=entry.pk, reviewer=reviewer, reason="no", revision_number=1
        )


@pytest.mark.django_db
@pytest.mark.parametrize("decide", [reviews.review_request_changes, reviews.review_reject])
@pytest.mark.parametrize("reason", ["", "   "])
def test_request_changes_and_reject_need_a_reason(entry, reviewer, decide, reason):
    with pytest.raises(ServiceError, match=r"Say (what|why)"):
        decide(contribution_id=entry.pk, reviewer=reviewer, reason=reason)
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_requesting_changes_sends_the_entry_back_with_the_reason(entry, reviewer):
    # given a claimed entry
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    # when changes are requested
    reviews.review_request_changes(
        contribution_id=entry.pk, reviewer=reviewer, reason="Add the pool name."
    )
    # then the author can edit it again, the claim is gone and the author has the reason
    entry.refresh_from_db()
    assert entry.status == Status.CHANGES_REQUESTED
    assert not ReviewClaim.objects.filter(contribution=entry).exists()
    event = ContributionEvent.objects.get(contribution=entry, event="changes_requested")
    assert event.note == "Add the pool name."
    note = Notification.objects.get(recipient=entry.author, kind="decision")
    assert "Add the pool name." in note.message


@pytest.mark.django_db
def test_rejecting_ends_the_entry(entry, reviewer):
    reviews.review_reject(contribution_id=entry.pk, reviewer=reviewer, reason="A duplicate.")
    entry.refresh_from_db()
    assert entry.status == Status.REJECTED
    with pytest.raises(ConflictError, match="no longer waits"):
        reviews.review_approve(contribution_id=entry.pk, reviewer=scoped_reviewer())


@pytest.mark.django_db
def test_another_reviewers_claim_blocks_decisions_except_by_admins(entry, reviewer, admin_user):
    # given an entry claimed by one reviewer
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    # then another reviewer cannot decide, an admin can
    with pytest.raises(ConflictError, match="is reviewing this entry"):
        reviews.review_reject(contribution_id=entry.pk, reviewer=scoped_reviewer(), reason="x")
    reviews.review_reject(contribution_id=entry.pk, reviewer=admin_user, reason="Off topic.")
    entry.refresh_from_db()
    assert entry.status == Status.REJECTED


@pytest.mark.django_db
def test_two_approvals_needed_when_configured(entry, reviewer, queued, settings):
    # given two required approvals
    settings.REQUIRED_APPROVALS = 2
    second = scoped_reviewer()
    reviews.review_claim(contribution_id=entry.pk, reviewer=reviewer)
    # when the first reviewer approves
    reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    entry.refresh_from_db()
    # then it waits again, free for the next reviewer
    assert entry.status == Status.SUBMITTED and entry.handed_over_at is None
    assert not ReviewClaim.objects.filter(contribution=entry).exists()
    assert "1 of 2" in Notification.objects.get(recipient=entry.author).message
    # and the same reviewer cannot approve twice
    with pytest.raises(ConflictError, match="already approved"):
        reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    # when a second reviewer approves
    reviews.review_approve(contribution_id=entry.pk, reviewer=second)
    entry.refresh_from_db()
    # then it is handed over
    assert entry.status == Status.APPROVED and entry.handed_over_at is not None


@pytest.mark.django_db
def test_a_new_revision_clears_earlier_approvals(entry, reviewer, settings):
    # given one of two approvals on revision 1, then changes requested
    settings.REQUIRED_APPROVALS = 2
    reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    reviews.review_request_changes(contribution_id=entry.pk, reviewer=scoped_reviewer(), reason="x")
    # when revision 2 is submitted
    new_revision(entry)
    cleared = reviews.reviews_clear_for_new_revision(entry)
    # then the approval stays for the record but no longer counts
    assert cleared == 2
    assert Review.objects.filter(is_current=True).count() == 0
    assert reviews.current_approvals(entry) == 0
    assert ContributionEvent.objects.filter(contribution=entry, event="approvals_cleared").exists()
    # and the reviewer may approve the new revision
    reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    assert reviews.current_approvals(entry) == 1


@pytest.mark.django_db
def test_approvals_of_an_older_revision_never_count(entry, reviewer, settings):
    # given an approval of revision 1 that nobody cleared
    settings.REQUIRED_APPROVALS = 2
    reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    new_revision(entry)
    # then revision 2 has no approvals yet
    assert reviews.current_approvals(entry) == 0


@pytest.mark.django_db
def test_decide_dispatches_by_name(entry, reviewer):
    with pytest.raises(ServiceError, match="Choose approve"):
        reviews.review_decide(contribution_id=entry.pk, reviewer=reviewer, decision="maybe")
    reviews.review_decide(
        contribution_id=entry.pk, reviewer=reviewer, decision="reject", reason="Out of scope."
    )
    entry.refresh_from_db()
    assert entry.status == Status.REJECTED


@pytest.mark.django_db
def test_the_hand_over_queues_the_pipelines_open_pull_request_task(
    entry, reviewer, django_capture_on_commit_callbacks
):
    # given the pipeline's task, not run for real here
    from unittest import mock

    from contributions.tasks.pipeline import open_pull_request

    # when the entry is approved
    with (
        mock.patch.object(open_pull_request, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        reviews.review_approve(contribution_id=entry.pk, reviewer=reviewer)
    # then the task is queued once, with the entry's id
    delay.assert_called_once_with(entry.pk)
