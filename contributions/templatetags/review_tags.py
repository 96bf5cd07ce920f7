"""Template helpers of the review, people, notification and dashboard pages."""

from __future__ import annotations

import json
from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from contributions.event_words import event_did, event_happened
from contributions.event_words import event_sentence as sentence_of_event
from contributions.form_words import plain_words
from contributions.models import ContributorProfile
from contributions.workflow import STATUS_LABELS

register = template.Library()


@register.filter
def event_label(name: str) -> str:
    """What the actor did, to follow their name (see contributions.event_words)."""
    return event_did(name)


@register.filter(name="event_happened")
def event_happened_filter(name: str) -> str:
    """An event name as a sentence on its own: 'Review started'."""
    return event_happened(name)


@register.filter
def event_sentence(event) -> str:
    """An event as a sentence, using its data: 'Pull request #4 closed on GitHub'."""
    return sentence_of_event(event)


@register.filter
def status_words(value: str) -> str:
    """A status as people read it ('Pull request open'); empty stays empty."""
    return STATUS_LABELS.get(value, value) if value else ""


@register.filter
def from_github(feedback, revision_number=None) -> list:
    """The maintainers' reviews and comments from GitHub among an entry's feedback; with a
    revision number, only those made on that revision (what the author answers now)."""
    items = [item for item in feedback or [] if getattr(item, "on_github", False)]
    if revision_number is not None:
        items = [item for item in items if getattr(item, "revision", None) == revision_number]
    return items


@register.filter
def person(user) -> str:
    """A user's public name without a query when the profile was selected with them."""
    if user is None:
        return "The portal"
    try:
        profile = user.profile
    except ContributorProfile.DoesNotExist:
        return user.get_username()
    return profile.public_name


@register.filter
def duration_hours(hours: float | None) -> str:
    """'45 minutes', '5.5 hours' or '3.2 days'."""
    if hours is None:
        return "—"
    if hours < 1:
        minutes = round(hours * 60)
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    if hours < 48:
        return f"{hours:.1f} hours".replace(".0 ", " ")
    return f"{hours / 24:.1f} days".replace(".0 ", " ")


@register.filter
def percent_of(value: int, total: int) -> float:
    """value as a percentage of total, for CSS bar widths (0 when total is 0)."""
    try:
        return round(100 * value / total, 1) if total else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def seed_number(index: int) -> int:
    return int(index) + 1


@register.filter
def lookup(mapping, key):
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def issue_where(location) -> str:
    """A validation issue's location in the form's words: 'example 2, question 1, answer'."""
    if not isinstance(location, dict):
        return ""
    parts = []
    if location.get("seed") is not None:
        parts.append(f"example {location['seed']}")
    if location.get("qa") is not None:
        parts.append(f"question {location['qa']}")
    if location.get("field"):
        parts.append(str(location["field"]).replace("_", " "))
    text = ", ".join(parts)
    if location.get("line") is not None:
        text = f"{text} (line {location['line']})" if text else f"line {location['line']}"
    return text


@register.filter(name="plain_words")
def plain_words_filter(text: str) -> str:
    """A check's message with the form's words: 'example 2' rather than 'seed example 2'."""
    return plain_words(str(text))


@register.filter
def waited(since) -> str:
    """'waiting 3 days, 2 hours', or 'just submitted' for the first minute."""
    if since is None:
        return "not submitted"
    if timezone.now() - since < timedelta(minutes=1):
        return "just submitted"
    return f"waiting {timesince(since, depth=1)}"


@register.filter
def as_json(value) -> str:
    """Audit data as compact JSON, as stored."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
