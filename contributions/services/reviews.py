"""Reviews: claim, assign, release, comment and decide on submitted entries.

Every rule about reviewing lives here, so the pages, the API and Django admin obey the same ones:
scopes (see `permissions.can_review`), nobody decides on their own entry, only the current
revision can be decided on, only an entry whose checks passed on that revision can be approved,
REQUIRED_APPROVALS approvals hand the entry to the pull-request pipeline, and that hand-over
happens exactly once (the row lock, the status move and `handed_over_at` in one transaction).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from contributions import permissions, roles
from contributions.form_words import example_name
from contributions.models import Comment, Contribution, Review, ReviewClaim
from contributions.workflow import AWAITING_REVIEW, Status

from .core import (
    ConflictError,
    PermissionDenied,
    ServiceError,
    contribution_move,
    event_record,
    lock_contribution,
)
from .notifications import notify

MAX_CLAIM_MINUTES = 7 * 24 * 60
MAX_COMMENT_CHARS = 10_000


# --- helpers ------------------------------------------------------------------------------------


def _name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "The portal"
    profile = getattr(user, "profile", None)
    return profile.public_name if profile is not None else user.get_username()


def entry_url(contribution: Contribution, *, for_author: bool = False, anchor: str = "") -> str:
    """Where a notification about this entry takes its reader: the author to their own page of
    the entry (where they edit and resubmit), reviewers to the review page."""
    names = ["contribution-detail", "review-detail"] if for_author else ["review-detail"]
    for name in names:
        try:
            return reverse(name, args=[contribution.pk]) + anchor
        except NoReverseMatch:
            continue
    return ""


def _queue_pull_request(contribution_id: int) -> None:
    """Queue the pipeline task that opens the entry's pull request (issue 6 implements it)."""
    from contributions.tasks.pipeline import open_pull_request

    open_pull_request.delay(contribution_id)


def required_approvals() -> int:
    return max(1, int(settings.REQUIRED_APPROVALS))


def validation_is_current(contribution: Contribution) -> bool:
    """Whether the stored checks passed *and* were run on the content of the current revision.

    Saving a draft resets the state to pending and a revision is frozen from the draft, so a
    pass recorded after the draft's last save describes exactly what the revision holds.
    """
    if contribution.current_revision_id is None:
        return False
    if contribution.validation_state != Contribution.Validation.PASSED:
        return False
    if contribution.validated_at is None:
        return False
    saved_at = contribution.draft_saved_at
    return saved_at is None or contribution.validated_at >= saved_at


def current_approvals(contribution: Contribution) -> int:
    """Approvals that count: on the current revision and not cleared."""
    return Review.objects.filter(
        contribution=contribution,
        revision_id=contribution.current_revision_id,
        decision=Review.Decision.APPROVE,
        is_current=True,
    ).count()


def _active_claim(contribution: Contribution, now: datetime) -> ReviewClaim | None:
    # The caller holds the contribution's row lock, which serialises every change to its claim.
    claim = (
        ReviewClaim.objects.select_related("reviewer__profile")
        .filter(contribution=contribution)
        .first()
    )
    return claim if claim is not None and claim.expires_at > now else None


def _check_reviewer(actor: AbstractBaseUser, contribution: Contribution) -> None:
    if not actor.is_authenticated or not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can review entries.")
    if contribution.author_id == actor.pk:
        raise PermissionDenied("You cannot review your own entry; another reviewer will.")
    if not permissions.can_review(actor, contribution):
        raise PermissionDenied(
            f"'{contribution.taxonomy_path}' is outside the taxonomy paths you review."
        )


def _check_waiting(contribution: Contribution) -> None:
    if Status(contribution.status) not in AWAITING_REVIEW:
        raise ConflictError(
            f"This entry is '{contribution.status_label}' and no longer waits for review."
        )


