"""Word counting, the single definition behind every word limit and form counter."""

from __future__ import annotations

__all__ = ["count_words"]


def count_words(text: str | None) -> int:
    """Count whitespace-separated words, as the InstructLab README limits are meant."""
    return len(text.split()) if text else 0
