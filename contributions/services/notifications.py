"""Notifications: in the portal (with an unread count) and by e-mail, as each person chooses."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from contributions.models import Contribution, Notification, NotificationPreference

# Kinds a person can switch on or off, with the words shown on the preferences page.
KINDS: dict[str, str] = {
    "decision": "A reviewer decided on one of my entries",
    "comment": "Someone commented on one of my entries",
    "pull_request": "The pull request of one of my entries changed",
    "digest": "Daily digest of entries waiting in my review scope (reviewers)",
    "review_assigned": "An admin asked me to review an entry (reviewers)",
    "pipeline_alert": "A pull request needs an admin's attention, e.g. a conflict (admins)",
}


def notification_preference(*, user: AbstractBaseUser, kind: str) -> tuple[bool, bool]:
    """(in_portal, by_email) for this user and kind; both on unless switched off."""
    pref = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return (pref.in_portal, pref.by_email) if pref else (True, True)


@transaction.atomic
def notification_preferences_set(
    *, user: AbstractBaseUser, choices: dict[str, tuple[bool, bool]]
) -> None:
    """Store the person's choices per kind: {kind: (in_portal, by_email)}."""
    from .core import ServiceError, event_record

    unknown = set(choices) - set(KINDS)
    if unknown:
        raise ServiceError(f"Unknown notification kind(s): {', '.join(sorted(unknown))}.")
    for kind, (in_portal, by_email) in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_portal": in_portal, "by_email": by_email}
        )
    event_record(
        contribution=None,
        actor=user,
        event="notification_preferences_changed",
        data={k: list(v) for k, v in choices.items()},
    )


def notify(
    *,
    recipient: AbstractBaseUser,
    kind: str,
    message: str,
    contribution: Contribution | None = None,
    url: str = "",
    dedupe_key: str = "",
) -> Notification | None:
    """Tell someone something; the e-mail (if wanted) is sent by a worker after commit.

    A repeated `dedupe_key` for the same recipient is a no-op, so callers that may run twice
    (tasks, webhooks) do not notify twice.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    in_portal, by_email = notification_preference(user=recipient, kind=kind)
    if not (in_portal or by_email):
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                message=message,
                contribution=contribution,
                url=url,
                dedupe_key=dedupe_key,
                # Not wanted in the portal: born read, so it never counts as unread.
                read_at=None if in_portal else timezone.now(),
            )
    except IntegrityError:
        return None
    if by_email and recipient.email:
        from contributions.tasks.notifications import send_notification_email

        notification_id = notification.pk
        transaction.on_commit(lambda: send_notification_email.delay(notification_id))
    return notification


def notifications_mark_read(*, user: AbstractBaseUser, ids: list[int] | None = None) -> int:
    """Mark some (or all) of a person's notifications read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
