"""On edge cases the corpus lacks, the engine agrees with instructlab-schema itself."""

from __future__ import annotations

import pytest

from contributions.taxonomy import render_qna, validate_path

from .reference import (
    ci_parser,
    ilab_parser,
    reference_ci_valid,
    reference_ilab_valid,
    venv_path,
)
from .samples import KNOWLEDGE, SKILL

SKILL_TEXT = render_qna(SKILL)
KNOWLEDGE_TEXT = render_qna(KNOWLEDGE)

CASES: dict[str, tuple[str, bytes]] = {
    "valid skill": ("compositional_skills/a", SKILL_TEXT.encode()),
    "bom and crlf": (
        "compositional_skills/a",
        b"\xef\xbb\xbf" + SKILL_TEXT.replace("\n", "\r\n").encode(),
    ),
    "version 3.0": (
        "knowledge/a",
        KNOWLEDGE_TEXT.replace("version: 3\n", "version: 3.0\n").encode(),
    ),
    "version string": (
        "knowledge/a",
        KNOWLEDGE_TEXT.replace("version: 3\n", 'version: "3"\n').encode(),
    ),
    "version 2 skill": (
        "compositional_skills/a",
        SKILL_TEXT.replace("version: 3", "version: 2").encode(),
    ),
    "version 1 skill with trailing space": (
        "compositional_skills/a",
        SKILL_TEXT.replace("version: 3\n", "version: 1 \n").encode(),
    ),
    "version 1 knowledge": (
        "knowledge/a",
        KNOWLEDGE_TEXT.replace("version: 3", "version: 1").encode(),
    ),
    "empty file": ("knowledge/a", b""),
    "only a comment": ("knowledge/a", b"# todo\n"),
    "top-level list": ("knowledge/a", b"- version: 3\n"),
    "trailing spaces": (
        "compositional_skills/a",
        SKILL_TEXT.replace("version: 3", "version: 3  ").encode(),
    ),
    "no final newline": ("compositional_skills/a", SKILL_TEXT.rstrip("\n").encode()),
    "blank lines warning": (
        "compositional_skills/a",
        SKILL_TEXT.replace("version: 3\n", "version: 3\n\n\n\n").encode(),
    ),
    "bad indentation warning": (
        "compositional_skills/a",
        SKILL_TEXT.replace("  - question: Close", "  -  question: Close").encode(),
    ),
    "duplicate key": (
        "compositional_skills/a",
        SKILL_TEXT.replace("version: 3\n", "version: 3\nversion: 3\n").encode(),
    ),
    "disable directive": (
        "compositional_skills/a",
        ("# yamllint disable\n" + SKILL_TEXT.replace("version: 3", "version: 3 ")).encode(),
    ),
    "legitimate anchor": (
        "compositional_skills/a",
        SKILL_TEXT.replace("answer: Could you please", "answer: &p Could you please").encode(),
    ),
    "undefined alias": (
        "compositional_skills/a",
        SKILL_TEXT.replace("created_by: portal-tester", "created_by: *nobody").encode(),
    ),
    "two documents": ("compositional_skills/a", (SKILL_TEXT + "---\nversion: 3\n").encode()),
    "syntax error": (
        "compositional_skills/a",
        SKILL_TEXT.replace("version: 3", "version: [3").encode(),
    ),
    "not utf-8": ("compositional_skills/a", SKILL_TEXT.encode().replace(b"Close", b"Cl\xffse")),
    "extra key in a q&a": (
        "knowledge/a",
        KNOWLEDGE_TEXT.replace(
            "        answer: As objects in pools.\n",
            "        answer: As objects in pools.\n        note: allowed by the schema\n",
        ).encode(),
    ),
    "knowledge under skills": ("compositional_skills/a", KNOWLEDGE_TEXT.encode()),
    "missing attribution": ("knowledge/no_attribution", KNOWLEDGE_TEXT.encode()),
}


def _write(tmp_path, folder: str, data: bytes):
    file = tmp_path / folder / "qna.yaml"
    file.parent.mkdir(parents=True)
    file.write_bytes(data)
    if "no_attribution" not in folder:
        (file.parent / "attribution.txt").write_text("Title of work: x\n")
    return file


@pytest.mark.parametrize("case", sorted(CASES))
def test_verdicts_agree_with_instructlab_schema(case, tmp_path):
    # given
    folder, data = CASES[case]
    file = _write(tmp_path, folder, data)

    # when
    with venv_path():
        expected = (
            reference_ci_valid(ci_parser(), file),
            reference_ilab_valid(ilab_parser(), file),
        )
    report = validate_path(file)

    # then
    assert (report.ci_valid, report.ilab_valid) == expected, [i.to_dict() for i in report.issues]


def test_the_reference_really_runs_yamllint(tmp_path):
    # given: a file only yamllint fails
    file = _write(tmp_path, "compositional_skills/a", CASES["trailing spaces"][1])

    # when
    with venv_path():
        verdict = reference_ci_valid(ci_parser(), file)

    # then: otherwise the parity above would prove nothing about linting
    assert verdict is False
