"""The editor's inputs as view objects: value, help, word count and the findings at each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contributions.forms_contributor import FIELD_HELP, EditorData, FieldHelp
from contributions.models import Contribution
from contributions.services import validation
from contributions.taxonomy.words import count_words

SKILL = Contribution.Kind.SKILL
KNOWLEDGE = Contribution.Kind.KNOWLEDGE


@dataclass
class FieldView:
    """One input of the editor with its help, word count and the checks' findings."""

    name: str
    value: str
    help: FieldHelp
    issues: list[dict[str, Any]] = field(default_factory=list)
    word_limit: int | None = None
    multiline: bool = True
    rows: int = 3
    show_example: bool = True
    show_help: bool = True
    label: str = ""

    @property
    def label_text(self) -> str:
        return self.label or self.help.label

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def words(self) -> int:
        return count_words(self.value)

    @property
    def has_error(self) -> bool:
        return any(i["level"] == "error" for i in self.issues)


@dataclass
class PairView:
    seed: int
    number: int
    question: FieldView
    answer: FieldView
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"seed-{self.seed}-qa-{self.number}"


@dataclass
class SeedView:
    number: int
    total: int
    fields: list[FieldView]
    pairs: list[PairView] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    pair_issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"seed-{self.number}"

    @property
    def qas_key(self) -> str:
        return f"seed-{self.number}-qas"

    @property
    def words(self) -> int:
        return sum(f.words for f in self.fields) + sum(
            p.question.words + p.answer.words for p in self.pairs
        )


def editor_values(contribution: Contribution, posted: EditorData | None) -> dict[str, Any]:
    if posted is not None:
        return {
            "summary": posted.summary,
            "taxonomy_path": posted.taxonomy_path,
            "draft": posted.draft,
        }
    return {
        "summary": contribution.summary,
        "taxonomy_path": contribution.taxonomy_path,
        "draft": contribution.draft or {},
    }


def field_view(name: str, value: Any, help_key: str | None = None, **kw: Any) -> FieldView:
    return FieldView(name=name, value=str(value or ""), help=FIELD_HELP[help_key or name], **kw)


def build_seeds(kind: str, entry: dict[str, Any]) -> list[SeedView]:
    policy = validation.policy()
    seeds = entry.get("seed_examples") or []
    views = []
    for number, seed in enumerate(seeds, start=1):
        prefix = f"seed-{number}"
        first = number == 1  # the explanations are shown once, on the first example
        if kind == SKILL:
            view = SeedView(
                number=number,
                total=len(seeds),
                fields=[
                    field_view(
                        f"{prefix}-question",
                        seed.get("question"),
                        "skill_question",
                        rows=2,
                        show_help=first,
                    ),
                    field_view(
                        f"{prefix}-answer",
                        seed.get("answer"),
                        "skill_answer",
                        rows=4,
                        show_help=first,
                    ),
                    field_view(
                        f"{prefix}-context",
                        seed.get("context"),
                        "skill_context",
                        rows=2,
                        show_example=False,
                        show_help=first,
                    ),
                ],
            )
        else:
            view = SeedView(
                number=number,
                total=len(seeds),
                fields=[
                    field_view(
                        f"{prefix}-context",
                        seed.get("context"),
                        "context",
                        rows=6,
                        word_limit=policy.max_context_words,
                        show_help=first,
                    )
                ],
                pairs=[
                    PairView(
                        seed=number,
                        number=j,
                        question=field_view(
                            f"{prefix}-qa-{j}-question",
                            qa.get("question"),
                            "question",
                            rows=2,
                            word_limit=policy.max_qa_words,
                            label=f"Question {j}",
                            show_help=first and j == 1,
                        ),
                        answer=field_view(
                            f"{prefix}-qa-{j}-answer",
                            qa.get("answer"),
                            "answer",
                            rows=2,
                            word_limit=policy.max_qa_words,
                            label=f"Answer {j}",
                            show_help=first and j == 1,
                        ),
                    )
                    for j, qa in enumerate(seed.get("questions_and_answers") or [], start=1)
                ],
            )
        views.append(view)
    return views
