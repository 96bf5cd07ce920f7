"""Reading YAML once, the way the taxonomy CI reads it, with the safety the portal needs.

The CI runs PyYAML's pure-Python ``safe_load`` and, separately, yamllint (which scans the
text again, twice). Scanning dominates the cost, so here the text is scanned once and the
recorded tokens are replayed into PyYAML's own Parser, Composer and SafeConstructor:
the same classes, fed the same tokens, so the data and errors are the ones CI would get.
Having the tokens first also lets us see anchors and aliases before anything is composed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from yaml import events as yaml_events
from yaml import nodes as yaml_nodes
from yaml import tokens as yaml_tokens
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .issues import Location

__all__ = [
    "DuplicateKey",
    "Loaded",
    "NodeIndex",
    "ScanResult",
    "construct",
    "decode_like_ci",
    "duplicate_keys",
    "expanded_size",
    "iter_strings",
    "load_tokens",
    "location_for",
    "scan",
    "utf8_size_exceeds",
    "yaml_path_text",
]

_ANCHOR_TOKENS = (yaml_tokens.AnchorToken, yaml_tokens.AliasToken)


def utf8_size_exceeds(data: bytes | str, limit: int) -> int | None:
    """The UTF-8 size of ``data`` when it is over ``limit``, else None.

    A character takes 1 to 4 bytes, so huge text is refused without encoding a copy.
    """
    if isinstance(data, bytes):
        return len(data) if len(data) > limit else None
    if len(data) > limit:
        return len(data)  # at least this many bytes; enough to refuse
    if 4 * len(data) <= limit:
        return None
    size = len(data.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def decode_like_ci(data: bytes | str) -> str:
    """Return the text CI's ``Path.read_text(encoding="utf-8")`` would see.

    Strict UTF-8 (raises UnicodeDecodeError), universal newlines, a byte-order mark kept
    (PyYAML and yamllint skip it themselves). Text given as str gets the same newline
    treatment because that is what writing it to a file and reading it back does.
    """
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# Characters that move Reader.forward to a new line, or that it does not count as a column.
_LINE_EFFECT = re.compile("[\n\r\x85\u2028\u2029\ufeff]")
_BREAKS = "\n\x85\u2028\u2029"


class _Scanning(Reader, Scanner):
    """PyYAML's reader and scanner only: text in, tokens out."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)

    def forward(self, length: int = 1) -> None:
        """Reader.forward with the same effect, without a Python step per character.

        Reader.forward is the scanner's hottest function: it walks character by character to
        track line and column. For text given as str (the whole buffer is in memory) a run
        without line breaks or BOMs only moves the column, which is plain arithmetic.
        """
        buffer = self.buffer
        pointer = self.pointer
        if length == 1:
            char = buffer[pointer]
            self.pointer = pointer + 1
            self.index += 1
            if char in _BREAKS or (char == "\r" and buffer[pointer + 1] != "\n"):
                self.line += 1
                self.column = 0
            elif char != "\ufeff":
                self.column += 1
        elif _LINE_EFFECT.search(buffer, pointer, pointer + length) is None:
            self.pointer = pointer + length
            self.index += length
            self.column += length
        else:
            Reader.forward(self, length)


@dataclass
class ScanResult:
    """All tokens of a text, the scanner error that ended it early (if any), anchors seen."""

    tokens: list[yaml_tokens.Token]
    error: MarkedYAMLError | None = None
    first_anchor: yaml_tokens.Token | None = None
    has_alias: bool = False
    too_many_tokens: bool = False


def scan(text: str, *, stop_at_anchor: bool = False, max_tokens: int | None = None) -> ScanResult:
    """Scan ``text`` with PyYAML's pure-Python scanner.

    Raises ``yaml.reader.ReaderError`` at once for characters YAML forbids. With
    ``stop_at_anchor`` the scan ends at the first anchor or alias, before anything could
    expand it (the importer refuses such files); with ``max_tokens`` it ends (setting
    ``too_many_tokens``) once the text proves too complex to be a qna.yaml.
    """
    scanner = _Scanning(text)
    result = ScanResult(tokens=[])
    append = result.tokens.append
    limit = max_tokens if max_tokens is not None else -1
    try:
        while True:
            token = scanner.get_token()
            if token is None:
                break
            append(token)
            if len(result.tokens) == limit:
                result.too_many_tokens = True
                break
            if isinstance(token, _ANCHOR_TOKENS):
                if result.first_anchor is None:
                    result.first_anchor = token
                if isinstance(token, yaml_tokens.AliasToken):
                    result.has_alias = True
                if stop_at_anchor:
                    break
    except MarkedYAMLError as exc:
        result.error = exc
    return result


