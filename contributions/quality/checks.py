"""Every quality finding for one entry, each located at its field and with its evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from rapidfuzz import fuzz

from .grounding import answer_support, locate_passage, plain_equal
from .near import IndexItem, NearIndex
from .text import plain

SKILL, KNOWLEDGE = "skill", "knowledge"

RULES: dict[str, str] = {
    "quality.answer-unsupported": "much of an answer is not in its passage",
    "quality.context-ignored": "a skill's answer does not use its context",
    "quality.passage-place": "where a passage sits in the documents",
    "quality.near-duplicate": "a question, answer or passage nearly repeats an existing one",
    "quality.seeds-alike": "two examples of the entry are nearly the same",
}


@dataclass(frozen=True)
class Thresholds:
    """The settings the checks use; see QUALITY_* in the README."""

    min_answer_support: float = 0.5
    min_context_use: float = 0.2
    passage_match: float = 85.0
    duplicate_similarity: float = 85.0
    seeds_alike: float = 85.0
    min_duplicate_chars: int = 20


@dataclass(frozen=True)
class Finding:
    """One quality warning: which rule, what to do, where (seed, qa, field), and the evidence."""

    rule: str
    message: str
    seed: int | None = None
    qa: int | None = None
    field: str | None = None
    evidence: Mapping[str, Any] = dataclass_field(default_factory=dict)
    level: str = "warning"

    def to_dict(self) -> dict[str, Any]:
        """In the shape of a taxonomy issue (so the editor places it), plus the evidence."""
        return {
            "severity": self.level,
            "source": "quality",
            "rule": self.rule,
            "message": self.message,
            "location": {"seed": self.seed, "qa": self.qa, "field": self.field},
            "evidence": dict(self.evidence),
        }


def items_of(
    *, kind: str, entry: Mapping[str, Any], ref: str, label: str, url: str
) -> list[IndexItem]:
    """The texts of an entry that the near-duplicate index holds."""
    items = []
    for s, seed in enumerate(entry.get("seed_examples") or [], start=1):
        if not isinstance(seed, Mapping):
            continue
        context = str(seed.get("context") or "")
        if context.strip():
            items.append(IndexItem(ref, label, url, "context", s, None, context))
        if kind == KNOWLEDGE:
            pairs = [p for p in seed.get("questions_and_answers") or [] if isinstance(p, Mapping)]
            for q, pair in enumerate(pairs, start=1):
                for name in ("question", "answer"):
                    text = str(pair.get(name) or "")
                    if text.strip():
                        items.append(IndexItem(ref, label, url, name, s, q, text))
        else:
            for name in ("question", "answer"):
                text = str(seed.get(name) or "")
                if text.strip():
                    items.append(IndexItem(ref, label, url, name, s, None, text))
    return items


def _grounding(
    kind: str, entry: Mapping[str, Any], documents: Sequence[tuple[str, str]], t: Thresholds
) -> list[Finding]:
    found: list[Finding] = []
    for s, seed in enumerate(entry.get("seed_examples") or [], start=1):
        if not isinstance(seed, Mapping):
            continue
        context = str(seed.get("context") or "")
        if kind == SKILL:
            answer = str(seed.get("answer") or "")
            if context.strip() and answer.strip():
                support = answer_support(answer, context)
                if support.words >= 3 and support.score < t.min_context_use:
                    found.append(
                        Finding(
                            "quality.context-ignored",
                            f"This answer uses little of its context ({support.score:.0%} of "
                            "its words). An answer that ignores the context teaches the model "
                            "to ignore it too.",
                            seed=s,
                            field="answer",
                            evidence=_support_evidence(support),
                        )
                    )
            continue
        if context.strip() and documents:
            place = locate_passage(context, documents, min_score=t.passage_match)
            # Not found: the validation's document.context-not-found says so (one rule, one place).
            if place is not None:
                found.append(
                    Finding(
                        "quality.passage-place",
                        f"Found in {place.document}, line {place.line}"
                        + ("." if place.exact else f" (a {place.score:.0f}% match)."),
                        seed=s,
                        field="context",
                        evidence={"document": place.document, "line": place.line},
                        level="info",
                    )
                )
        pairs = [p for p in seed.get("questions_and_answers") or [] if isinstance(p, Mapping)]
        for q, pair in enumerate(pairs, start=1):
            answer = str(pair.get("answer") or "")
            if not (context.strip() and answer.strip()):
                continue
            support = answer_support(answer, context)
            if support.score < t.min_answer_support:
                found.append(
                    Finding(
                        "quality.answer-unsupported",
                        f"Only {support.score:.0%} of this answer's words are in its passage. "
                        "The marked words are not: the answer should come from the passage.",
                        seed=s,
                        qa=q,
                        field="answer",
                        evidence=_support_evidence(support),
                    )
                )
    return found


def _support_evidence(support: Any) -> dict[str, Any]:
    return {
        "score": round(support.score, 3),
        "unsupported": list(support.unsupported[:30]),
        "segments": [list(s) for s in support.segments],
    }


_FIELD_WORDS = {"question": "question", "answer": "answer", "context": "passage"}


def _duplicates(
    items: list[IndexItem], index: NearIndex, exclude_ref: str, t: Thresholds
) -> list[Finding]:
    found: list[Finding] = []
    for name in ("question", "answer", "context"):
        mine = [i for i in items if i.field == name and len(plain(i.text)) >= t.min_duplicate_chars]
        results = index.search(
            name,
            [i.text for i in mine],
            exclude_ref=exclude_ref,
            min_score=t.duplicate_similarity,
        )
        for item, matches in zip(mine, results, strict=True):
            if not matches:
                continue
            best = matches[0]
            word = _FIELD_WORDS[name]
            found.append(
                Finding(
                    "quality.near-duplicate",
                    f"This {word} nearly repeats one in {best.item.label} "
                    f"({best.score:.0f}% alike). Say something the model does not know yet.",
                    seed=item.seed,
                    qa=item.qa,
                    field=name,
                    evidence={
                        "matches": [
                            {
                                "label": m.item.label,
                                "url": m.item.url,
                                "text": m.item.text[:300],
                                "score": round(m.score),
                                "seed": m.item.seed,
                            }
                            for m in matches
                        ]
                    },
                )
            )
    return found


def _alike_seeds(items: list[IndexItem], t: Thresholds) -> list[Finding]:
    """Texts of the entry nearly repeating an earlier one (the most alike is named, once)."""
    found: list[Finding] = []
    for name in ("question", "context"):
        mine = [i for i in items if i.field == name]
        for n, later in enumerate(mine):
            best: tuple[float, IndexItem] | None = None
            for earlier in mine[:n]:
                if name == "context" and earlier.seed == later.seed:
                    continue
                if plain_equal(earlier.text, later.text):
                    continue  # exact repeats are the taxonomy check's (content.duplicate-*)
                score = fuzz.ratio(
                    plain(earlier.text), plain(later.text), score_cutoff=t.seeds_alike
                )
                if score and (best is None or score > best[0]):
                    best = (score, earlier)
            if best is None:
                continue
            score, earlier = best
            where = f"example {earlier.seed}" + (f", question {earlier.qa}" if earlier.qa else "")
            found.append(
                Finding(
                    "quality.seeds-alike",
                    f"This {_FIELD_WORDS[name]} is {score:.0f}% like the one in {where}. "
                    "Examples that say the same thing teach the model less.",
                    seed=later.seed,
                    qa=later.qa,
                    field=name,
                    evidence={
                        "other_seed": earlier.seed,
                        "other_qa": earlier.qa,
                        "score": round(score),
                    },
                )
            )
    return found


def entry_findings(
    *,
    kind: str,
    entry: Mapping[str, Any],
    documents: Sequence[tuple[str, str]] = (),
    index: NearIndex | None = None,
    ref: str = "",
    thresholds: Thresholds | None = None,
) -> list[Finding]:
    """Grounding, near-duplicate and alike-example findings for one entry."""
    t = thresholds or Thresholds()
    items = items_of(kind=kind, entry=entry, ref=ref, label="", url="")
    found = _grounding(kind, entry, documents, t)
    if index is not None:
        found += _duplicates(items, index, ref, t)
    found += _alike_seeds(items, t)
    found.sort(key=lambda f: (f.seed or 0, f.qa or 0, f.field or "", f.rule))
    return found
