"""The portal's entry model: what a contributor writes, independent of YAML.

Entries are frozen dataclasses so they can be shared and cached safely; lists given
to the constructors are stored as tuples. ``to_dict()``/``from_dict()`` give plain,
JSON-serialisable dicts (the portal stores revisions as JSON). Every field has an
empty default so an unfinished draft is still an entry; validation says what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "Attribution",
    "DocumentRef",
    "Entry",
    "KnowledgeEntry",
    "KnowledgeSeed",
    "QAPair",
    "SkillEntry",
    "SkillSeed",
    "entry_from_dict",
]


def _text(data: Mapping[str, Any], key: str) -> str:
    """Read a text field from a stored dict; absent means empty, anything else is a bug."""
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string, not {type(value).__name__}")
    return value


def _items(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list | tuple):
        raise ValueError(f"{key!r} must be a list, not {type(value).__name__}")
    return list(value)


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be an object, not {type(value).__name__}")
    return value


def _freeze(obj: object, name: str, values: Iterable[Any]) -> None:
    # Frozen dataclasses need object.__setattr__ to normalise a field after __init__.
    object.__setattr__(obj, name, tuple(values))


@dataclass(frozen=True)
class QAPair:
    """One question and its answer inside a knowledge seed example."""

    question: str = ""
    answer: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QAPair:
        data = _mapping(data, "a question and answer")
        return cls(question=_text(data, "question"), answer=_text(data, "answer"))


@dataclass(frozen=True)
class KnowledgeSeed:
    """A passage of the source document and the Q&A pairs it answers."""

    context: str = ""
    questions_and_answers: tuple[QAPair, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, "questions_and_answers", self.questions_and_answers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "context": self.context,
            "questions_and_answers": [qa.to_dict() for qa in self.questions_and_answers],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KnowledgeSeed:
        data = _mapping(data, "a seed example")
        return cls(
            context=_text(data, "context"),
            questions_and_answers=[
                QAPair.from_dict(qa) for qa in _items(data, "questions_and_answers")
            ],
        )


@dataclass(frozen=True)
class SkillSeed:
    """A skill example; ``context`` is set for grounded skills and None otherwise."""

    question: str = ""
    answer: str = ""
    context: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "context": self.context}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkillSeed:
        data = _mapping(data, "a seed example")
        context = data.get("context")
        if context is not None and not isinstance(context, str):
            raise ValueError(f"'context' must be a string, not {type(context).__name__}")
        return cls(question=_text(data, "question"), answer=_text(data, "answer"), context=context)


@dataclass(frozen=True)
class DocumentRef:
    """Where the knowledge document lives: a git repository, a commit and file patterns."""

    repo: str = ""
    commit: str = ""
    patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, "patterns", self.patterns)

    def to_dict(self) -> dict[str, Any]:
        return {"repo": self.repo, "commit": self.commit, "patterns": list(self.patterns)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentRef:
        data = _mapping(data, "the document")
        patterns = _items(data, "patterns")
        if not all(isinstance(p, str) for p in patterns):
            raise ValueError("'patterns' must be a list of strings")
        return cls(repo=_text(data, "repo"), commit=_text(data, "commit"), patterns=patterns)


@dataclass(frozen=True)
class SkillEntry:
    """A compositional skill (``compositional_skills/...``)."""

    KIND: ClassVar[str] = "skill"

    created_by: str = ""
    task_description: str = ""
    seed_examples: tuple[SkillSeed, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self, "seed_examples", self.seed_examples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.KIND,
            "created_by": self.created_by,
            "task_description": self.task_description,
            "seed_examples": [seed.to_dict() for seed in self.seed_examples],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SkillEntry:
        data = _mapping(data, "a skill entry")
        return cls(
            created_by=_text(data, "created_by"),
            task_description=_text(data, "task_description"),
            seed_examples=[SkillSeed.from_dict(s) for s in _items(data, "seed_examples")],
        )


@dataclass(frozen=True)
class KnowledgeEntry:
    """A knowledge contribution (``knowledge/...``) grounded in a document."""

    KIND: ClassVar[str] = "knowledge"

    created_by: str = ""
    domain: str = ""
    document_outline: str = ""
    seed_examples: tuple[KnowledgeSeed, ...] = ()
    document: DocumentRef = field(default_factory=DocumentRef)

    def __post_init__(self) -> None:
        _freeze(self, "seed_examples", self.seed_examples)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.KIND,
            "created_by": self.created_by,
            "domain": self.domain,
            "document_outline": self.document_outline,
            "seed_examples": [seed.to_dict() for seed in self.seed_examples],
            "document": self.document.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KnowledgeEntry:
        data = _mapping(data, "a knowledge entry")
        return cls(
            created_by=_text(data, "created_by"),
            domain=_text(data, "domain"),
            document_outline=_text(data, "document_outline"),
            seed_examples=[KnowledgeSeed.from_dict(s) for s in _items(data, "seed_examples")],
            document=DocumentRef.from_dict(data.get("document") or {}),
        )


Entry = SkillEntry | KnowledgeEntry


def entry_from_dict(data: Mapping[str, Any]) -> Entry:
    """Rebuild a stored entry, choosing the class by its ``kind`` key."""
    data = _mapping(data, "an entry")
    kind = data.get("kind")
    if kind == SkillEntry.KIND:
        return SkillEntry.from_dict(data)
    if kind == KnowledgeEntry.KIND:
        return KnowledgeEntry.from_dict(data)
    raise ValueError(f"unknown entry kind {kind!r}; expected 'skill' or 'knowledge'")


@dataclass(frozen=True)
class Attribution:
    """The contents of ``attribution.txt``: where the material comes from and its licence."""

    title: str = ""
    link: str = ""
    revision: str = ""
    license: str = ""
    creators: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "link": self.link,
            "revision": self.revision,
            "license": self.license,
            "creators": self.creators,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attribution:
        data = _mapping(data, "an attribution")
        return cls(
            title=_text(data, "title"),
            link=_text(data, "link"),
            revision=_text(data, "revision"),
            license=_text(data, "license"),
            creators=_text(data, "creators"),
        )
