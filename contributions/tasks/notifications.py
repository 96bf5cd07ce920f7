"""E-mail for notifications."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from contributions.models import Notification


def email_subject(message: str, limit: int = 70) -> str:
    """The message's first sentence, or its first words, never cut in the middle of a word."""
    text = " ".join(message.split())
    first = text.split(". ", 1)[0].rstrip(".")
    if len(first) <= limit:
        return first
    cut = first[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


@shared_task(
    name="contributions.tasks.send_notification_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> bool:
    """Send one notification by e-mail, once: a second run finds it already sent."""
    # Claim it in a short transaction, then talk to the mail server outside any transaction.
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    link = f"{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject=f"[cephportal] {email_subject(notification.message)}",
            message=(
                f"{notification.message}\n\n{link}\n\n"
                "You can choose what we send you on your profile page."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
    except OSError:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