def _check_revision(contribution: Contribution, revision_number: int | None) -> None:
    if contribution.current_revision is None:
        raise ServiceError("This entry has no submitted revision to review.")
    if revision_number is not None and revision_number != contribution.current_revision.number:
        raise ConflictError(
            f"The author submitted revision {contribution.current_revision.number} while you "
            f"were reading revision {revision_number}. Look at the new revision first."
        )


def _claim_minutes(minutes: int | None) -> int:
    minutes = settings.REVIEW_CLAIM_MINUTES if minutes is None else int(minutes)
    if not 1 <= minutes <= MAX_CLAIM_MINUTES:
        raise ServiceError("A claim lasts between one minute and seven days.")
    return minutes


def _end_claim(contribution: Contribution, *, actor: AbstractBaseUser | None, note: str) -> None:
    """Drop any claim; an entry nobody is reviewing goes back to the queue as 'waiting'."""
    ReviewClaim.objects.filter(contribution=contribution).delete()
    if contribution.status == Status.IN_REVIEW:
        contribution_move(
            contribution=contribution, to_status=Status.SUBMITTED, actor=actor, note=note
        )


# --- claims -------------------------------------------------------------------------------------


def _put_claim(
    *,
    contribution: Contribution,
    reviewer: AbstractBaseUser,
    assigned_by: AbstractBaseUser | None,
    minutes: int,
    now: datetime,
) -> ReviewClaim:
    expires_at = now + timedelta(minutes=minutes)
    claim, _ = ReviewClaim.objects.update_or_create(
        contribution=contribution,
        defaults={"reviewer": reviewer, "assigned_by": assigned_by, "expires_at": expires_at},
    )
    data = {"reviewer": reviewer.pk, "expires_at": expires_at.isoformat(), "minutes": minutes}
    if contribution.status == Status.SUBMITTED:
        contribution_move(
            contribution=contribution,
            to_status=Status.IN_REVIEW,
            actor=assigned_by or reviewer,
            # The actor already says who claimed it; an assignment also names the assignee.
            note=f"Assigned to {_name(reviewer)}" if assigned_by else "",
            data=data,
        )
    else:
        event_record(
            contribution=contribution,
            actor=assigned_by or reviewer,
            event="review_assigned" if assigned_by else "review_claimed",
            data=data,
        )
    return claim


@transaction.atomic
def review_claim(
    *, contribution_id: int, reviewer: AbstractBaseUser, minutes: int | None = None
) -> ReviewClaim:
    """Take an entry for review for a while, so no one else does the same work. Renews one's own
    claim; an expired claim of someone else's is taken over."""
    contribution = lock_contribution(contribution_id)
    _check_reviewer(reviewer, contribution)
    _check_waiting(contribution)
    minutes = _claim_minutes(minutes)
    now = timezone.now()
    claim = _active_claim(contribution, now)
    if claim is not None and claim.reviewer_id != reviewer.pk:
        raise ConflictError(
            f"{_name(claim.reviewer)} is reviewing this entry until "
            f"{timezone.localtime(claim.expires_at):%H:%M on %d %b}."
        )
    return _put_claim(
        contribution=contribution, reviewer=reviewer, assigned_by=None, minutes=minutes, now=now
    )


@transaction.atomic
def review_assign(
    *,
    contribution_id: int,
    reviewer: AbstractBaseUser,
    assigned_by: AbstractBaseUser,
    minutes: int | None = None,
) -> ReviewClaim:
    """An admin hands an entry to a reviewer (replacing any claim) for a while."""
    if not permissions.can_assign_reviews(assigned_by):
        raise PermissionDenied("Only admins can assign entries to reviewers.")
    contribution = lock_contribution(contribution_id)
    _check_waiting(contribution)
    if not permissions.can_review(reviewer, contribution):
        raise ServiceError(
            f"{_name(reviewer)} cannot review this entry (not a reviewer, its author, or the "
            "path is outside their scope)."
        )
    claim = _put_claim(
        contribution=contribution,
        reviewer=reviewer,
        assigned_by=assigned_by,
        minutes=_claim_minutes(minutes),
        now=timezone.now(),
    )
    if reviewer.pk != assigned_by.pk:
        notify(
            recipient=reviewer,
            kind="review_assigned",
            message=f"{_name(assigned_by)} asked you to review “{contribution.summary}”.",
            contribution=contribution,
            url=entry_url(contribution),
            dedupe_key=f"assigned:{claim.pk}:{claim.expires_at.isoformat()}",
        )
    return claim


