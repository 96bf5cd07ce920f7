"""Sign-up, e-mail confirmation and account deletion (log in, log out and password reset are
Django's own views)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cephportal.throttling import client_ip, rate_allows
from contributions.forms import SignUpForm
from contributions.services.accounts import (
    email_verification_send,
    email_verify,
    profile_set_github_noreply,
    user_delete_account,
    user_sign_up,
)
from contributions.services.core import ServiceError


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    if request.method == "POST" and not rate_allows(
        scope="signup", ident=client_ip(request), rate=settings.SIGNUP_RATE
    ):
        return render(request, "registration/signup_throttled.html", status=429)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_up(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                "Welcome! Your account is ready. We sent you an e-mail: open its link to confirm "
                "your address before you submit an entry.",
            )
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            return redirect(target if safe and target else "home")
    return render(request, "registration/signup.html", {"form": form})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail."""
    try:
        email_verify(token=token)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Thank you: your e-mail address is confirmed.")
    return redirect("profile" if request.user.is_authenticated else "login")


@login_required
@require_POST
def verify_email_resend(request: HttpRequest) -> HttpResponse:
    """Send the confirmation link again (limited per address like sign-ups)."""
    if not rate_allows(scope="verify-email", ident=client_ip(request), rate=settings.SIGNUP_RATE):
        messages.error(request, "Too many links were sent lately. Please try again later.")
    else:
        email_verification_send(user=request.user)
        messages.success(request, f"We sent a new link to {request.user.email}.")
    return redirect("profile")


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete your own account, after typing your password; your entries stay, anonymised."""
    error = ""
    if request.method == "POST":
        if not request.user.check_password(request.POST.get("password", "")):
            error = "That is not your password."
        else:
            try:
                user_delete_account(user=request.user, actor=request.user)
            except ServiceError as failure:
                error = str(failure)
            else:
                logout(request)
                messages.success(request, "Your account is deleted.")
                return redirect("home")
    return render(request, "registration/delete_account.html", {"error": error})


@login_required
@require_POST
def github_noreply_choice(request: HttpRequest) -> HttpResponse:
    """Sign entries with the GitHub noreply address, or stop doing so."""
    try:
        profile_set_github_noreply(user=request.user, enabled=request.POST.get("enabled") == "yes")
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Saved how your entries are signed.")
    return redirect("profile")
