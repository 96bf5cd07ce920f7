"""Reviewer pages: the review queue and the review page with its actions.

Interfaces only: parse the request, check who is asking, call one service, render or redirect.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from contributions import permissions, roles
from contributions.models import Contribution, Review
from contributions.selectors.review import (
    AGE_FILTERS,
    CLAIM_FILTERS,
    QUALITY_FILTERS,
    QueueFilters,
    active_claim,
    eligible_reviewers,
    review_contribution,
    review_page,
    review_queue_page,
)
from contributions.services import reviews
from contributions.services.core import ConflictError, PermissionDenied, ServiceError

CLAIM_DURATIONS = [
    (60, "1 hour"),
    (120, "2 hours"),
    (480, "8 hours"),
    (1440, "1 day"),
    (4320, "3 days"),
]


LONG_WAIT_DAYS = 7


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """A friendly 403 page that says what the person can do instead."""
    return render(request, "review/forbidden.html", {"message": message}, status=403)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=reviews.MAX_COMMENT_CHARS,
    )
    seed_index = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, request changes or reject."},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you request changes or reject: the author reads it.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class AssignForm(forms.Form):
    reviewer = forms.CharField()
    minutes = forms.TypedChoiceField(choices=CLAIM_DURATIONS, coerce=int, initial=120)


def _reviewer_required(request: HttpRequest) -> HttpResponse | None:
    if not roles.is_reviewer(request.user):
        return forbidden(
            request,
            "The review queue is for reviewers. If you would like to review entries, ask an "
            "admin to give you the reviewer role.",
        )
    return None


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Entries waiting for review in the reviewer's scope, oldest first."""
    denied = _reviewer_required(request)
    if denied:
        return denied
    filters = QueueFilters.from_params(request.GET)
    page = review_queue_page(
        user=request.user, filters=filters, page_number=request.GET.get("page")
    )
    is_admin = roles.is_admin(request.user)
    scopes = [] if is_admin else permissions.reviewer_scopes(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    reviewers = eligible_reviewers() if is_admin else []
    now = timezone.now()
    rows = [
        {
            "entry": entry,
            "claim": active_claim(entry, now),
            "waiting_long": entry.submitted_at is not None
            and now - entry.submitted_at > timedelta(days=LONG_WAIT_DAYS),
            "assignees": [
                r
                for r in reviewers
                if r.pk != entry.author_id
                and permissions.path_in_scopes(entry.taxonomy_path, r._review_scopes)
            ],
        }
        for entry in page.object_list
    ]
    return render(
        request,
        "review/queue.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "kinds": Contribution.Kind.choices,
            "validation_states": Contribution.Validation.choices,
            "age_filters": [(key, label) for key, (label, _, _) in AGE_FILTERS.items()],
            "claim_filters": list(CLAIM_FILTERS.items()),
            "quality_filters": list(QUALITY_FILTERS.items()),
            "scopes": scopes,
            "is_admin": is_admin,
            "claim_durations": CLAIM_DURATIONS,
            "default_minutes": settings.REVIEW_CLAIM_MINUTES,
            "required": reviews.required_approvals(),
            "query": query.urlencode(),
        },
    )


def _visible_entry(request: HttpRequest, pk: int) -> Contribution:
    contribution = review_contribution(contribution_id=pk)
    if (
        contribution is None
        or contribution.current_revision_id is None
        or not permissions.can_view(request.user, contribution)
    ):
        raise Http404("No such entry.")
    return contribution


