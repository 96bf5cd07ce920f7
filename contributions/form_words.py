"""The contributor form's names for the parts of an entry, for every page that names them.

The taxonomy says "seed example", "Q&A" and "context"; the entry form says "Example N",
"Question N" and "Passage". Review pages, diffs and notifications use the form's words so that
author and reviewer talk about the same thing.
"""

from __future__ import annotations

import re

# The taxonomy's words as they appear in the checks' messages, and the form's words for them.
_PLAIN = (
    (re.compile(r"\bSeed examples\b"), "Examples"),
    (re.compile(r"\bseed examples\b"), "examples"),
    (re.compile(r"\bSeed example\b"), "Example"),
    (re.compile(r"\bseed example\b"), "example"),
    (re.compile(r"\bQ&A pairs\b"), "questions"),
    (re.compile(r"Q&A(?= \d)"), "question"),
    (re.compile(r"\bQ&A\b|Q&A"), "questions"),
)


def example_name(index: int) -> str:
    """A 0-based seed example index as the form names it: 'Example 2'."""
    return f"Example {int(index) + 1}"


def plain_words(text: str) -> str:
    """A message in the taxonomy's words, reworded with the form's words."""
    for pattern, plain in _PLAIN:
        text = pattern.sub(plain, text)
    return text
