"""Importing untrusted qna.yaml: refusals are early, bounded and explained in plain words."""

from __future__ import annotations

import tracemalloc

import pytest

from contributions.taxonomy import (
    KnowledgeEntry,
    SkillEntry,
    TaxonomyImportError,
    import_qna,
    render_qna,
    validate_file,
)

from .samples import KNOWLEDGE, SKILL

ONE_MB = 1024 * 1024


def _alias_bomb() -> str:
    # The classic "billion laughs": 9 levels of nine aliases each, about 1 KB of text.
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _measure(call):
    """Run ``call`` and return (outcome, peak bytes allocated meanwhile)."""
    tracemalloc.start()
    try:
        outcome = call()
    except Exception as exc:  # the refusal is the outcome under test
        outcome = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return outcome, peak


def test_alias_bomb_is_refused_before_expansion():
    # given
    bomb = _alias_bomb()
    assert len(bomb) < 1100

    # when
    outcome, peak = _measure(lambda: import_qna(bomb))

    # then
    assert isinstance(outcome, TaxonomyImportError)
    assert "anchors or aliases" in str(outcome) and outcome.line == 1
    assert peak < ONE_MB


def test_alias_bomb_is_reported_not_expanded_by_validation():
    # given
    bomb = _alias_bomb()

    # when
    report, peak = _measure(
        lambda: validate_file(bomb, path="knowledge/x/qna.yaml", attribution_text="x")
    )

    # then
    rules = {i.rule for i in report.issues}
    assert {"yaml.anchor", "yaml.alias-expansion"} <= rules
    assert not report.ci_valid and not report.portal_valid
    assert peak < 2 * ONE_MB


def test_a_self_referencing_alias_is_refused():
    # given: expanding this would never end
    text = "version: 3\nloop: &loop [*loop]\n"

    # when
    report = validate_file(text, path="knowledge/x/qna.yaml", attribution_text="x")

    # then
    assert "yaml.alias-expansion" in {i.rule for i in report.issues}
    assert not report.ci_valid


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "str"])
def test_a_10_mb_file_is_refused_quickly_with_bounded_memory(as_text):
    # given
    data = b"created_by: " + b"x" * (10 * ONE_MB) + b"\n"
    payload = data.decode("ascii") if as_text else data

    # when
    outcome, peak = _measure(lambda: import_qna(payload))

    # then
    assert isinstance(outcome, TaxonomyImportError)
    assert "up to 1,024 KB" in str(outcome)
    assert peak < ONE_MB


def test_a_10_mb_file_is_not_validated():
    # given
    data = b"created_by: " + b"x" * (10 * ONE_MB) + b"\n"

    # when
    report, peak = _measure(lambda: validate_file(data, path="knowledge/x/qna.yaml"))

    # then
    assert [i.rule for i in report.issues] == ["file.too-large"]
    assert not report.ci_valid and not report.ilab_valid and not report.portal_valid
    assert peak < ONE_MB


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"# only a comment\n", "empty"),
        (b"- a\n- b\n", "keys and values"),
        (b"version: 3\n---\nversion: 3\n", "more than one YAML document"),
        (b"version: 3\nversion: 3\n", "appears twice (lines 1 and 2)"),
        (b"seed_examples:\n  - question: a\n    question: b\n", "'question' appears twice"),
        (b"version: 3\n\xff\xfe\n", "not UTF-8 text (line 2)"),
        (b"version: [3\n", "not valid YAML"),
        (b"created_by: \x07\n", "character YAML does not allow (U+0007)"),
        (b"created_by: !!python/object:os.system x\n", "cannot be read"),
        (b"created_by: [a, b]\n", "must be text, not a list"),
        (b"seed_examples: nope\n", "must be a list"),
        (b"seed_examples:\n  - just text\n", "must be a set of keys and values"),
    ],
)
def test_refusals_explain_the_problem(data, words):
    # given / when
    with pytest.raises(TaxonomyImportError) as refused:
        import_qna(data)

    # then
    assert words in str(refused.value)


