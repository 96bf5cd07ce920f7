"""Which field a line of qna.yaml belongs to (maintainers' line comments are shown there)."""

from __future__ import annotations

from contributions.taxonomy import field_at_line, render_qna

from .samples import KNOWLEDGE, SKILL

TEXT = """version: 3
task_description: x
created_by: bob
seed_examples:
  - question: what is it
    answer: |
      line one
      line two
  - context: ctx
    question: q2
    answer: a2
"""


def test_each_line_maps_to_the_key_it_sits_under():
    # given / when
    where = {line: field_at_line(TEXT, line) for line in range(1, 12)}
    # then a block answer's lines belong to the answer; the next key starts a new field
    assert where[2].field == "task_description" and where[2].seed is None
    assert (where[5].seed, where[5].field) == (1, "question")
    assert {(where[n].seed, where[n].field) for n in (6, 7, 8)} == {(1, "answer")}
    assert (where[9].seed, where[9].field) == (2, "context")
    assert (where[11].seed, where[11].field, where[11].line) == (2, "answer", 11)


def test_lines_outside_the_text_or_an_unreadable_text_map_to_nothing():
    # given / when / then
    assert field_at_line(TEXT, 0) is None
    assert field_at_line(TEXT, 12) is None
    assert field_at_line("a: [unclosed\n", 1) is None
    assert field_at_line("", 1) is None


def test_rendered_entries_map_qa_pairs_and_skill_examples():
    # given the files the portal commits
    knowledge, skill = render_qna(KNOWLEDGE), render_qna(SKILL)
    k_lines, s_lines = knowledge.splitlines(), skill.splitlines()
    first_answer = next(
        i for i, line in enumerate(k_lines, 1) if line.strip().startswith("answer:")
    )
    last_question = max(
        i for i, line in enumerate(s_lines, 1) if line.strip().startswith("- question:")
    )
    # when / then
    found = field_at_line(knowledge, first_answer)
    assert (found.seed, found.qa, found.field) == (1, 1, "answer")
    found = field_at_line(skill, last_question)
    assert (found.seed, found.field) == (len(SKILL.seed_examples), "question")
