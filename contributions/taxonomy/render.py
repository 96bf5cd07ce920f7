"""Render entries to ``qna.yaml`` and ``attribution.txt``, byte for byte deterministic.

The writer is our own rather than ``yaml.dump`` because the output has to satisfy
strict yamllint (no trailing spaces, at most two blank lines, consistent indentation)
and read like a hand-written upstream file: keys in the order upstream's template uses,
two-space indentation with indented lists, multi-line text as ``|`` block scalars.
Each string picks the plainest YAML style that reads back as exactly the same string;
anything a block scalar cannot carry faithfully falls back to a double-quoted scalar.
"""

from __future__ import annotations

import re

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .entries import Attribution, Entry, KnowledgeEntry, KnowledgeSeed, SkillEntry, SkillSeed

__all__ = ["ATTRIBUTION_LABELS", "render_attribution", "render_qna"]

QNA_VERSION = 3
_INDENT = 2

# Characters that may appear as themselves in a scalar. YAML forbids C0/C1 controls and
# reads NEL, LS and PS as line breaks; a BOM is invisible. Anything else needs an escape.
_PRINTABLE = "\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_NOT_INLINE = re.compile(f"[^{_PRINTABLE}]")
# Block scalar content may also hold newlines.
_NOT_IN_BLOCK = re.compile(f"[^\n{_PRINTABLE}]")
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = Resolver()

_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}

# attribution.txt line labels, in the order the taxonomy README gives them.
ATTRIBUTION_LABELS: tuple[tuple[str, str], ...] = (
    ("title", "Title of work"),
    ("link", "Link to work"),
    ("revision", "Revision"),
    ("license", "License of the work"),
    ("creators", "Creator names"),
)


