"""Which field of an entry a line of its qna.yaml belongs to (for maintainers' line comments)."""

from __future__ import annotations

from yaml.reader import ReaderError

from .issues import Location
from .yamlread import NodeIndex, load_tokens, scan


def field_at_line(qna_yaml: str, line: int) -> Location | None:
    """The field (seed example, Q&A, key) that 1-based ``line`` of ``qna_yaml`` is part of.

    None when the text does not parse or the line is outside it.
    """
    if line < 1 or line > len(qna_yaml.splitlines()):
        return None
    try:
        loaded = load_tokens(scan(qna_yaml))
    except ReaderError:
        return None
    if loaded.node is None:
        return None
    index = NodeIndex(loaded.node)
    path = index.path_at_line(line)
    if not path:
        return None
    return index.locate(path)
