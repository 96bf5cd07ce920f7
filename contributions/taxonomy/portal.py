"""Portal policy on a file's content: stricter than CI so PRs are clean and usable.

These rules only look at data that has the expected shape; malformed parts are left to
the schema, which already reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .issues import Issue, Severity, Source
from .policy import TaxonomyPolicy
from .words import count_words
from .yamlread import NodeIndex, iter_strings

__all__ = ["content_issues", "is_https_url"]

_SHA = re.compile(r"[0-9a-fA-F]{40}")
_DOC_EXTENSIONS = (".md", ".pdf")
_QA_KEYS = frozenset({"question", "answer"})


def is_https_url(value: str) -> bool:
    """An https URL with a host and no credentials (so anyone can clone it)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc


def _same(text: str) -> str:
    # Duplicates differ only in spacing or case more often than not.
    return " ".join(text.split()).casefold()


class _Checker:
    def __init__(self, index: NodeIndex, policy: TaxonomyPolicy) -> None:
        self.index = index
        self.policy = policy
        self.found: list[Issue] = []

    def add(
        self,
        severity: Severity,
        rule: str,
        message: str,
        path: tuple[Any, ...],
        *,
        field: str | None = None,
    ) -> None:
        self.found.append(
            Issue(severity, Source.PORTAL, rule, message, self.index.locate(path, field=field))
        )

    def error(self, rule: str, message: str, path: tuple[Any, ...], **kw: Any) -> None:
        self.add(Severity.ERROR, rule, message, path, **kw)

    def warning(self, rule: str, message: str, path: tuple[Any, ...], **kw: Any) -> None:
        self.add(Severity.WARNING, rule, message, path, **kw)


def _seeds(data: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    seeds = data.get("seed_examples")
    if isinstance(seeds, list):
        for i, seed in enumerate(seeds):
            if isinstance(seed, Mapping):
                yield i, seed


def _qas(seed: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    qas = seed.get("questions_and_answers")
    if isinstance(qas, list):
        for j, qa in enumerate(qas):
            if isinstance(qa, Mapping):
                yield j, qa


def _text(mapping: Mapping[str, Any], key: str) -> str:
    value = mapping.get(key)
    return value if isinstance(value, str) else ""


def _check_version(check: _Checker, data: Mapping[str, Any]) -> None:
    version = data.get("version")
    # 3.0 passes the schema (it equals 3) but is not what anyone should write.
    if isinstance(version, float) and version == 3:
        check.error("version.integer", "Write the version as 3, not 3.0.", ("version",))


def _check_document(check: _Checker, data: Mapping[str, Any]) -> None:
    document = data.get("document")
    if not isinstance(document, Mapping):
        return
    repo = document.get("repo")
    if isinstance(repo, str) and repo and not is_https_url(repo):
        check.error(
            "document.repo-https",
            f"The document repository must be an https URL anyone can clone, not {repo!r}.",
            ("document", "repo"),
        )
    commit = document.get("commit")
    if isinstance(commit, str) and commit and not _SHA.fullmatch(commit):
        check.error(
            "document.commit-sha",
            f"The commit must be the full 40-character SHA, not {commit!r} "
            f"({len(commit)} characters).",
            ("document", "commit"),
        )
    patterns = document.get("patterns")
    if not isinstance(patterns, list):
        return
    for i, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern:
            continue
        path = ("document", "patterns", i)
        if pattern.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", pattern):
            check.error(
                "document.pattern-relative",
                f"The pattern {pattern!r} must be relative to the repository root.",
                path,
            )
        if ".." in PurePosixPath(pattern.replace("\\", "/")).parts:
            check.error(
                "document.pattern-parent",
                f"The pattern {pattern!r} must not go up a folder with '..'.",
                path,
            )
        if not pattern.endswith(_DOC_EXTENSIONS):
            check.error(
                "document.pattern-extension",
                f"The pattern {pattern!r} must end in .md or .pdf: ilab reads only those.",
                path,
            )


def _check_blank_text(check: _Checker, data: Mapping[str, Any]) -> None:
    for path, value in iter_strings(data):
        if value and not value.strip():
            check.error("content.blank-text", "This text contains only spaces.", path)


def _check_knowledge(check: _Checker, data: Mapping[str, Any]) -> None:
    policy = check.policy
    contexts: dict[str, int] = {}
    questions: dict[str, tuple[int, int]] = {}
    for i, seed in _seeds(data):
        context = _text(seed, "context")
        if context.strip():
            first = contexts.setdefault(_same(context), i)
            if first != i:
                check.error(
                    "content.duplicate-context",
                    f"This context repeats seed example {first + 1}; each needs its own.",
                    ("seed_examples", i, "context"),
                )
        words = context_words = count_words(context)
        if context_words > policy.max_context_words:
            check.warning(
                "words.context",
                f"This context has {context_words} words; keep it to "
                f"{policy.max_context_words} or fewer.",
                ("seed_examples", i, "context"),
            )
        for j, qa in _qas(seed):
            qa_path = ("seed_examples", i, "questions_and_answers", j)
            for key in sorted(set(qa) - _QA_KEYS, key=str):
                check.error(
                    "content.unknown-key",
                    f"Unknown key {key!r}: a Q&A has only 'question' and 'answer'.",
                    (*qa_path, key),
                )
            question = _text(qa, "question")
            if question.strip():
                first_qa = questions.setdefault(_same(question), (i, j))
                if first_qa != (i, j):
                    check.error(
                        "content.duplicate-question",
                        f"This question repeats seed example {first_qa[0] + 1}, "
                        f"Q&A {first_qa[1] + 1}.",
                        (*qa_path, "question"),
                    )
            for key, rule in (("question", "words.question"), ("answer", "words.answer")):
                n = count_words(_text(qa, key))
                words += n
                if n > policy.max_qa_words:
                    check.warning(
                        rule,
                        f"This {key} has {n} words; keep it to {policy.max_qa_words} or fewer.",
                        (*qa_path, key),
                    )
        if words > policy.max_seed_words:
            check.error(
                "words.seed",
                f"This seed example has {words} words (context and Q&A together); "
                f"the limit is {policy.max_seed_words}.",
                ("seed_examples", i),
            )


def _check_skill(check: _Checker, data: Mapping[str, Any]) -> None:
    # Grounded skills legitimately reuse a context with different questions, so a
    # question must be unique for its context rather than across the file.
    pairs: dict[tuple[str, str], int] = {}
    total = 0
    for i, seed in _seeds(data):
        question = _text(seed, "question")
        if question.strip():
            first = pairs.setdefault((_same(_text(seed, "context")), _same(question)), i)
            if first != i:
                check.error(
                    "content.duplicate-question",
                    f"This question repeats seed example {first + 1} with the same context.",
                    ("seed_examples", i, "question"),
                )
        total += sum(count_words(_text(seed, k)) for k in ("context", "question", "answer"))
    if total > check.policy.max_skill_words:
        check.warning(
            "words.skill",
            f"The seed examples have {total} words in total; the taxonomy README suggests "
            f"at most {check.policy.max_skill_words}.",
            ("seed_examples",),
        )


def content_issues(
    data: Mapping[str, Any], *, kind: str, index: NodeIndex, policy: TaxonomyPolicy
) -> list[Issue]:
    """Portal rules on loaded qna.yaml data; ``kind`` is the schema name in use."""
    check = _Checker(index, policy)
    _check_version(check, data)
    _check_blank_text(check, data)
    if kind == "knowledge":
        _check_document(check, data)
        _check_knowledge(check, data)
    else:
        _check_skill(check, data)
    return check.found