@transaction.atomic
def review_release(*, contribution_id: int, actor: AbstractBaseUser) -> None:
    """Give an entry back to the queue. The claimant or an admin may do it."""
    contribution = lock_contribution(contribution_id)
    claim = ReviewClaim.objects.filter(contribution=contribution).first()
    if claim is None:
        raise ServiceError("Nobody has claimed this entry.")
    if claim.reviewer_id != actor.pk and not roles.is_admin(actor):
        raise PermissionDenied(
            "Only the reviewer who claimed this entry (or an admin) can release it."
        )
    if contribution.status == Status.IN_REVIEW:
        _end_claim(contribution, actor=actor, note=f"Released by {_name(actor)}")
    else:
        claim.delete()
        event_record(contribution=contribution, actor=actor, event="review_released")


def review_claims_release_expired(*, now: datetime | None = None) -> int:
    """Put entries whose claim ran out back in the queue; returns how many. Safe to repeat."""
    now = now or timezone.now()
    released = 0
    expired = ReviewClaim.objects.filter(expires_at__lte=now).values_list(
        "contribution_id", flat=True
    )
    for contribution_id in list(expired):
        with transaction.atomic():
            contribution = lock_contribution(contribution_id)
            claim = ReviewClaim.objects.filter(contribution=contribution).first()
            if claim is None or claim.expires_at > now:
                continue
            _end_claim(contribution, actor=None, note="The review claim expired.")
            released += 1
    return released


# --- comments -----------------------------------------------------------------------------------


def _seed_count(contribution: Contribution) -> int:
    revision = contribution.current_revision
    seeds = (revision.content or {}).get("seed_examples") if revision else None
    return len(seeds) if isinstance(seeds, list) else 0


@transaction.atomic
def review_comment(
    *,
    contribution_id: int,
    author: AbstractBaseUser,
    body: str,
    seed_index: int | None = None,
) -> Comment:
    """Comment on an entry, or on one of its seed examples (0-based), on the current revision."""
    contribution = lock_contribution(contribution_id)
    if not permissions.can_comment(author, contribution):
        raise PermissionDenied("You cannot comment on this entry.")
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write something before sending the comment.")
    if len(body) > MAX_COMMENT_CHARS:
        raise ServiceError(f"Keep a comment under {MAX_COMMENT_CHARS:,} characters.")
    if seed_index is not None and not 0 <= seed_index < _seed_count(contribution):
        raise ServiceError("That example does not exist in the current revision.")
    comment = Comment.objects.create(
        contribution=contribution,
        revision=contribution.current_revision,
        author=author,
        body=body,
        seed_index=seed_index,
    )
    event_record(
        contribution=contribution,
        actor=author,
        event="comment_added",
        data={"comment": comment.pk, "seed_index": seed_index},
    )
    where = f"{example_name(seed_index).lower()} of " if seed_index is not None else ""
    message = f"{_name(author)} commented on {where}“{contribution.summary}”: {body[:140]}"
    for recipient in _comment_recipients(contribution, author):
        to_author = recipient.pk == contribution.author_id
        notify(
            recipient=recipient,
            kind="comment",
            message=message,
            contribution=contribution,
            url=entry_url(
                contribution,
                for_author=to_author,
                anchor="#feedback" if to_author else f"#comment-{comment.pk}",
            ),
            dedupe_key=f"comment:{comment.pk}",
        )
    return comment


