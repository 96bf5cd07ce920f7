"""Reads for the notifications page and the unread badge in the navigation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator

from contributions.models import Notification

NOTIFICATIONS_PAGE_SIZE = 30


def unread_count(*, user: AbstractBaseUser) -> int:
    """How many notifications wait unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_page(
    *, user: AbstractBaseUser, unread_only: bool = False, page_number: Any = 1
) -> Page:
    """A page of the person's notifications, newest first."""
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return Paginator(queryset.order_by("-created_at", "-pk"), NOTIFICATIONS_PAGE_SIZE).get_page(
        page_number
    )