class _Replay:
    """Serves recorded items through PyYAML's check/peek/get protocol, then the error."""

    def _replay_init(self, items: Sequence[Any], error: BaseException | None) -> None:
        self._items = items
        self._pos = 0
        self._error = error

    # The parser calls these hundreds of thousands of times: keep the common path short.
    def _exhausted(self) -> None:
        if self._error is not None:
            raise self._error

    def _check(self, *choices: type) -> bool:
        if self._pos < len(self._items):
            return not choices or isinstance(self._items[self._pos], choices)
        self._exhausted()
        return False

    def _peek(self) -> Any:
        if self._pos < len(self._items):
            return self._items[self._pos]
        self._exhausted()
        return None

    def _get(self) -> Any:
        pos = self._pos
        if pos < len(self._items):
            self._pos = pos + 1
            return self._items[pos]
        self._exhausted()
        return None


class _TokenParser(_Replay, Parser):
    """PyYAML's Parser reading recorded tokens instead of a live scanner."""

    def __init__(self, scanned: ScanResult) -> None:
        self._replay_init(scanned.tokens, scanned.error)
        Parser.__init__(self)

    check_token = _Replay._check
    peek_token = _Replay._peek
    get_token = _Replay._get


class _EventComposer(_Replay, Composer, Resolver):
    """PyYAML's Composer (with SafeLoader's resolver) reading recorded events."""

    def __init__(self, events: list[yaml_events.Event], error: BaseException | None) -> None:
        self._replay_init(events, error)
        Composer.__init__(self)
        Resolver.__init__(self)

    check_event = _Replay._check
    peek_event = _Replay._peek
    get_event = _Replay._get


@dataclass
class Loaded:
    """The outcome of composing a scanned text.

    ``syntax_error`` is what yamllint reports as a syntax error (parsing events only);
    ``compose_error`` is a further failure of ``yaml.safe_load`` (a second document, an
    undefined alias, too deep nesting). ``node`` is the composed document or None.
    """

    node: yaml_nodes.Node | None = None
    syntax_error: MarkedYAMLError | None = None
    compose_error: YAMLError | RecursionError | None = None
    events: list[yaml_events.Event] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.syntax_error is None and self.compose_error is None


def load_tokens(scanned: ScanResult) -> Loaded:
    """Parse recorded tokens into events and compose them into one document node."""
    parser = _TokenParser(scanned)
    loaded = Loaded()
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            loaded.events.append(event)
    except MarkedYAMLError as exc:
        loaded.syntax_error = exc
    composer = _EventComposer(loaded.events, loaded.syntax_error)
    try:
        loaded.node = composer.get_single_node()
    except MarkedYAMLError as exc:
        if exc is not loaded.syntax_error:
            loaded.compose_error = exc
    except RecursionError as exc:
        # PyYAML composes recursively; CI crashes the same way on absurd nesting.
        loaded.compose_error = exc
    return loaded


def construct(node: yaml_nodes.Node | None) -> Any:
    """Build Python data from a node exactly as ``yaml.safe_load`` does."""
    if node is None:
        return None
    return SafeConstructor().construct_document(node)


