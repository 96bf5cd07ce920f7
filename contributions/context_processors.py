"""Template context shared by every page: taxonomy name and the navigation for the user's roles."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import roles

# (label, url name, who sees it). Links whose page is not installed are left out.
NAV_ITEMS: list[tuple[str, str, Callable]] = [
    ("My contributions", "my-contributions", lambda user: True),
    ("New entry", "contribution-new", lambda user: True),
    ("Review queue", "review-queue", roles.is_reviewer),
    ("Dashboard", "admin-dashboard", roles.is_admin),
    ("People", "leaderboard", lambda user: True),
    ("Notifications", "notifications", lambda user: True),
    ("Profile", "profile", lambda user: True),
]


def _nav(request: HttpRequest) -> list[dict]:
    items = []
    for label, url_name, visible in NAV_ITEMS:
        if not visible(request.user):
            continue
        try:
            items.append({"label": label, "url": reverse(url_name), "name": url_name})
        except NoReverseMatch:
            continue
    for item in items:
        if item["name"] == "notifications":
            item["badge"] = _unread_notifications(request.user)
    return items


def _unread_notifications(user) -> int:
    """The unread count shown on the Notifications link: one COUNT query per page."""
    from .selectors.notifications import unread_count

    return unread_count(user=user)


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "portal": {
            "taxonomy_name": settings.TAXONOMY_NAME,
            "taxonomy_repo": settings.TAXONOMY_REPO,
            "taxonomy_url": f"{settings.GITHUB_WEB_URL}/{settings.TAXONOMY_REPO}",
            "revision_review": settings.PR_REVISION_REVIEW,
            "nav": _nav(request) if user is not None and user.is_authenticated else [],
        }
    }
