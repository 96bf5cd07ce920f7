"""Near-duplicate search: MinHash signatures in a banded LSH index, verified with rapidfuzz.

A text's shingles are its words and word pairs (after `plain`), so wrapping and markup do
not matter. 64 hash functions in 16 bands of 4: two texts whose shingle sets overlap by
Jaccard 0.7 meet in some band with probability 0.98; at 0.3 it is 0.12, and those chance
candidates are dropped by the rapidfuzz similarity check.

The index has two parts. The bulk (the synced taxonomy) is held in sorted numpy arrays, one
per band, built once from stored signatures: compact, and a lookup is a binary search. Open
entries, which change all the time, live in small dictionaries that take additions and
removals.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from .text import plain

NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
# A bucket shared by more texts than this says nothing (very short, generic texts).
MAX_BUCKET = 200
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20260601)  # fixed: stored signatures must stay comparable
_A = _rng.integers(1, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, size=NUM_PERM, dtype=np.uint64)
_BAND_MIX = _rng.integers(1, (1 << 63) - 1, size=ROWS, dtype=np.uint64)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)


_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+")


def shingles(text: str) -> set[str]:
    """Words and word pairs of the plain text (hyphens and punctuation split words)."""
    words = _TOKEN.findall(plain(text))
    found = set(words)
    found.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return found


# Shingles hashed per numpy step: bounds memory at about 25 MB whatever the number of texts.
_CHUNK_SHINGLES = 50_000


def signatures(texts: Sequence[str]) -> np.ndarray:
    """MinHash signatures, one row of NUM_PERM uint32 per text (vectorised, in chunks)."""
    result = np.tile(_EMPTY, (len(texts), 1))
    hashes: list[int] = []
    owners: list[int] = []
    for row, text in enumerate(texts):
        for shingle in shingles(text):
            hashes.append(zlib.crc32(shingle.encode("utf-8")))
            owners.append(row)
        if len(hashes) >= _CHUNK_SHINGLES:
            _fill(result, hashes, owners)
            hashes, owners = [], []
    if hashes:
        _fill(result, hashes, owners)
    return result


def _fill(result: np.ndarray, hashes: list[int], owners: list[int]) -> None:
    """Set the signature rows of the texts whose shingles are all in this chunk."""
    values = np.asarray(hashes, dtype=np.uint64)
    rows = np.asarray(owners, dtype=np.int64)
    # (a * h + b) mod p for every hash function; products stay below 2**63.
    permuted = ((values[:, None] * _A[None, :] + _B[None, :]) % _PRIME) & np.uint64(0xFFFFFFFF)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    minima = np.minimum.reduceat(permuted, starts, axis=0).astype(np.uint32)
    result[rows[starts]] = minima


def band_keys(sigs: np.ndarray) -> np.ndarray:
    """One uint64 key per band and text: shape (texts, BANDS)."""
    grouped = sigs.astype(np.uint64).reshape(len(sigs), BANDS, ROWS)
    return (grouped * _BAND_MIX[None, None, :]).sum(axis=2, dtype=np.uint64)


@dataclass(frozen=True)
class IndexItem:
    """One question, answer or passage that others are compared with, and where it lives."""

    ref: str  # "taxonomy:<path>" or "entry:<id>": an entry is never its own duplicate
    label: str
    url: str
    field: str  # question, answer or context
    seed: int
    qa: int | None
    text: str


@dataclass(frozen=True)
class Match:
    item: IndexItem
    score: float  # rapidfuzz ratio of the plain texts, 0-100


class _Static:
    """Items of one field in sorted arrays: a band lookup is a binary search."""

    def __init__(self, items: list[IndexItem], sigs: np.ndarray) -> None:
        self.items = items
        keys = band_keys(sigs) if len(items) else np.zeros((0, BANDS), dtype=np.uint64)
        self.order = [np.argsort(keys[:, b], kind="stable") for b in range(BANDS)]
        self.sorted = [keys[self.order[b], b] for b in range(BANDS)]

    def candidates(self, qkeys: np.ndarray) -> list[set[int]]:
        found: list[set[int]] = [set() for _ in range(len(qkeys))]
        if not self.items:
            return found
        for b in range(BANDS):
            left = np.searchsorted(self.sorted[b], qkeys[:, b], side="left")
            right = np.searchsorted(self.sorted[b], qkeys[:, b], side="right")
            for q, (lo, hi) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
                if 0 < hi - lo <= MAX_BUCKET:
                    found[q].update(self.order[b][lo:hi].tolist())
        return found


class NearIndex:
    """Every indexed text by field; search returns the near-duplicates of new texts."""

    def __init__(self, items: Sequence[IndexItem] = (), sigs: np.ndarray | None = None) -> None:
        items = list(items)
        if sigs is None:
            sigs = signatures([i.text for i in items])
        self._static: dict[str, _Static] = {}
        for name in {i.field for i in items}:
            rows = [n for n, i in enumerate(items) if i.field == name]
            self._static[name] = _Static([items[n] for n in rows], sigs[rows])
        self._buckets: dict[tuple[str, int, int], set[tuple[str, int]]] = {}
        self._dynamic: dict[str, list[tuple[IndexItem, np.ndarray]]] = {}

    def __len__(self) -> int:
        return sum(len(s.items) for s in self._static.values()) + sum(
            len(v) for v in self._dynamic.values()
        )

    def put(self, ref: str, items: Sequence[IndexItem]) -> None:
        """Add or replace the texts of one open entry."""
        self.remove(ref)
        if not items:
            return
        sigs = signatures([i.text for i in items])
        keys = band_keys(sigs)
        self._dynamic[ref] = [(item, keys[n]) for n, item in enumerate(items)]
        for n, item in enumerate(items):
            for b in range(BANDS):
                self._buckets.setdefault((item.field, b, int(keys[n, b])), set()).add((ref, n))

    def remove(self, ref: str) -> None:
        for n, (item, keys) in enumerate(self._dynamic.pop(ref, [])):
            for b in range(BANDS):
                bucket = self._buckets.get((item.field, b, int(keys[b])))
                if bucket is not None:
                    bucket.discard((ref, n))
                    if not bucket:
                        del self._buckets[(item.field, b, int(keys[b]))]

    def refs(self) -> Iterable[str]:
        return self._dynamic.keys()

    def search(
        self,
        field: str,
        texts: Sequence[str],
        *,
        exclude_ref: str = "",
        min_score: float = 85.0,
        limit: int = 3,
    ) -> list[list[Match]]:
        """For each text, its best matches among the indexed texts of the same field."""
        if not texts:
            return []
        qkeys = band_keys(signatures(texts))
        static = self._static.get(field)
        static_found = static.candidates(qkeys) if static else [set() for _ in texts]
        results: list[list[Match]] = []
        for q, text in enumerate(texts):
            candidates: list[IndexItem] = (
                [static.items[i] for i in static_found[q]] if static else []
            )
            seen: set[tuple[str, int]] = set()
            for b in range(BANDS):
                bucket = self._buckets.get((field, b, int(qkeys[q, b])), ())
                if len(bucket) <= MAX_BUCKET:
                    seen.update(bucket)
            candidates += [self._dynamic[ref][n][0] for ref, n in seen]
            query = plain(text)
            matches = []
            for item in candidates:
                if item.ref == exclude_ref:
                    continue
                score = fuzz.ratio(query, plain(item.text), score_cutoff=min_score)
                if score:
                    matches.append(Match(item, score))
            matches.sort(key=lambda m: (-m.score, m.item.ref, m.item.seed, m.item.qa or 0))
            results.append(matches[:limit])
        return results
