"""Import an existing qna.yaml (and attribution.txt) into an entry, safely.

Untrusted input is bounded before it is read: a size cap, then a token scan that stops
at the first anchor or alias, so an alias bomb is refused before anything composes or
expands it. Only then is the text parsed (one document, a mapping, no duplicate keys).
Refusals raise TaxonomyImportError with a message meant for the contributor; anything
imported but adjusted (a dropped key, a number turned into text) is an import issue.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from yaml import nodes as yaml_nodes
from yaml.error import MarkedYAMLError, YAMLError
from yaml.reader import ReaderError

from .attribution import parse_attribution
from .entries import (
    Attribution,
    DocumentRef,
    Entry,
    KnowledgeEntry,
    KnowledgeSeed,
    QAPair,
    SkillEntry,
    SkillSeed,
)
from .issues import Issue, Severity, Source, issue
from .paths import schema_name_for
from .policy import DEFAULT_POLICY, TaxonomyPolicy
from .yamlread import (
    NodeIndex,
    construct,
    duplicate_keys,
    load_tokens,
    scan,
    utf8_size_exceeds,
    yaml_path_text,
)

__all__ = ["ImportResult", "TaxonomyImportError", "import_qna"]


class TaxonomyImportError(ValueError):
    """The file cannot be imported; ``str(error)`` explains why in plain words."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class ImportResult:
    """The imported entry, its attribution (None without attribution.txt), and notes."""

    entry: Entry
    attribution: Attribution | None
    issues: tuple[Issue, ...] = ()