def expanded_size(root: yaml_nodes.Node, limit: int) -> int | None:
    """Count the nodes the document has once aliases are expanded, without expanding.

    Aliases share node objects, so sizes are memoised per node. Returns None when the
    count exceeds ``limit`` or a node contains itself (expansion would never end).
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml_nodes.Node) -> int | None:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in in_progress:
            return None
        if isinstance(node, yaml_nodes.ScalarNode):
            return 1
        in_progress.add(key)
        total = 1
        children: list[yaml_nodes.Node] = []
        if isinstance(node, yaml_nodes.MappingNode):
            for key_node, value_node in node.value:
                children += (key_node, value_node)
        else:
            children = list(node.value)
        for child in children:
            child_size = size(child)
            if child_size is None:
                return None
            total += child_size
            if total > limit:
                return None
        in_progress.discard(key)
        sizes[key] = total
        return total

    return size(root)


@dataclass(frozen=True)
class DuplicateKey:
    key: str
    first_line: int
    line: int
    path: tuple[Any, ...]


def duplicate_keys(root: yaml_nodes.Node | None) -> list[DuplicateKey]:
    """Mapping keys written twice (``safe_load`` silently keeps the last one)."""
    found: list[DuplicateKey] = []
    seen_nodes: set[int] = set()

    def walk(node: yaml_nodes.Node, path: tuple[Any, ...]) -> None:
        if id(node) in seen_nodes:
            return
        seen_nodes.add(id(node))
        if isinstance(node, yaml_nodes.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml_nodes.ScalarNode):
                    line = key_node.start_mark.line + 1
                    if key_node.value in first:
                        found.append(
                            DuplicateKey(key_node.value, first[key_node.value], line, path)
                        )
                    else:
                        first[key_node.value] = line
                    walk(value_node, (*path, key_node.value))
        elif isinstance(node, yaml_nodes.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    if root is not None:
        walk(root, ())
    return found


class NodeIndex:
    """Maps YAML paths (``("seed_examples", 0, "context")``) to source lines.

    A mapping value is located at its key (the line a person looks for); a list item at
    its dash.
    """

    def __init__(self, root: yaml_nodes.Node | None) -> None:
        self._marks: dict[tuple[Any, ...], tuple[int, int]] = {}
        if root is not None:
            self._marks[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
            self._walk(root, (), set())

    def _walk(self, node: yaml_nodes.Node, path: tuple[Any, ...], seen: set[int]) -> None:
        if id(node) in seen:  # an alias: index the first occurrence only
            return
        seen.add(id(node))
        if isinstance(node, yaml_nodes.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml_nodes.ScalarNode):
                    child = (*path, key_node.value)
                    mark = key_node.start_mark
                    self._marks.setdefault(child, (mark.line + 1, mark.column + 1))
                    self._walk(value_node, child, seen)
        elif isinstance(node, yaml_nodes.SequenceNode):
            for i, item in enumerate(node.value):
                child = (*path, i)
                mark = item.start_mark
                # Block sequence items start after "- "; point at the dash.
                self._marks.setdefault(child, (mark.line + 1, max(mark.column - 1, 1)))
                self._walk(item, child, seen)

    def mark(self, path: Sequence[Any]) -> tuple[int, int] | None:
        """Line and column of the nearest located ancestor of ``path``."""
        key = tuple(path)
        while key not in self._marks and key:
            key = key[:-1]
        return self._marks.get(key)

    def path_at_line(self, line: int) -> tuple[Any, ...] | None:
        """The deepest path whose text holds 1-based ``line`` (a value runs to the next key)."""
        best: tuple[int, int, tuple[Any, ...]] | None = None
        for path, (start, _) in self._marks.items():
            if start <= line and (best is None or (start, len(path)) > best[:2]):
                best = (start, len(path), path)
        return best[2] if best is not None else None

    def locate(self, path: Sequence[Any], *, field: str | None = None) -> Location:
        """A Location for a YAML path, naming seed/Q&A numbers (1-based) and the field."""
        mark = self.mark(path)
        return location_for(path, field=field, mark=mark)


def yaml_path_text(path: Sequence[Any]) -> str:
    """Format a path the way the taxonomy CI prints it: ``.seed_examples[0].context``."""
    out = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif isinstance(part, str) and part.isidentifier():
            out.append(f".{part}")
        else:
            out.append(f"[{part!r}]")
    text = "".join(out)
    return text if text.startswith(".") else f".{text}" if text else "."


def location_for(
    path: Sequence[Any],
    *,
    field: str | None = None,
    mark: tuple[int, int] | None = None,
) -> Location:
    """Describe a YAML path in the portal's terms (seed/Q&A numbers are 1-based)."""
    seed = qa = None
    names: list[str] = []
    items = list(path)
    for i, part in enumerate(items):
        following = items[i + 1] if i + 1 < len(items) else None
        if part == "seed_examples" and isinstance(following, int):
            seed = following + 1
            names = []
        elif part == "questions_and_answers" and isinstance(following, int):
            qa = following + 1
            names = []
        elif isinstance(part, str):
            names.append(part)
    if field is not None:
        names.append(field)
    return Location(
        seed=seed,
        qa=qa,
        field=".".join(names) or None,
        line=mark[0] if mark else None,
        column=mark[1] if mark else None,
        path=yaml_path_text(path),
    )


def iter_strings(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string value in loaded data with its path (mapping keys are not included)."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from iter_strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_strings(value, (*path, i))
