"""What changed between two revisions of an entry, field by field, with word-level marks.

Pure code over the stored JSON, so it also works for fields the portal does not know yet.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from contributions.form_words import example_name

# Human labels for the keys of qna.yaml and attribution.txt.
LABELS: dict[str, str] = {
    "summary": "Summary",
    "taxonomy_path": "Taxonomy path",
    "version": "Schema version",
    "created_by": "Created by",
    "task_description": "Task description",
    "domain": "Domain",
    "document_outline": "Document outline",
    "document": "Document",
    "repo": "repository",
    "commit": "commit",
    "patterns": "file patterns",
    "seed_examples": "Examples",
    "questions_and_answers": "Questions",
    "question": "question",
    "answer": "answer",
    "context": "context",
    "title": "Title of the work",
    "link": "Link to the work",
    "revision": "Revision of the work",
    "license": "Licence",
    "creators": "Creators",
}
# Which group of the page a top-level key belongs to.
GROUPS = {"seed_examples": "Examples", "document": "Document"}
_TOKENS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: where it is, how it changed, and the words that moved."""

    group: str
    label: str
    change: str  # "added" | "removed" | "changed"
    old: str
    new: str
    segments: list[tuple[str, str]] = field(default_factory=list)
    seed_index: int | None = None  # 0-based, for changes inside a seed example


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _flatten(value: Any, path: tuple[Any, ...], out: dict[tuple[Any, ...], str]) -> None:
    """Leaves of the JSON keyed by their path; lists of plain values stay one field."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "kind":
                continue
            _flatten(item, (*path, key), out)
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for index, item in enumerate(value):
            _flatten(item, (*path, index), out)
    else:
        out[path] = _text(value)


# Fields inside a seed example, named as the entry form names them (see contributions.form_words).
SEED_FIELD_LABELS = {"question": "Question", "answer": "Answer", "context": "Context"}


def _seed_label(path: tuple[Any, ...], knowledge: bool) -> str:
    """('seed_examples', 1, 'questions_and_answers', 0, 'answer') -> 'Example 2 · Answer 1'."""
    words = [example_name(path[1])]
    rest = path[2:]
    if rest[:1] == ("questions_and_answers",):
        number = f" {rest[1] + 1}" if len(rest) > 1 and isinstance(rest[1], int) else ""
        field = rest[2] if len(rest) > 2 else "question"
        words.append(f"{SEED_FIELD_LABELS.get(field, 'Question')}{number}")
    elif rest:
        if rest[0] == "context" and knowledge:
            words.append("Passage")
        else:
            words.append(SEED_FIELD_LABELS.get(rest[0], str(rest[0]).replace("_", " ")))
    return " · ".join(words)


def _label(path: tuple[Any, ...], knowledge: bool = False) -> str:
    if len(path) > 1 and path[0] == "seed_examples" and isinstance(path[1], int):
        return _seed_label(path, knowledge)
    words: list[str] = []
    for part in path:
        if isinstance(part, int):
            words[-1] = f"{words[-1]} {part + 1}" if words else str(part + 1)
        else:
            words.append(LABELS.get(part, str(part).replace("_", " ")))
    return " · ".join(words)


def word_segments(old: str, new: str) -> list[tuple[str, str]]:
    """The new text as (op, text) pieces: 'equal', 'delete' (old words) or 'insert'."""
    a, b = _TOKENS.split(old), _TOKENS.split(new)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in {"replace", "delete"}:
            segments.append(("delete", "".join(a[i1:i2])))
        if op in {"replace", "insert"}:
            segments.append(("insert", "".join(b[j1:j2])))
    return [s for s in segments if s[1]]


def _changes(
    group_of: str,
    old: dict[tuple[Any, ...], str],
    new: dict[tuple[Any, ...], str],
    knowledge: bool = False,
) -> list[FieldChange]:
    changes = []
    keys = list(new) + [k for k in old if k not in new]
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after or (not before and not after):
            continue
        kind = "added" if not before else "removed" if not after else "changed"
        seed_index = key[1] if len(key) > 1 and key[0] == "seed_examples" else None
        group = group_of or GROUPS.get(key[0], "Entry")
        changes.append(
            FieldChange(
                group=group,
                label=_label(key, knowledge),
                change=kind,
                old=before or "",
                new=after or "",
                segments=word_segments(before or "", after or ""),
                seed_index=seed_index if isinstance(seed_index, int) else None,
            )
        )
    return changes


def _is_knowledge(content: Any) -> bool:
    """A knowledge entry names a document and asks questions of passages."""
    if not isinstance(content, dict):
        return False
    seeds = content.get("seed_examples") or []
    return "document" in content or any(
        isinstance(seed, dict) and "questions_and_answers" in seed for seed in seeds
    )


def revision_changes(
    old: dict[str, Any] | None,
    new: dict[str, Any],
) -> list[FieldChange]:
    """Differences between two revisions given as {summary, taxonomy_path, content,
    attribution, documents: {filename: (sha256, size)}}; `old` None means a first revision."""
    if old is None:
        return []
    changes: list[FieldChange] = []
    top_old = {(k,): _text(old.get(k)) for k in ("summary", "taxonomy_path")}
    top_new = {(k,): _text(new.get(k)) for k in ("summary", "taxonomy_path")}
    changes += _changes("Entry", top_old, top_new)
    content_old: dict[tuple[Any, ...], str] = {}
    content_new: dict[tuple[Any, ...], str] = {}
    _flatten(old.get("content") or {}, (), content_old)
    _flatten(new.get("content") or {}, (), content_new)
    knowledge = _is_knowledge(old.get("content")) or _is_knowledge(new.get("content"))
    changes += _changes("", content_old, content_new, knowledge)
    attribution_old: dict[tuple[Any, ...], str] = {}
    attribution_new: dict[tuple[Any, ...], str] = {}
    _flatten(old.get("attribution") or {}, (), attribution_old)
    _flatten(new.get("attribution") or {}, (), attribution_new)
    changes += _changes("Attribution", attribution_old, attribution_new)
    docs_old, docs_new = old.get("documents") or {}, new.get("documents") or {}
    for name in list(docs_new) + [n for n in docs_old if n not in docs_new]:
        before, after = docs_old.get(name), docs_new.get(name)
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        old_text = f"{before[1]:,} bytes" if before else ""
        new_text = f"{after[1]:,} bytes" if after else ""
        changes.append(
            FieldChange(
                group="Documents",
                label=name,
                change=kind,
                old=old_text,
                new=new_text,
                segments=word_segments(old_text, new_text),
            )
        )
    order = {"Entry": 0, "Document": 1, "Examples": 2, "Attribution": 3, "Documents": 4}
    return sorted(changes, key=lambda c: order.get(c.group, 1))
