"""The engine's shortcuts give exactly what the libraries they stand in for give.

Scanning once and replaying tokens, the faster Reader.forward, yamllint rules fed recorded
tokens and the compiled schema pre-check are only legitimate if they change nothing.
"""

from __future__ import annotations

import copy
import random

import pytest
import yaml
from yamllint import linter

from contributions.taxonomy.lint import _rules, lint
from contributions.taxonomy.schema import load_schema
from contributions.taxonomy.yamlread import construct, decode_like_ci, load_tokens, scan

from .corpus import EXPECTED, corpus_dir
from .samples import TRICKY_TEXTS

CORPUS_TEXTS = [decode_like_ci((corpus_dir() / row["path"]).read_bytes()) for row in EXPECTED]

SYNTHETIC_TEXTS = [
    "a: [1,2 ,  3]\nb: {x:1,  y : 2}\nc: [ ]\nd: {  }\n",
    "a: 1  # yamllint disable-line rule:trailing-spaces   \nb:   2 \n",
    "# yamllint disable rule:colons\na:   1\n# yamllint enable\nb:   2\n",
    "# yamllint disable\na:   1 \n",
    "# yamllint disable-line\na:   1 \nb:   1\n",
    "# yamllint disable-file\na:   1 \n",
    "a:\n- b\n-  c\nd: &x 1\ne: *x\nf: *y\n",
    "key: v\nkey: w\n\n\n\n",
    "\ufeffa: 1\n",
    "? complex key\n: value\n",
    "a: |2-\n    indented\n  b\n",
    "a: >\n  folded\n  text\n\n  more\n",
    "- - nested\n  - list\n",
    "a: 'single\n  quoted'\nb: \"double \\\n  escaped\"\n",
    "a:\n  b:\n     c: wrong indent\n",
    "no final newline: true",
    "---\na: 1\n...\n",
    "a: 1 # comment\n#comment without space\n",
] + [f"k: {t!r}\nj: |\n  {t.strip()}\n" for t in TRICKY_TEXTS if "\x07" not in t]


def _marks(token):
    return (
        type(token).__name__,
        getattr(token, "value", None),
        getattr(token, "style", None),
        token.start_mark.index,
        token.start_mark.line,
        token.start_mark.column,
        token.start_mark.pointer,
        token.end_mark.index,
        token.end_mark.line,
        token.end_mark.column,
        token.end_mark.pointer,
    )


def _pyyaml_tokens(text):
    tokens, error = [], None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            tokens.append(token)
    except yaml.MarkedYAMLError as exc:
        error = exc
    return tokens, error


@pytest.mark.parametrize("text", CORPUS_TEXTS + SYNTHETIC_TEXTS)
def test_scanning_gives_pyyamls_tokens_and_marks(text):
    # given
    expected_tokens, expected_error = _pyyaml_tokens(text)

    # when
    scanned = scan(text)

    # then
    assert [_marks(t) for t in scanned.tokens] == [_marks(t) for t in expected_tokens]
    assert str(scanned.error) == str(expected_error)


@pytest.mark.parametrize("text", CORPUS_TEXTS + SYNTHETIC_TEXTS)
def test_replayed_loading_gives_safe_loads_data_or_failure(text):
    # given
    try:
        expected, failed = yaml.safe_load(text), False
    except yaml.YAMLError:
        expected, failed = None, True

    # when
    loaded = load_tokens(scan(text))

    # then
    assert (not loaded.ok) is failed
    if not failed:
        assert construct(loaded.node) == expected


@pytest.mark.parametrize("text", CORPUS_TEXTS + SYNTHETIC_TEXTS)
def test_lint_on_recorded_tokens_gives_yamllints_problems(text):
    # given
    scanned = scan(text)
    expected = list(linter.run(text, _rules().config))

    # when
    problems = lint(text, scanned.tokens if scanned.error is None else None)

    # then
    def as_tuples(found):
        return [(p.line, p.column, p.rule, p.level, p.desc) for p in found]

    assert as_tuples(problems) == as_tuples(expected)


def _mutations(document, rng, count):
    """Random small edits: the kind of mistakes people make in qna.yaml files."""
    values = [None, 0, 3, 3.0, 3.5, True, "", " ", "x", "3", [], {}, ["a"], {"a": 1}]

    def paths(value, path=()):
        yield path
        if isinstance(value, dict):
            for key, child in value.items():
                yield from paths(child, (*path, key))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                yield from paths(child, (*path, i))

    for _ in range(count):
        mutated = copy.deepcopy(document)
        candidates = [p for p in paths(mutated) if p]
        path = rng.choice(candidates)
        parent = mutated
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        operation = rng.randrange(4)
        if operation == 0:
            parent[last] = rng.choice(values)
        elif operation == 1:
            del parent[last]
        elif operation == 2 and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        elif isinstance(parent, dict):
            parent[rng.choice(["extra", "context", "question", "version"])] = rng.choice(values)
        yield mutated


def test_schema_pre_check_never_calls_an_invalid_document_valid():
    # given: every corpus document, and mutations of it, against every compiled schema
    rng = random.Random(20240531)
    documents = []
    for text in CORPUS_TEXTS:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and data:
            documents += [data, *_mutations(data, rng, 4)]
    schemas = [
        schema
        for version in (1, 2, 3)
        for name in ("knowledge", "compositional_skills")
        if (schema := load_schema(version, name)) and schema.certainly_valid
    ]

    # when
    wrong = []
    agreed_valid = 0
    for document in documents:
        for schema in schemas:
            valid = next(schema.validator.iter_errors(document), None) is None
            fast = schema.certainly_valid(document)
            if fast and not valid:
                wrong.append(document)
            agreed_valid += fast and valid

    # then: never a false "valid", and the shortcut is actually taken for valid files
    assert wrong == []
    assert agreed_valid > 300
