"""The engine's verdicts agree with the reference verdicts for every corpus file."""

from __future__ import annotations

import pytest

from .corpus import EXPECTED, EXPECTED_MODES, corpus_report


def test_the_corpus_has_all_245_files():
    # given / when
    count = len(EXPECTED)

    # then: a missing or truncated corpus must fail loudly, not shrink the test
    assert count == 245


@pytest.mark.parametrize("row", EXPECTED, ids=[row["path"] for row in EXPECTED])
def test_ci_verdict_matches_expected(row):
    # given
    expected = row["valid"] == "yes"

    # when
    report = corpus_report(row["path"])

    # then
    assert report.ci_valid is expected, [i.to_dict() for i in report.issues]


@pytest.mark.parametrize("row", EXPECTED, ids=[row["path"] for row in EXPECTED])
def test_ilab_strict_verdict_matches_expected_modes(row):
    # given
    expected = EXPECTED_MODES[row["path"]]["ilab_strict"] == "yes"

    # when
    report = corpus_report(row["path"])

    # then
    assert report.ilab_valid is expected, [i.to_dict() for i in report.issues]


def test_an_invalid_file_is_never_portal_valid():
    # given
    invalid = [row["path"] for row in EXPECTED if row["valid"] == "no"]

    # when
    portal_valid = [path for path in invalid if corpus_report(path).portal_valid]

    # then
    assert portal_valid == []


def test_yamllint_reasons_are_reported_with_their_rule():
    # given: files whose reference reasons name yamllint rules
    rows = [row for row in EXPECTED if "(trailing-spaces)" in row["reasons"]]

    # when
    rules = [{i.rule for i in corpus_report(row["path"]).issues} for row in rows]

    # then
    assert rows
    assert all("yamllint.trailing-spaces" in found for found in rules)