def _kilobytes(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 1024 else f"{size} bytes"


def _decode(data: bytes | str, policy: TaxonomyPolicy) -> str:
    size = utf8_size_exceeds(data, policy.max_file_bytes)
    if size is not None:
        raise TaxonomyImportError(
            f"The file is {_kilobytes(size)}; the portal imports qna.yaml files up to "
            f"{_kilobytes(policy.max_file_bytes)}."
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise TaxonomyImportError(
                f"The file is not UTF-8 text (line {line}). Save it as UTF-8 and try again.",
                line=line,
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _where(error: MarkedYAMLError) -> tuple[str, int | None]:
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return "", None
    return f" (line {mark.line + 1}, column {mark.column + 1})", mark.line + 1


def _parse(text: str, policy: TaxonomyPolicy) -> tuple[Any, yaml_nodes.Node]:
    """Parse untrusted text into data, refusing anything the portal will not accept."""
    try:
        scanned = scan(text, stop_at_anchor=True, max_tokens=policy.max_yaml_tokens + 1)
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise TaxonomyImportError(
            f"The file contains a character YAML does not allow (U+{exc.character:04X}) "
            f"on line {line}.",
            line=line,
        ) from None
    if scanned.too_many_tokens:
        raise TaxonomyImportError(
            f"The file has more than {policy.max_yaml_tokens:,} YAML elements, far more than "
            "a qna.yaml needs."
        )
    if scanned.first_anchor is not None:
        line = scanned.first_anchor.start_mark.line + 1
        raise TaxonomyImportError(
            f"The file uses YAML anchors or aliases (&name / *name) on line {line}. "
            "The portal does not accept them: write each value out in full.",
            line=line,
        )
    loaded = load_tokens(scanned)
    if loaded.syntax_error is not None:
        where, line = _where(loaded.syntax_error)
        problem = loaded.syntax_error.problem or "it cannot be read"
        raise TaxonomyImportError(f"The file is not valid YAML: {problem}{where}.", line=line)
    if isinstance(loaded.compose_error, RecursionError):
        raise TaxonomyImportError("The file is nested too deeply to be a qna.yaml.")
    if loaded.compose_error is not None:
        where, line = _where(loaded.compose_error)
        if "single document" in str(loaded.compose_error):
            raise TaxonomyImportError(
                f"The file holds more than one YAML document{where}; a qna.yaml has exactly one.",
                line=line,
            )
        raise TaxonomyImportError(f"The file cannot be read as YAML{where}.", line=line)
    node = loaded.node
    if node is None:
        raise TaxonomyImportError("The file is empty.")
    if not isinstance(node, yaml_nodes.MappingNode):
        raise TaxonomyImportError(
            "The top level of the file must be keys and values (like 'version: 3'), "
            "not a list or a single value."
        )
    duplicates = duplicate_keys(node)
    if duplicates:
        dup = duplicates[0]
        raise TaxonomyImportError(
            f"The key {dup.key!r} appears twice (lines {dup.first_line} and {dup.line}); "
            "keep only one.",
            line=dup.line,
        )
    try:
        return construct(node), node
    except (YAMLError, RecursionError) as exc:
        where, line = _where(exc) if isinstance(exc, MarkedYAMLError) else ("", None)
        raise TaxonomyImportError(
            f"A value in the file cannot be read{where}.", line=line
        ) from None


class _Builder:
    """Turns loaded data into an entry, noting every adjustment as an import issue."""

    def __init__(self, index: NodeIndex) -> None:
        self.index = index
        self.issues: list[Issue] = []

    def note(self, rule: str, message: str, path: tuple[Any, ...]) -> None:
        self.issues.append(
            Issue(Severity.WARNING, Source.PORTAL, rule, message, self.index.locate(path))
        )

    def text(self, mapping: Mapping[str, Any], key: str, path: tuple[Any, ...]) -> str:
        value = mapping.get(key)
        here = (*path, key)
        if isinstance(value, str):
            return value
        if value is None:
            return ""
        if isinstance(value, bool | int | float | datetime.date):
            converted = value.isoformat() if isinstance(value, datetime.date) else str(value)
            self.note(
                "import.converted",
                f"{key!r} was {converted!r} written as a {type(value).__name__}; "
                "it was imported as text.",
                here,
            )
            return converted
        raise TaxonomyImportError(
            f"{key!r} at {yaml_path_text(here)} must be text, not a {type(value).__name__}.",
            line=self._line(here),
        )

    def items(self, mapping: Mapping[str, Any], key: str, path: tuple[Any, ...]) -> list[Any]:
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise TaxonomyImportError(
                f"{key!r} at {yaml_path_text((*path, key))} must be a list.",
                line=self._line((*path, key)),
            )
        return value

    def mapping(self, value: Any, path: tuple[Any, ...], what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise TaxonomyImportError(
                f"{what} at {yaml_path_text(path)} must be a set of keys and values.",
                line=self._line(path),
            )
        return value

    def extra_keys(
        self, mapping: Mapping[str, Any], known: set[str], path: tuple[Any, ...]
    ) -> None:
        for key in mapping:
            if key not in known:
                self.note(
                    "import.dropped-key",
                    f"The key {key!r} is not part of a version-3 entry and was not imported.",
                    (*path, key),
                )

    def _line(self, path: tuple[Any, ...]) -> int | None:
        mark = self.index.mark(path)
        return mark[0] if mark else None

    def skill(self, data: Mapping[str, Any]) -> SkillEntry:
        self.extra_keys(data, {"version", "created_by", "task_description", "seed_examples"}, ())
        seeds = []
        for i, raw in enumerate(self.items(data, "seed_examples", ())):
            path = ("seed_examples", i)
            seed = self.mapping(raw, path, "A seed example")
            self.extra_keys(seed, {"context", "question", "answer"}, path)
            context = self.text(seed, "context", path) if "context" in seed else None
            seeds.append(
                SkillSeed(
                    question=self.text(seed, "question", path),
                    answer=self.text(seed, "answer", path),
                    context=context,
                )
            )
        return SkillEntry(
            created_by=self.text(data, "created_by", ()),
            task_description=self.text(data, "task_description", ()),
            seed_examples=seeds,
        )

    def knowledge(self, data: Mapping[str, Any]) -> KnowledgeEntry:
        known = {"version", "created_by", "domain", "document_outline", "seed_examples", "document"}
        self.extra_keys(data, known, ())
        seeds = []
        for i, raw in enumerate(self.items(data, "seed_examples", ())):
            path = ("seed_examples", i)
            seed = self.mapping(raw, path, "A seed example")
            self.extra_keys(seed, {"context", "questions_and_answers"}, path)
            pairs = []
            for j, raw_qa in enumerate(self.items(seed, "questions_and_answers", path)):
                qa_path = (*path, "questions_and_answers", j)
                qa = self.mapping(raw_qa, qa_path, "A question and answer")
                self.extra_keys(qa, {"question", "answer"}, qa_path)
                pairs.append(
                    QAPair(
                        question=self.text(qa, "question", qa_path),
                        answer=self.text(qa, "answer", qa_path),
                    )
                )
            seeds.append(
                KnowledgeSeed(context=self.text(seed, "context", path), questions_and_answers=pairs)
            )
        document = DocumentRef()
        if data.get("document") is not None:
            doc_path = ("document",)
            doc = self.mapping(data["document"], doc_path, "'document'")
            self.extra_keys(doc, {"repo", "commit", "patterns"}, doc_path)
            patterns = []
            for k, pattern in enumerate(self.items(doc, "patterns", doc_path)):
                patterns.append(
                    self.text({"pattern": pattern}, "pattern", (*doc_path, "patterns", k))
                )
            document = DocumentRef(
                repo=self.text(doc, "repo", doc_path),
                commit=self.text(doc, "commit", doc_path),
                patterns=patterns,
            )
        return KnowledgeEntry(
            created_by=self.text(data, "created_by", ()),
            domain=self.text(data, "domain", ()),
            document_outline=self.text(data, "document_outline", ()),
            seed_examples=seeds,
            document=document,
        )


def _looks_like_knowledge(data: Mapping[str, Any]) -> bool:
    if any(key in data for key in ("document", "domain", "document_outline")):
        return True
    seeds = data.get("seed_examples")
    return isinstance(seeds, list) and any(
        isinstance(s, Mapping) and "questions_and_answers" in s for s in seeds
    )


def import_qna(
    data: bytes | str,
    *,
    attribution_text: str | bytes | None = None,
    path: str | PurePath | None = None,
    policy: TaxonomyPolicy | None = None,
) -> ImportResult:
    """Import qna.yaml content (and optionally attribution.txt) into an entry.

    ``path``, when given, decides skill or knowledge by folder as CI does; otherwise the
    content decides. Raises TaxonomyImportError when the file is refused.
    """
    policy = policy or DEFAULT_POLICY
    contents, node = _parse(_decode(data, policy), policy)
    builder = _Builder(NodeIndex(node))
    if path is not None:
        knowledge = schema_name_for(path, contents) == "knowledge"
    else:
        knowledge = _looks_like_knowledge(contents)
    entry: Entry = builder.knowledge(contents) if knowledge else builder.skill(contents)

    version = contents.get("version")
    if not (type(version) is int and version == 3):
        builder.issues.insert(
            0,
            issue(
                Severity.WARNING,
                Source.PORTAL,
                "import.version",
                f"The file declared version {version!r}; the portal writes version 3.",
                field="version",
            ),
        )

    attribution = None
    if attribution_text is not None:
        parsed = parse_attribution(attribution_text)
        attribution = parsed.attribution
        for number, line in parsed.unknown_lines:
            builder.issues.append(
                issue(
                    Severity.WARNING,
                    Source.PORTAL,
                    "attribution.unknown-line",
                    f"This attribution line was not understood and was left out: {line[:80]!r}.",
                    line=number,
                    path="attribution.txt",
                )
            )
    return ImportResult(entry=entry, attribution=attribution, issues=tuple(builder.issues))