def test_bom_and_crlf_are_normalised():
    # given
    original = render_qna(SKILL)
    windows = b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8")

    # when
    imported = import_qna(windows)

    # then
    assert imported.entry == SKILL
    assert imported.issues == ()


def test_kind_comes_from_the_path_when_given_else_from_the_content():
    # given
    text = render_qna(KNOWLEDGE)

    # when
    by_content = import_qna(text).entry
    by_path = import_qna(text, path="compositional_skills/x/qna.yaml").entry

    # then
    assert isinstance(by_content, KnowledgeEntry)
    assert isinstance(by_path, SkillEntry)


def test_adjustments_are_reported_as_import_issues():
    # given: an old-style file with a float version, a number and an unknown key
    text = (
        "version: 3.0\n"
        "created_by: someone\n"
        "task_description: Count things.\n"
        "extra: dropped\n"
        "seed_examples:\n"
        "  - question: How many?\n"
        "    answer: 42\n"
    )

    # when
    imported = import_qna(text)

    # then
    assert imported.entry.seed_examples[0].answer == "42"
    found = [(i.rule, i.location.line, i.location.seed) for i in imported.issues]
    assert found == [
        ("import.version", None, None),
        ("import.dropped-key", 4, None),
        ("import.converted", 7, 1),
    ]


def test_attribution_is_imported_leniently():
    # given: label variants seen in real taxonomies
    attribution = (
        "Title of work: Notes\r\n"
        "Link to source: https://example.org\r\n"
        "Revision: v1\r\n"
        "License: Apache-2.0\r\n"
        "Creators name: Ann\r\n"
        "Self-authored\r\n"
    )

    # when
    imported = import_qna(render_qna(SKILL), attribution_text=attribution)

    # then
    assert imported.attribution is not None
    assert imported.attribution.to_dict() == {
        "title": "Notes",
        "link": "https://example.org",
        "revision": "v1",
        "license": "Apache-2.0",
        "creators": "Ann",
    }
    assert [(i.rule, i.location.line) for i in imported.issues] == [("attribution.unknown-line", 6)]


def test_a_dense_file_within_the_size_cap_is_refused_by_its_token_count():
    # given: under 1 MB, but half a million YAML tokens
    dense = "created_by: [" + "1," * 400_000 + "1]\n"

    # when
    outcome, peak = _measure(lambda: import_qna(dense))
    report, validate_peak = _measure(
        lambda: validate_file(dense, path="knowledge/x/qna.yaml", attribution_text="x")
    )

    # then
    assert isinstance(outcome, TaxonomyImportError) and "25,000 YAML elements" in str(outcome)
    assert [i.rule for i in report.issues] == ["file.too-complex"] and not report.ci_valid
    assert max(peak, validate_peak) < 32 * ONE_MB


def test_absurd_nesting_is_refused_not_crashing():
    # given
    nested = "created_by: " + "[" * 2000 + "]" * 2000 + "\n"

    # when
    report = validate_file(nested, path="knowledge/x/qna.yaml", attribution_text="x")
    with pytest.raises(TaxonomyImportError) as refused:
        import_qna(nested)

    # then
    assert "yaml.compose" in {i.rule for i in report.issues} and not report.ci_valid
    assert "nested too deeply" in str(refused.value)


def test_a_report_keeps_a_bounded_number_of_issues():
    # given: one trailing-space error on each of 2,000 lines
    text = "created_by: x\nversion: 3\n" + "".join(f"k{i}: v \n" for i in range(2000))

    # when
    report = validate_file(text, path="knowledge/x/qna.yaml", attribution_text="x")

    # then
    assert len(report.issues) == 501
    assert report.issues[-1].rule == "report.truncated"
    assert "more issues are not shown" in report.issues[-1].message
    assert not report.ci_valid
