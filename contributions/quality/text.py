"""Words and plain text: markdown markup, case and line wrapping taken out."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Markdown punctuation that never carries meaning for matching (emphasis, code, tables, links).
_MARKUP = re.compile(r"[*_`#>|\[\]()\\~]+")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:['\u2019.\-/][0-9A-Za-z\u00c0-\u024f]+)*")

# Function words: an answer is not "supported" by sharing them, nor unsupported for having them.
_STOPWORD_TEXT = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    etc few for from further had has have having he her here hers him his how i if in into is
    it its itself just may me might more most must my no nor not now of off on once only or
    other our ours out over own same shall she should so some such than that the their theirs
    them then there these they this those through thus to too under until up upon us very via
    was we were what when where which while who whom whose why will with within without would
    yes you your yours
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def plain(text: str) -> str:
    """Lowercase words separated by single spaces, markdown markup removed."""
    return " ".join(_MARKUP.sub(" ", text.lower()).split())


def word_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word with its start and end offset in `text`."""
    for match in _WORD.finditer(text):
        yield match[0], match.start(), match.end()


def stem(word: str) -> str:
    """A rough stem, so 'replicas' matches 'replica' and 'configured' matches 'configure'."""
    word = word.lower().strip(".'\u2019-/")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def is_content_word(word: str) -> bool:
    """Whether a word says something: not a function word, not a single letter."""
    lowered = word.lower()
    return lowered not in STOPWORDS and (len(lowered) > 1 or lowered.isdigit())
