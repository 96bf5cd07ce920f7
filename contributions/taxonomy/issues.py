"""Located validation issues and the report that carries the three verdicts.

Numbering convention: ``Location.seed`` and ``Location.qa`` are 1-based, as a person
counts ("seed example 1"); ``Location.line``/``column`` are 1-based like an editor;
``Location.path`` is the 0-based YAML path the taxonomy CI prints
(``.seed_examples[0].questions_and_answers[1].answer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["RULES", "Issue", "Location", "Report", "Severity", "Source"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Source(StrEnum):
    """Who would complain: the taxonomy repo's CI, ``ilab`` strict mode, or portal policy."""

    CI = "ci"
    ILAB = "ilab"
    PORTAL = "portal"


# Every rule id the engine emits, with what it means. Ids are stable: forms, stored
# reports and tests refer to them. yamllint problems use "yamllint.<its rule id>".
RULES: dict[str, str] = {
    # What the taxonomy CI (and, where it agrees, ilab) checks.
    "path.placement": "the file is not under compositional_skills/ or knowledge/",
    "file.unreadable": "the file does not exist or cannot be read",
    "file.name": "the file must be named qna.yaml",
    "file.encoding": "the file is not UTF-8 text",
    "file.empty": "the file has no content",
    "yaml.invalid-character": "the file contains a character YAML does not allow",
    "yaml.syntax": "the file is not valid YAML",
    "yaml.compose": "the YAML is not a single well-formed document",
    "yaml.alias-expansion": "aliases expand to an unreasonable amount of data",
    "yaml.not-mapping": "the top level is not a mapping of keys to values",
    "schema.required": "a required key is missing",
    "schema.unknown-key": "a key the schema does not allow",
    "schema.type": "a value has the wrong type",
    "schema.const": "a value must be one exact value",
    "schema.min-length": "a text value is empty",
    "schema.min-items": "a list has too few items",
    "schema.unique-items": "a list repeats an item",
    "schema.deprecated": "this schema version is no longer supported",
    "schema.unavailable": "there is no schema for this version",
    "schema.invalid": "another schema rule failed",
    "attribution.missing": "attribution.txt is missing",
    "attribution.empty": "attribution.txt is empty",
    # Portal policy.
    "file.too-large": "the file is larger than the portal accepts",
    "file.too-complex": "the file has far more YAML elements than a qna.yaml needs",
    "report.truncated": "further issues were found but not listed",
    "path.segment": "a folder or file name has characters the portal does not allow",
    "path.folder-name": "a new folder name is not lowercase snake_case",
    "path.kind-mismatch": "the entry kind does not match its folder",
    "version.integer": "version must be the integer 3",
    "yaml.anchor": "YAML anchors and aliases are not allowed",
    "document.repo-https": "document.repo must be an https URL",
    "document.commit-sha": "document.commit must be a full 40-character SHA",
    "document.pattern-relative": "a document pattern must be a relative path",
    "document.pattern-parent": "a document pattern must not contain '..'",
    "document.pattern-extension": "a document pattern must end in .md or .pdf",
    "content.unknown-key": "a key the schema does not define",
    "content.blank-text": "a text value contains only whitespace",
    "content.duplicate-context": "the same context appears twice",
    "content.duplicate-question": "the same question appears twice",
    "words.seed": "a knowledge seed example (context and Q&A) is too long",
    "words.context": "a context is longer than recommended",
    "words.question": "a question is longer than recommended",
    "words.answer": "an answer is longer than recommended",
    "words.skill": "a skill's seed examples are longer than recommended in total",
    "attribution.field-missing": "attribution.txt lacks a required line",
    "attribution.license": "the licence is not one the taxonomy accepts",
    "attribution.link": "the link to the work is not an http(s) URL",
    "attribution.unknown-line": "attribution.txt has a line the portal does not understand",
    "engine.error": "the validator failed on this file (a bug: please report it)",
    # Import notes (the file was imported, but something was adjusted or dropped).
    "import.dropped-key": "a key was not imported",
    "import.converted": "a value was converted to text",
    "import.version": "the file's version was not 3",
}


@dataclass(frozen=True)
class Location:
    """Where an issue is; every part is optional because not every issue has one."""

    seed: int | None = None
    qa: int | None = None
    field: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "qa": self.qa,
            "field": self.field,
            "line": self.line,
            "column": self.column,
            "path": self.path,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Location:
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})

    def describe(self) -> str:
        """A short human phrase such as ``seed example 2, Q&A 1, answer, line 40:9``."""
        parts = []
        if self.seed is not None:
            parts.append(f"seed example {self.seed}")
        if self.qa is not None:
            parts.append(f"Q&A {self.qa}")
        if self.field:
            parts.append(self.field)
        if self.line is not None:
            column = f":{self.column}" if self.column is not None else ""
            parts.append(f"line {self.line}{column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Issue:
    """One finding: how bad, who would complain, which rule, what to do, and where."""

    severity: Severity
    source: Source
    rule: str
    message: str
    location: Location = field(default_factory=Location)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": str(self.severity),
            "source": str(self.source),
            "rule": self.rule,
            "message": self.message,
            "location": self.location.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Issue:
        return cls(
            severity=Severity(data["severity"]),
            source=Source(data["source"]),
            rule=data["rule"],
            message=data["message"],
            location=Location.from_dict(data.get("location") or {}),
        )


@dataclass(frozen=True)
class Report:
    """The outcome of validating one qna.yaml.

    ``ci_valid``: the taxonomy repo's pull-request check would pass.
    ``ilab_valid``: ``ilab taxonomy diff`` (strict yamllint, each file's own version) would
    pass, leaving aside its network fetch of the document.
    ``portal_valid``: both of those, and no error from portal policy.
    """

    path: str
    issues: tuple[Issue, ...] = ()
    ci_valid: bool = True
    ilab_valid: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "issues", tuple(self.issues))

    @property
    def portal_valid(self) -> bool:
        return self.ci_valid and self.ilab_valid and not any(i.is_error for i in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.is_error)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if not i.is_error)

    def by_source(self, source: Source | str) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.source == source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ci_valid": self.ci_valid,
            "ilab_valid": self.ilab_valid,
            "portal_valid": self.portal_valid,
            "issues": [i.to_dict() for i in self.issues],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        return cls(
            path=data["path"],
            issues=tuple(Issue.from_dict(i) for i in data.get("issues", ())),
            ci_valid=bool(data["ci_valid"]),
            ilab_valid=bool(data["ilab_valid"]),
        )


def issue(
    severity: Severity,
    source: Source,
    rule: str,
    message: str,
    **where: Any,
) -> Issue:
    """Build an Issue, refusing rule ids that are not registered (keeps ids stable)."""
    if rule not in RULES and not rule.startswith("yamllint."):
        raise ValueError(f"unregistered taxonomy rule id {rule!r}")
    return Issue(severity, source, rule, message, Location(**where))
