"""The profile page: name, commit identity, the DCO, GitHub handle and notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from contributions import roles
from contributions.forms_contributor import ProfileForm
from contributions.selectors import contributor as selectors
from contributions.services.accounts import (
    DCO_TEXT,
    profile_get_or_create,
    profile_give_dco_consent,
    profile_update,
    profile_withdraw_dco_consent,
)
from contributions.services.notifications import (
    KINDS,
    notification_preference,
    notification_preferences_set,
)

# Only people who review get these; a plain contributor is not offered them.
REVIEWER_KINDS = frozenset({"digest", "review_assigned"})
ADMIN_KINDS = frozenset({"pipeline_alert"})


def _kinds(user: Any) -> dict[str, str]:
    """The notification kinds this person can receive."""
    hidden = set()
    if not roles.is_admin(user):
        hidden |= ADMIN_KINDS
    if not (roles.is_reviewer(user) or roles.is_admin(user)):
        hidden |= REVIEWER_KINDS
    return {kind: label for kind, label in KINDS.items() if kind not in hidden}


def _initial(request: HttpRequest) -> dict:
    profile = profile_get_or_create(user=request.user)
    initial = {
        "display_name": profile.display_name,
        "commit_name": profile.commit_name,
        "commit_email": profile.commit_email,
        "github_handle": profile.github_handle,
        "show_on_leaderboard": profile.show_on_leaderboard,
    }
    for kind in _kinds(request.user):
        in_portal, by_email = notification_preference(user=request.user, kind=kind)
        initial[f"notify_{kind}_portal"] = in_portal
        initial[f"notify_{kind}_email"] = by_email
    return initial


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial=_initial(request), kinds=_kinds(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_update(
            user=request.user,
            display_name=data["display_name"],
            commit_name=data["commit_name"],
            commit_email=data["commit_email"],
            github_handle=data["github_handle"],
            show_on_leaderboard=data["show_on_leaderboard"],
        )
        notification_preferences_set(user=request.user, choices=form.notification_choices())
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    profile = profile_get_or_create(user=request.user)
    name, email = profile.commit_identity
    return render(
        request,
        "contributions/profile.html",
        {
            "form": form,
            "profile": profile,
            "commit_name": name,
            "commit_email": email,
            "dco_text": DCO_TEXT,
            "kinds": [
                (kind, label, form[f"notify_{kind}_portal"], form[f"notify_{kind}_email"])
                for kind, label in form.kinds.items()
            ],
            "counts": selectors.contributor_entry_counts(user=request.user),
            "next": request.GET.get("next", ""),
        },
    )


@require_POST
@login_required
def dco(request: HttpRequest) -> HttpResponse:
    """Agree to the DCO, or withdraw agreement."""
    if request.POST.get("action") == "withdraw":
        profile_withdraw_dco_consent(user=request.user)
        messages.info(
            request, "You no longer agree to the DCO; you can agree again before you submit."
        )
    elif request.POST.get("agree") == "yes":
        profile_give_dco_consent(user=request.user)
        messages.success(request, "Thank you: you agree to the Developer Certificate of Origin.")
    else:
        messages.error(request, "Tick the box to agree to the DCO, then press the button.")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("profile")
