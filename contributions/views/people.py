"""Contributor status pages and the opt-in leaderboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from contributions import permissions
from contributions.selectors.people import (
    can_see_person,
    contributor_status,
    leaderboard,
    people_subject,
)
from contributions.services.accounts import profile_get_or_create, profile_update


def _entry_link(viewer, entry) -> str:
    """The author goes to their own page of the entry; reviewers to its review page."""
    names = ["contribution-detail"] if entry.author_id == viewer.pk else []
    if entry.current_revision_id and permissions.can_view(viewer, entry):
        names.append("review-detail")
    for name in names:
        try:
            return reverse(name, args=[entry.pk])
        except NoReverseMatch:
            continue
    return ""


@login_required
@require_GET
def status(request: HttpRequest, username: str) -> HttpResponse:
    """A contributor's entries by status, acceptance rate, merged count and recent activity."""
    subject = people_subject(username=username)
    if subject is None or not can_see_person(request.user, subject):
        raise Http404("No such contributor.")
    data = contributor_status(
        subject=subject,
        viewer=request.user,
        status_filter=request.GET.get("status", ""),
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "people/status.html",
        {
            "data": data,
            "entries": [
                (entry, _entry_link(request.user, entry)) for entry in data.entries.object_list
            ],
        },
    )


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """Contributors who chose to be listed, by merged entries."""
    profile = profile_get_or_create(user=request.user)
    return render(
        request,
        "people/leaderboard.html",
        {
            "rows": leaderboard(),
            "me_listed": profile.show_on_leaderboard,
            "can_export": permissions.can_assign_reviews(request.user),
        },
    )


@login_required
@require_POST
def leaderboard_choice(request: HttpRequest) -> HttpResponse:
    """Join or leave the leaderboard (the same choice as on the profile page)."""
    profile = profile_get_or_create(user=request.user)
    show = request.POST.get("show") == "1"
    profile_update(
        user=request.user,
        display_name=profile.display_name,
        commit_name=profile.commit_name,
        commit_email=profile.commit_email,
        github_handle=profile.github_handle,
        show_on_leaderboard=show,
    )
    messages.success(
        request,
        "You are on the leaderboard; anyone signed in can see your merged work."
        if show
        else "You are no longer on the leaderboard.",
    )
    if request.POST.get("next") == "status":
        return redirect("contributor-status", username=request.user.get_username())
    return redirect("leaderboard")