def _comment_recipients(
    contribution: Contribution, author: AbstractBaseUser
) -> list[AbstractBaseUser]:
    """The entry's author, plus the reviewers already involved (claim, decisions, comments)."""
    ids = {contribution.author_id}
    ids |= set(contribution.reviews.values_list("reviewer_id", flat=True))
    ids |= set(
        contribution.comments.filter(author__isnull=False).values_list("author_id", flat=True)
    )
    ids |= set(
        ReviewClaim.objects.filter(contribution=contribution).values_list("reviewer_id", flat=True)
    )
    ids.discard(author.pk)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))


# --- decisions ----------------------------------------------------------------------------------


def _decide_checks(
    contribution: Contribution, reviewer: AbstractBaseUser, revision_number: int | None
) -> None:
    _check_reviewer(reviewer, contribution)
    _check_waiting(contribution)
    _check_revision(contribution, revision_number)
    claim = _active_claim(contribution, timezone.now())
    if claim is not None and claim.reviewer_id != reviewer.pk and not roles.is_admin(reviewer):
        raise ConflictError(
            f"{_name(claim.reviewer)} is reviewing this entry until "
            f"{timezone.localtime(claim.expires_at):%H:%M on %d %b}; ask them or an admin."
        )


def _record_review(
    contribution: Contribution, reviewer: AbstractBaseUser, decision: str, reason: str
) -> Review:
    try:
        # A savepoint, so a duplicate approval leaves the outer transaction usable.
        with transaction.atomic():
            return Review.objects.create(
                contribution=contribution,
                revision=contribution.current_revision,
                reviewer=reviewer,
                decision=decision,
                reason=reason,
            )
    except IntegrityError as error:
        raise ConflictError("You have already approved this revision.") from error


def _notify_author(contribution: Contribution, review: Review, message: str) -> None:
    notify(
        recipient=contribution.author,
        kind="decision",
        message=message,
        contribution=contribution,
        url=entry_url(contribution, for_author=True),
        dedupe_key=f"decision:{review.pk}",
    )


@transaction.atomic
def review_approve(
    *,
    contribution_id: int,
    reviewer: AbstractBaseUser,
    revision_number: int | None = None,
    reason: str = "",
) -> Review:
    """Approve the current revision; the last approval needed hands the entry to the pipeline."""
    contribution = lock_contribution(contribution_id)
    _decide_checks(contribution, reviewer, revision_number)
    if not validation_is_current(contribution):
        raise ServiceError(
            "Only an entry whose current revision passes the checks can be approved. "
            "Ask the author to fix the reported problems, or re-run the checks."
        )
    review = _record_review(contribution, reviewer, Review.Decision.APPROVE, reason.strip())
    approvals = current_approvals(contribution)
    needed = required_approvals()
    revision = contribution.current_revision
    data = {"revision": revision.number, "review": review.pk, "approvals": approvals}
    if approvals < needed:
        event_record(
            contribution=contribution,
            actor=reviewer,
            event="approval_recorded",
            note=reason.strip(),
            data={**data, "needed": needed},
        )
        _end_claim(
            contribution,
            actor=reviewer,
            note=f"Approved by {_name(reviewer)}; {needed - approvals} more approval(s) needed.",
        )
        _notify_author(
            contribution,
            review,
            f"{_name(reviewer)} approved “{contribution.summary}” "
            f"({approvals} of {needed} approvals).",
        )
        return review
    # The status check above guards "exactly once": a later revision is handed over again.
    has_open_pull = contribution.pull_requests.filter(state="open").exists()
    ReviewClaim.objects.filter(contribution=contribution).delete()
    contribution_id = contribution.pk
    contribution_move(
        contribution=contribution,
        to_status=Status.APPROVED,
        actor=reviewer,
        note=reason.strip(),
        data=data,
        extra_fields={"handed_over_at": timezone.now(), "pipeline_error": ""},
        after_commit=lambda: _queue_pull_request(contribution_id),
    )
    _notify_author(
        contribution,
        review,
        f"{_name(reviewer)} approved “{contribution.summary}”. "
        + (
            "The portal is adding this revision to its pull request for you."
            if has_open_pull
            else "The portal is opening a pull request on the taxonomy for you."
        ),
    )
    return review


