"""Grounding: how much of an answer its passage supports, and where a passage is in a document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .text import is_content_word, plain, stem, word_spans


@dataclass(frozen=True)
class Support:
    """The share of an answer's content words found in its passage, and the ones that are not."""

    score: float
    words: int
    unsupported: tuple[str, ...]
    segments: tuple[tuple[str, bool], ...]  # the answer cut into (text, is_unsupported)


def _forms(text: str) -> set[str]:
    found = set()
    for word, _, _ in word_spans(text):
        lowered = word.lower()
        found.add(lowered)
        found.add(stem(lowered))
        # "ceph-volume" also supports "ceph" and "volume".
        for part in lowered.replace("/", "-").split("-"):
            if part:
                found.add(stem(part))
    return found


def answer_support(answer: str, passage: str) -> Support:
    """How much of `answer` is backed by words of `passage` (1.0 when it has no content words)."""
    known = _forms(passage)
    segments: list[tuple[str, bool]] = []
    unsupported: list[str] = []
    total = supported = 0
    last = 0
    for word, start, end in word_spans(answer):
        if not is_content_word(word):
            continue
        total += 1
        lowered = word.lower()
        if lowered in known or stem(lowered) in known:
            supported += 1
            continue
        if start > last:
            segments.append((answer[last:start], False))
        segments.append((answer[start:end], True))
        unsupported.append(word)
        last = end
    if last < len(answer):
        segments.append((answer[last:], False))
    score = supported / total if total else 1.0
    return Support(score, total, tuple(unsupported), tuple(segments))


@dataclass(frozen=True)
class Place:
    """Where a passage sits in a document: its name, line, and how closely it matches (0-100)."""

    document: str
    line: int
    score: float
    exact: bool


class _Tokens:
    """A document as plain tokens, each with the offset of its start in the original text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: list[str] = []
        self.starts: list[int] = []
        for word, start, _ in word_spans(text):
            self.words.append(word.lower())
            self.starts.append(start)
        self.grams: dict[tuple[str, ...], list[int]] = {}
        for i in range(len(self.words) - 3):
            self.grams.setdefault(tuple(self.words[i : i + 4]), []).append(i)

    def line_of(self, token: int) -> int:
        offset = self.starts[token] if token < len(self.starts) else len(self.text)
        return self.text.count("\n", 0, offset) + 1


def _words(text: str) -> list[str]:
    return [w.lower() for w, _, _ in word_spans(text)]


def locate_passage(
    passage: str, documents: Sequence[tuple[str, str]], *, min_score: float = 85.0
) -> Place | None:
    """The best place of `passage` in `documents` (name, text), or None if it is not there.

    Whitespace, line wrapping, case and markdown markup are ignored; small edits (a changed
    word, a dropped bullet) still match, scored by similarity of the aligned window.
    """
    needle = _words(passage)
    if not needle:
        return None
    best: Place | None = None
    for name, text in documents:
        tokens = _Tokens(text)
        if not tokens.words:
            continue
        votes: Counter[int] = Counter()
        if len(needle) < 4:
            for i in range(len(tokens.words) - len(needle) + 1):
                if tokens.words[i : i + len(needle)] == needle:
                    votes[i] += 1
        for j in range(len(needle) - 3):
            for i in tokens.grams.get(tuple(needle[j : j + 4]), ()):
                votes[i - j] += 1
        for offset, _ in votes.most_common(3):
            start = max(offset, 0)
            window = tokens.words[start : start + len(needle)]
            score = fuzz.ratio(" ".join(needle), " ".join(window))
            if score >= min_score and (best is None or score > best.score):
                best = Place(name, tokens.line_of(start), score, window == needle)
        if best is not None and best.exact:
            return best
    return best


def plain_equal(a: str, b: str) -> bool:
    """Whether two texts are the same once markup, case and wrapping are ignored."""
    return plain(a) == plain(b)
