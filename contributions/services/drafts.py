"""The shape of a draft: what `Contribution.draft` holds, checked and tidied on every save.

`{"entry": <qna.yaml data>, "attribution": {title, link, revision, license, creators}}`, plus
`"trash"`: the last examples removed in the editor, so "Undo" can bring them back. Empty fields
are fine (a draft is unfinished work); wrong types are refused with a plain message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contributions.models import Contribution

from .core import ServiceError

QNA_VERSION = 3
MIN_SEED_EXAMPLES = 5
MIN_QUESTIONS_PER_CONTEXT = 3
# Bounds on what one entry may hold, far above any real entry; they keep requests small.
MAX_SEED_EXAMPLES = 50
MAX_QUESTIONS_PER_CONTEXT = 20
MAX_TEXT_CHARS = 20_000


def clean_text(value: Any, *, multiline: bool = True) -> str:
    """Text as stored: LF line ends, no trailing spaces on lines, no blank edges."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ServiceError("Every field of an entry must be text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        return " ".join(text.split())
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return text[:MAX_TEXT_CHARS]


def _items(value: Any, what: str, limit: int) -> list[Mapping[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, Mapping) for v in value):
        raise ServiceError(f"{what} must be a list of objects.")
    if len(value) > limit:
        raise ServiceError(f"An entry can have at most {limit} {what.lower()}.")
    return list(value)


def empty_skill_seed() -> dict[str, Any]:
    return {"question": "", "answer": ""}


def empty_knowledge_seed() -> dict[str, Any]:
    return {
        "context": "",
        "questions_and_answers": [
            {"question": "", "answer": ""} for _ in range(MIN_QUESTIONS_PER_CONTEXT)
        ],
    }


def starter_draft(*, kind: str, created_by: str, creators: str = "") -> dict[str, Any]:
    """A new draft with the minimum number of (empty) examples, so the form shows them."""
    if kind == Contribution.Kind.SKILL:
        entry: dict[str, Any] = {
            "version": QNA_VERSION,
            "created_by": created_by,
            "task_description": "",
            "seed_examples": [empty_skill_seed() for _ in range(MIN_SEED_EXAMPLES)],
        }
    else:
        entry = {
            "version": QNA_VERSION,
            "created_by": created_by,
            "domain": "",
            "document_outline": "",
            "seed_examples": [empty_knowledge_seed() for _ in range(MIN_SEED_EXAMPLES)],
        }
    attribution = {"title": "", "link": "", "revision": "", "license": "", "creators": creators}
    return {"entry": entry, "attribution": attribution}


def draft_clean(*, kind: str, draft: Mapping[str, Any], created_by: str) -> dict[str, Any]:
    """Check a draft's shape and normalise it; raises ServiceError with a plain message.

    Empty fields are fine (a draft is unfinished work); wrong types and unknown shapes are not.
    `created_by` is always the author's (the person who submits is the one credited).
    """
    if not isinstance(draft, Mapping):
        raise ServiceError("The draft must be an object with 'entry' and 'attribution'.")
    entry = draft.get("entry") or {}
    if not isinstance(entry, Mapping):
        raise ServiceError("The draft's 'entry' must be an object.")
    attribution = draft.get("attribution") or {}
    if not isinstance(attribution, Mapping):
        raise ServiceError("The draft's 'attribution' must be an object.")
    seeds = _items(entry.get("seed_examples"), "Seed examples", MAX_SEED_EXAMPLES)
    cleaned: dict[str, Any] = {"version": QNA_VERSION, "created_by": created_by}
    if kind == Contribution.Kind.SKILL:
        cleaned["task_description"] = clean_text(entry.get("task_description"))
        cleaned["seed_examples"] = [_clean_skill_seed(seed) for seed in seeds]
    elif kind == Contribution.Kind.KNOWLEDGE:
        cleaned["domain"] = clean_text(entry.get("domain"), multiline=False)
        cleaned["document_outline"] = clean_text(entry.get("document_outline"))
        cleaned["seed_examples"] = [_clean_knowledge_seed(seed) for seed in seeds]
    else:
        raise ServiceError(f"An entry is either a skill or knowledge, not '{kind}'.")
    result = {
        "entry": cleaned,
        "attribution": {
            key: clean_text(attribution.get(key), multiline=False)
            for key in ("title", "link", "revision", "license", "creators")
        },
    }
    trash = draft.get("trash")
    if isinstance(trash, list) and trash:
        # Recently removed examples, kept so "Undo" can bring them back (see the editor).
        result["trash"] = [t for t in trash if isinstance(t, Mapping)][-10:]
    return result


def _clean_skill_seed(seed: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {
        "question": clean_text(seed.get("question")),
        "answer": clean_text(seed.get("answer")),
    }
    context = clean_text(seed.get("context"))
    if context:
        cleaned = {"context": context, **cleaned}
    return cleaned


def _clean_knowledge_seed(seed: Mapping[str, Any]) -> dict[str, Any]:
    pairs = _items(
        seed.get("questions_and_answers"), "Questions and answers", MAX_QUESTIONS_PER_CONTEXT
    )
    return {
        "context": clean_text(seed.get("context")),
        "questions_and_answers": [
            {"question": clean_text(p.get("question")), "answer": clean_text(p.get("answer"))}
            for p in pairs
        ],
    }