def _decide_with_reason(
    *,
    contribution_id: int,
    reviewer: AbstractBaseUser,
    reason: str,
    revision_number: int | None,
    decision: str,
    to_status: Status,
    verb: str,
    missing_reason: str,
) -> Review:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(missing_reason)
    contribution = lock_contribution(contribution_id)
    _decide_checks(contribution, reviewer, revision_number)
    review = _record_review(contribution, reviewer, decision, reason)
    ReviewClaim.objects.filter(contribution=contribution).delete()
    contribution_move(
        contribution=contribution,
        to_status=to_status,
        actor=reviewer,
        note=reason,
        data={"revision": contribution.current_revision.number, "review": review.pk},
    )
    _notify_author(
        contribution, review, f"{_name(reviewer)} {verb} “{contribution.summary}”: {reason}"
    )
    return review


@transaction.atomic
def review_request_changes(
    *,
    contribution_id: int,
    reviewer: AbstractBaseUser,
    reason: str,
    revision_number: int | None = None,
) -> Review:
    """Send the entry back to its author with what to change."""
    return _decide_with_reason(
        contribution_id=contribution_id,
        reviewer=reviewer,
        reason=reason,
        revision_number=revision_number,
        decision=Review.Decision.REQUEST_CHANGES,
        to_status=Status.CHANGES_REQUESTED,
        verb="asked for changes to",
        missing_reason="Say what the author should change: they need it to improve the entry.",
    )


@transaction.atomic
def review_reject(
    *,
    contribution_id: int,
    reviewer: AbstractBaseUser,
    reason: str,
    revision_number: int | None = None,
) -> Review:
    """Turn the entry down for good, saying why."""
    return _decide_with_reason(
        contribution_id=contribution_id,
        reviewer=reviewer,
        reason=reason,
        revision_number=revision_number,
        decision=Review.Decision.REJECT,
        to_status=Status.REJECTED,
        verb="rejected",
        missing_reason="Say why you reject the entry: the author deserves to know.",
    )


DECISIONS = {
    Review.Decision.APPROVE: review_approve,
    Review.Decision.REQUEST_CHANGES: review_request_changes,
    Review.Decision.REJECT: review_reject,
}


def review_decide(
    *,
    contribution_id: int,
    reviewer: AbstractBaseUser,
    decision: str,
    reason: str = "",
    revision_number: int | None = None,
) -> Review:
    """Dispatch one of the three decisions by name (for forms and the API)."""
    action = DECISIONS.get(decision)
    if action is None:
        raise ServiceError("Choose approve, request changes or reject.")
    return action(
        contribution_id=contribution_id,
        reviewer=reviewer,
        reason=reason,
        revision_number=revision_number,
    )


# --- new revisions ------------------------------------------------------------------------------


def reviews_clear_for_new_revision(contribution: Contribution) -> int:
    """Stop earlier decisions counting once a new revision is submitted; returns how many.

    Called by the submit service inside its transaction, after the new revision is current.
    """
    cleared = Review.objects.filter(contribution=contribution, is_current=True).exclude(
        revision_id=contribution.current_revision_id
    )
    approvals = cleared.filter(decision=Review.Decision.APPROVE).count()
    count = cleared.update(is_current=False)
    ReviewClaim.objects.filter(contribution=contribution).delete()
    if approvals:
        event_record(
            contribution=contribution,
            actor=None,
            event="approvals_cleared",
            data={
                "approvals": approvals,
                "revision": getattr(contribution.current_revision, "number", None),
            },
        )
    return count
