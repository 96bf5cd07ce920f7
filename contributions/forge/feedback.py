"""Maintainers' feedback as GitHub sends it, read the same way from the API and from webhooks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Feedback


def feedback_item(kind: str, item: Mapping[str, Any]) -> Feedback:
    """A review, conversation comment or inline comment as GitHub sends it (API or webhook)."""
    user = item.get("user") or {}
    login = str(user.get("login", ""))
    # Only reviews have a state; webhooks spell it in lower case.
    state = str(item.get("state") or "").upper() if kind == "review" else ""
    line = item.get("line") or item.get("original_line") if kind == "line" else None
    return Feedback(
        external_id=f"{kind}-{item['id']}",
        author=login,
        author_is_bot=user.get("type") == "Bot" or login.endswith("[bot]"),
        kind=kind,
        state=state,
        body=str(item.get("body") or ""),
        url=str(item.get("html_url") or ""),
        path=str(item.get("path") or "") if kind == "line" else "",
        line=int(line) if isinstance(line, int) else None,
        withdrawn=state == "DISMISSED",
    )
