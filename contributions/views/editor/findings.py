"""The checks' issues placed at the editor field they are about, in the form's own words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contributions.forms_contributor import FIELD_HELP
from contributions.models import Contribution
from contributions.services import validation

from .fields import KNOWLEDGE, SKILL, SeedView

# Findings that only mean "not filled in yet": shown as a to-do, not as a mistake.
EMPTY_FIELD_RULES = validation.TODO_RULES | {"attribution.field-missing"}
TODO_RULES = EMPTY_FIELD_RULES | {"path.missing", "document.missing", "summary.missing"}
# The engine speaks the taxonomy's language; the form calls things by the names it shows.
_PLAIN_WORDS = (("seed example", "example"), ("Q&A", "question"))
# A knowledge example's context is the "passage" in the form (a skill's stays "context").
_CONTEXT = re.compile(r"\b[Cc]ontext(?=s?\b)")


def issue_slot(location: dict[str, Any]) -> str:
    """The editor field an engine issue belongs to (see the field names in EditorData)."""
    seed, qa, name = location.get("seed"), location.get("qa"), location.get("field") or ""
    if name.startswith("attribution."):
        return "attribution-" + name.split(".", 1)[1]
    if name in ("path", "folder"):
        return "taxonomy_path"
    if name.startswith("document"):
        return "documents"
    if seed:
        base = f"seed-{seed}"
        if qa:
            base = f"{base}-qa-{qa}"
            return f"{base}-{name}" if name in ("question", "answer") else base
        if name in ("context", "question", "answer"):
            return f"{base}-{name}"
        if name == "questions_and_answers":
            return f"{base}-qas"
        return base
    if name == "seed_examples":
        return "seeds"
    if name in ("summary", "task_description", "domain", "document_outline"):
        return name
    return "general"


def _anchor(slot: str) -> str:
    if slot in ("seeds", "documents"):
        return f"{slot}-heading"
    if slot.startswith("seed-") and (slot.count("-") == 1 or slot.endswith("-qas")):
        return f"{slot.removesuffix('-qas')}-heading"
    if slot.startswith("seed-") and slot.count("-") == 3:  # seed-N-qa-M
        return f"f-{slot}-question"
    return f"f-{slot}"


_PLACE_NAMES = {
    "summary": "Summary",
    "taxonomy_path": "Where it goes",
    "task_description": "Task",
    "domain": "Subject",
    "document_outline": "What the documents cover",
    "documents": "Documents",
    "seeds": "Examples",
}


def _place(slot: str, kind: str = SKILL) -> str:
    """A person's words for where an issue is: 'Example 2, question 1, answer'."""
    if slot in _PLACE_NAMES:
        return _PLACE_NAMES[slot]
    if slot.startswith("attribution-"):
        return FIELD_HELP[slot.replace("-", ".", 1)].label
    if slot.startswith("seed-"):
        parts = slot.split("-")
        words = [f"Example {parts[1]}"]
        rest = parts[2:]
        if rest[:1] == ["qa"]:
            name = rest[2] if len(rest) > 2 else "question"
            words.append(f"{name} {rest[1]}")
        elif rest == ["qas"]:
            words.append("questions")
        elif rest == ["context"] and kind == KNOWLEDGE:
            words.append("passage")  # the knowledge form calls it so
        elif rest:
            words.append(rest[0])
        return ", ".join(words)
    return ""


def _issue_view(issue: dict[str, Any], slot: str, kind: str = SKILL) -> dict[str, Any]:
    level = issue.get("severity", "error")
    if issue.get("rule") in TODO_RULES:
        level = "todo"
    message = issue.get("message", "")
    for jargon, plain in _PLAIN_WORDS:
        message = message.replace(jargon, plain)
    if kind == KNOWLEDGE:
        message = _CONTEXT.sub(lambda m: "Passage" if m[0][0] == "C" else "passage", message)
    if issue.get("rule") in EMPTY_FIELD_RULES:
        message = "Still empty: fill this in before you submit."
    elif issue.get("rule") == "schema.min-items" and slot in ("seeds", "documents"):
        message = message.replace("Needs at least", "Add at least").replace("items", "examples")
    elif issue.get("rule") == "schema.min-items" and slot.endswith("-qas"):
        message = message.replace("Needs at least", "A passage needs at least").replace(
            "items", "questions"
        )
    return {
        "level": level,
        "message": message,
        "rule": issue.get("rule", ""),
        "slot": slot,
        "anchor": _anchor(slot) if slot != "general" else "",
        "place": _place(slot, kind),
        "evidence": issue.get("evidence") or {},
        "quality": issue.get("source") == "quality",
    }


@dataclass
class Checks:
    """The checks' findings, by editor field, with the counts the summary shows."""

    by_slot: dict[str, list[dict[str, Any]]]
    general: list[dict[str, Any]]
    state: str
    checked: bool

    @property
    def all(self) -> list[dict[str, Any]]:
        found = [i for issues in self.by_slot.values() for i in issues] + self.general
        # Quality findings are advice: shown at their field, not counted among the checks.
        return [i for i in found if not i["quality"]]

    def count(self, level: str) -> int:
        return sum(1 for i in self.all if i["level"] == level)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def todos(self) -> int:
        return self.count("todo")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def count_text(self) -> str:
        """'1 to fix, 2 still empty': the words the panel, the banner and screen readers use."""
        parts = [f"{self.errors} to fix"] if self.errors else []
        if self.todos:
            parts.append(f"{self.todos} still empty")
        return ", ".join(parts)

    @property
    def problems(self) -> list[dict[str, Any]]:
        """The list in the summary panel, in the order of the form's fields."""
        return self.all

    @property
    def can_submit(self) -> bool:
        return self.checked and self.state == Contribution.Validation.PASSED


def checks_for(contribution: Contribution, slots: list[str]) -> Checks:
    by_slot: dict[str, list[dict[str, Any]]] = {slot: [] for slot in slots}
    general: list[dict[str, Any]] = []
    # The taxonomy checks' issues, then the quality checks' (same shape, plus evidence).
    for issue in [*(contribution.validation_issues or []), *(contribution.quality_findings or [])]:
        slot = issue_slot(issue.get("location") or {})
        view = _issue_view(issue, slot if slot in by_slot else "general", contribution.kind)
        by_slot.get(slot, general).append(view)
    return Checks(
        by_slot=by_slot,
        general=general,
        state=contribution.validation_state,
        checked=contribution.validated_at is not None,
    )


def quiet_empty_duplicates(checks: Checks, seeds: list[SeedView]) -> None:
    """Empty examples are "identical" to each other; while some are empty, say only "to do"."""

    def has_todo(slot_names: list[str]) -> bool:
        return any(
            i["level"] == "todo" for name in slot_names for i in checks.by_slot.get(name, [])
        )

    def drop(slot: str) -> None:
        checks.by_slot[slot] = [
            i for i in checks.by_slot.get(slot, []) if i["rule"] != "schema.unique-items"
        ]

    all_fields = []
    for seed in seeds:
        names = [f.name for f in seed.fields]
        names += [n for p in seed.pairs for n in (p.question.name, p.answer.name)]
        all_fields += names
        if has_todo(names):
            drop(seed.qas_key)
    if has_todo(all_fields):
        drop("seeds")