def _plain_ok(text: str) -> bool:
    """True when ``text`` can be written unquoted and reads back as the same string."""
    if not text or text != text.strip(" ") or "\t" in text or _NOT_INLINE.search(text):
        return False
    if text[0] in _INDICATORS or text.startswith("..."):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    # "yes", "3", "2024-01-01", "null", "~" would load as something other than text.
    return _RESOLVER.resolve(ScalarNode, text, (True, False)) == _STR_TAG


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _double_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif _NOT_INLINE.match(char):
            code = ord(char)
            if code <= 0xFF:
                out.append(f"\\x{code:02X}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04X}")
            else:
                out.append(f"\\U{code:08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _block_lines(text: str) -> list[str] | None:
    """The lines of a ``|`` block scalar for ``text``, or None if one cannot carry it.

    A block scalar cannot show trailing spaces (strict yamllint also forbids them), more
    than two blank lines in a row (yamllint's empty-lines), a trailing blank line (it
    would need ``|+``) or characters that must be escaped.
    """
    if _NOT_IN_BLOCK.search(text):
        return None
    body = text[:-1] if text.endswith("\n") else text
    if body.endswith("\n") or body == "":
        return None
    lines = body.split("\n")
    blank_run = 0
    for line in lines:
        if line:
            blank_run = 0
            if line[-1] in " \t":
                return None
        else:
            blank_run += 1
            if blank_run > 2:
                return None
    return lines


def _scalar(head: str, text: str, key_column: int) -> list[str]:
    """Lines for ``head`` (``"  key:"`` or ``"  -"``) followed by ``text``."""
    if "\n" in text:
        lines = _block_lines(text) if key_column >= 0 else None
        if lines is not None:
            first = next(line for line in lines if line)
            # A leading space on the first line would be taken as indentation: say how much.
            indicator = str(_INDENT) if first[0] == " " else ""
            chomping = "" if text.endswith("\n") else "-"
            pad = " " * (key_column + _INDENT)
            return [f"{head} |{indicator}{chomping}"] + [
                pad + line if line else "" for line in lines
            ]
        return [f"{head} {_double_quoted(text)}"]
    if _plain_ok(text):
        return [f"{head} {text}"]
    if not _NOT_INLINE.search(text) and "\t" not in text:
        return [f"{head} {_single_quoted(text)}"]
    return [f"{head} {_double_quoted(text)}"]


class _Writer:
    """Accumulates lines of a block-style YAML document."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    @staticmethod
    def _head(column: int, key: str, first_in_item: bool) -> str:
        if first_in_item:
            return " " * (column - _INDENT) + "- " + key + ":"
        return " " * column + key + ":"

    def text(self, column: int, key: str, value: str, *, first_in_item: bool = False) -> None:
        self.lines += _scalar(self._head(column, key, first_in_item), value, column)

    def number(self, column: int, key: str, value: int) -> None:
        self.lines.append(" " * column + f"{key}: {value}")

    def open(self, column: int, key: str, items: int, *, first_in_item: bool = False) -> bool:
        """Start a nested block under ``key``; an empty list is written inline as ``[]``."""
        head = self._head(column, key, first_in_item)
        if items == 0:
            self.lines.append(head + " []")
            return False
        self.lines.append(head)
        return True

    def text_items(self, column: int, values: tuple[str, ...]) -> None:
        # List items are never block scalars: -1 forces quoting for multi-line values.
        for value in values:
            self.lines += _scalar(" " * column + "-", value, -1)

    def result(self) -> str:
        return "\n".join(self.lines) + "\n"


def _skill_seed(out: _Writer, column: int, seed: SkillSeed) -> None:
    fields = [("question", seed.question), ("answer", seed.answer)]
    if seed.context is not None:
        fields.insert(0, ("context", seed.context))
    for i, (key, value) in enumerate(fields):
        out.text(column, key, value, first_in_item=i == 0)


def _knowledge_seed(out: _Writer, column: int, seed: KnowledgeSeed) -> None:
    out.text(column, "context", seed.context, first_in_item=True)
    qa_column = column + 2 * _INDENT
    if out.open(column, "questions_and_answers", len(seed.questions_and_answers)):
        for qa in seed.questions_and_answers:
            out.text(qa_column, "question", qa.question, first_in_item=True)
            out.text(qa_column, "answer", qa.answer)


def render_qna(entry: Entry) -> str:
    """Render an entry as a version-3 ``qna.yaml`` (LF, final newline, no anchors)."""
    out = _Writer()
    seed_column = 2 * _INDENT
    out.text(0, "created_by", entry.created_by)
    out.number(0, "version", QNA_VERSION)
    if isinstance(entry, SkillEntry):
        out.text(0, "task_description", entry.task_description)
        if out.open(0, "seed_examples", len(entry.seed_examples)):
            for skill_seed in entry.seed_examples:
                _skill_seed(out, seed_column, skill_seed)
    elif isinstance(entry, KnowledgeEntry):
        out.text(0, "domain", entry.domain)
        out.text(0, "document_outline", entry.document_outline)
        if out.open(0, "seed_examples", len(entry.seed_examples)):
            for knowledge_seed in entry.seed_examples:
                _knowledge_seed(out, seed_column, knowledge_seed)
        out.lines.append("document:")
        out.text(_INDENT, "repo", entry.document.repo)
        out.text(_INDENT, "commit", entry.document.commit)
        if out.open(_INDENT, "patterns", len(entry.document.patterns)):
            out.text_items(2 * _INDENT, entry.document.patterns)
    else:
        raise TypeError(
            f"cannot render {type(entry).__name__}; expected a skill or knowledge entry"
        )
    return out.result()


def _one_line(value: str) -> str:
    # attribution.txt is line-based: fold any line breaks and runs of spaces.
    return " ".join(value.split())


def render_attribution(attribution: Attribution) -> str:
    """Render ``attribution.txt`` in the taxonomy README's format, one field per line."""
    lines = []
    for field_name, label in ATTRIBUTION_LABELS:
        value = _one_line(getattr(attribution, field_name))
        lines.append(f"{label}: {value}" if value else f"{label}:")
    return "\n".join(lines) + "\n"
