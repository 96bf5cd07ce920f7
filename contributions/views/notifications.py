"""The notifications page: what happened to one's entries and reviews, and marking it read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from contributions.models import Notification
from contributions.selectors.notifications import notifications_page, unread_count
from contributions.services.notifications import KINDS, notifications_mark_read


def _preferences_url() -> str:
    try:
        return reverse("profile")
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    return render(
        request,
        "notifications/index.html",
        {
            "page": notifications_page(
                user=request.user, unread_only=unread_only, page_number=request.GET.get("page")
            ),
            "unread_only": unread_only,
            "unread": unread_count(user=request.user),
            "kinds": KINDS,
            "preferences_url": _preferences_url(),
        },
    )


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications")


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    changed = notifications_mark_read(user=request.user, ids=ids)
    if changed:
        messages.success(
            request, f"Marked {changed} notification{'s' if changed != 1 else ''} as read."
        )
    return redirect("notifications")