def _render_review(
    request: HttpRequest,
    contribution: Contribution,
    *,
    decision_form: DecisionForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    base = request.GET.get("base")
    data = review_page(
        contribution=contribution, base_number=int(base) if base and base.isdigit() else None
    )
    user = request.user
    can_review = permissions.can_review(user, contribution)
    is_admin = roles.is_admin(user)
    claim = data.claim
    claimed_by_other = claim is not None and claim.reviewer_id != user.pk
    return render(
        request,
        "review/detail.html",
        {
            "data": data,
            "entry": contribution,
            "revision": data.revision,
            "can_review": can_review,
            "can_comment": permissions.can_comment(user, contribution),
            "is_admin": is_admin,
            "is_author": contribution.author_id == user.pk,
            "waiting": contribution.status in {"submitted", "in_review"},
            "claim": claim,
            "claimed_by_me": claim is not None and claim.reviewer_id == user.pk,
            "blocked_by_claim": claimed_by_other and not is_admin,
            "decision_form": decision_form
            or DecisionForm(initial={"revision": data.revision.number}),
            "comment_form": comment_form or CommentForm(),
            "reviewers": eligible_reviewers(contribution=contribution) if is_admin else [],
            "claim_durations": CLAIM_DURATIONS,
            "default_minutes": settings.REVIEW_CLAIM_MINUTES,
            "decisions": Review.Decision,
            "edit_url": _author_url("contribution-edit", contribution)
            if permissions.can_edit(user, contribution)
            else "",
            "author_page_url": _author_url("contribution-detail", contribution)
            if contribution.author_id == user.pk
            else "",
        },
        status=status,
    )


def _author_url(name: str, contribution: Contribution) -> str:
    """A page of the contributor area for this entry, if that area is installed."""
    try:
        return reverse(name, args=[contribution.pk])
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry as written and as committed, its checks, changes, comments and decisions."""
    return _render_review(request, _visible_entry(request, pk))


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target == "queue":
        return redirect("review-queue")
    return redirect("review-detail", pk=pk)


def _run(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """Call a service; turn its refusals into messages (or a 403 for a forbidden action)."""
    try:
        action()
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except (ConflictError, ServiceError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return _back(request, pk)


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    _visible_entry(request, pk)
    minutes = request.POST.get("minutes")
    return _run(
        request,
        pk,
        lambda: reviews.review_claim(
            contribution_id=pk,
            reviewer=request.user,
            minutes=int(minutes) if minutes and minutes.isdigit() else None,
        ),
        "The entry is yours to review; others see that you are on it.",
    )


@login_required
@require_POST
def release(request: HttpRequest, pk: int) -> HttpResponse:
    _visible_entry(request, pk)
    return _run(
        request,
        pk,
        lambda: reviews.review_release(contribution_id=pk, actor=request.user),
        "Released: the entry is back in the queue for anyone.",
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    _visible_entry(request, pk)
    if not permissions.can_assign_reviews(request.user):
        return forbidden(request, "Only admins can assign entries to reviewers.")
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a reviewer and how long the assignment lasts.")
        return _back(request, pk)
    reviewer = get_user_model().objects.filter(username=form.cleaned_data["reviewer"]).first()
    if reviewer is None:
        messages.error(request, "There is no reviewer with that user name.")
        return _back(request, pk)
    return _run(
        request,
        pk,
        lambda: reviews.review_assign(
            contribution_id=pk,
            reviewer=reviewer,
            assigned_by=request.user,
            minutes=form.cleaned_data["minutes"],
        ),
        f"Assigned to {reviewer.get_username()}; they have been notified.",
    )


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _visible_entry(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_review(request, contribution, comment_form=form, status=400)
    try:
        created = reviews.review_comment(
            contribution_id=pk,
            author=request.user,
            body=form.cleaned_data["body"],
            seed_index=form.cleaned_data["seed_index"],
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ServiceError as error:
        form.add_error("body", str(error))
        return _render_review(request, contribution, comment_form=form, status=400)
    messages.success(request, "Comment added.")
    return redirect(reverse("review-detail", args=[pk]) + f"#comment-{created.pk}")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _visible_entry(request, pk)
    if not permissions.can_review(request.user, contribution):
        return forbidden(
            request,
            "You cannot decide on this entry: it is your own, or outside the paths you review.",
        )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, contribution, decision_form=form, status=400)
    decision = form.cleaned_data["decision"]
    try:
        reviews.review_decide(
            contribution_id=pk,
            reviewer=request.user,
            decision=decision,
            reason=form.cleaned_data["reason"],
            revision_number=form.cleaned_data["revision"],
        )
    except PermissionDenied as error:
        return forbidden(request, str(error))
    except ConflictError as error:
        messages.error(request, str(error))
        return redirect("review-detail", pk=pk)
    except ServiceError as error:
        reason_missing = decision != Review.Decision.APPROVE and not form.cleaned_data["reason"]
        form.add_error("reason" if reason_missing else None, str(error))
        return _render_review(request, contribution, decision_form=form, status=400)
    done = {
        Review.Decision.APPROVE: "Approved. Thank you!",
        Review.Decision.REQUEST_CHANGES: "Sent back to the author with your reasons.",
        Review.Decision.REJECT: "Rejected; the author has been told why.",
    }[decision]
    messages.success(request, done)
    return redirect("review-queue")


@login_required
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the taxonomy checks again on the current revision (for example after a rule fix)."""
    from contributions.services.validation import contribution_validate

    contribution = _visible_entry(request, pk)
    if not permissions.can_review(request.user, contribution):
        return forbidden(request, "Only reviewers of this entry can re-run its checks.")
    result = contribution_validate(contribution_id=pk)
    if result.get("can_submit"):
        messages.success(request, "Checked again: the current revision passes the checks.")
    else:
        messages.error(request, "Checked again: the current revision still has problems.")
    return redirect(reverse("review-detail", args=[pk]) + "#checks")


@login_required
@require_POST
def abandon(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin gives up on an entry whose pull request was closed without merging."""
    from contributions.services.admin_ops import contribution_abandon

    _visible_entry(request, pk)
    return _run(
        request,
        pk,
        lambda: contribution_abandon(
            contribution_id=pk, actor=request.user, reason=request.POST.get("reason", "")
        ),
        "Marked abandoned; the author has been told why.",
    )
