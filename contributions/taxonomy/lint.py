"""yamllint with the taxonomy CI's configuration, run on tokens we already have.

The taxonomy CI runs the ``yamllint`` command with
``{extends: relaxed, rules: {line-length: disable}}``; only its errors fail CI, and
``ilab taxonomy diff`` turns its warnings into errors too. yamllint's own driver scans
the text twice (once for syntax, once for its rules). For a text that scanned and parsed
cleanly we feed yamllint's rule functions the tokens we recorded, in yamllint's order and
with its ``# yamllint`` directives honoured, which gives the same problems without the
rescans. Anything unusual (a syntax error) goes through yamllint's own driver unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

import yamllint
from yaml import tokens as yaml_tokens
from yamllint import linter
from yamllint.config import YamlLintConfig
from yamllint.linter import LintProblem
from yamllint.parser import Comment, Line, comments_between_tokens, line_generator

__all__ = ["CI_YAMLLINT_CONFIG", "lint"]

CI_YAMLLINT_CONFIG = "{extends: relaxed, rules: {line-length: disable}}"

_DISABLE_FILE = re.compile(r"^#\s*yamllint disable-file\s*$")
_DISABLE = re.compile(r"^# yamllint disable((?: rule:\S+)*)\s*$")
_ENABLE = re.compile(r"^# yamllint enable((?: rule:\S+)*)\s*$")
_DISABLE_LINE = re.compile(r"^# yamllint disable-line((?: rule:\S+)*)\s*$")
_RULE_ARG = re.compile(r" rule:(\S+)")

# Token rules that ignore their context and can only report on these token types (read
# from yamllint's rule code; the table is trusted only for the yamllint release it was
# read from). Calling them for other tokens is pure overhead: each call builds a generator.
_TRIGGERS_VERSION = "1.38.0"
_TRIGGERS: dict[str, tuple[type, ...]] = {
    "braces": (yaml_tokens.FlowMappingStartToken, yaml_tokens.FlowMappingEndToken),
    "brackets": (yaml_tokens.FlowSequenceStartToken, yaml_tokens.FlowSequenceEndToken),
    "commas": (yaml_tokens.FlowEntryToken,),
    "hyphens": (yaml_tokens.BlockEntryToken,),
    "colons": (yaml_tokens.ValueToken, yaml_tokens.KeyToken),
}


@dataclass(frozen=True)
class _Rules:
    config: YamlLintConfig
    token: tuple[ModuleType, ...]
    comment: tuple[ModuleType, ...]
    line: tuple[ModuleType, ...]
    ids: frozenset[str]
    triggers: dict[str, tuple[type, ...]]


@functools.cache
def _rules() -> _Rules:
    """Build the CI yamllint configuration once (upstream rebuilds it for every file)."""
    config = YamlLintConfig(CI_YAMLLINT_CONFIG)
    enabled = config.enabled_rules(None)
    return _Rules(
        config=config,
        token=tuple(r for r in enabled if r.TYPE == "token"),
        comment=tuple(r for r in enabled if r.TYPE == "comment"),
        line=tuple(r for r in enabled if r.TYPE == "line"),
        ids=frozenset(r.ID for r in enabled),
        triggers=_TRIGGERS if yamllint.APP_VERSION == _TRIGGERS_VERSION else {},
    )


def lint(text: str, tokens: Sequence[yaml_tokens.Token] | None = None) -> list[LintProblem]:
    """yamllint's problems for ``text`` under the CI configuration, in yamllint's order.

    ``tokens`` must be the complete token list of a text that scanned without error;
    without it (or for a text with a syntax error) yamllint's own driver is used.
    """
    rules = _rules()
    if tokens is None:
        return list(linter.run(text, rules.config))
    first_line = next(line_generator(text)).content
    if _DISABLE_FILE.match(first_line):
        return []
    return _cosmetic_problems(text, tokens, rules)


class _Silencer:
    """yamllint's ``# yamllint disable / enable / disable-line`` directives."""

    def __init__(self, ids: frozenset[str]) -> None:
        self.ids = ids
        self.disabled: set[str] = set()  # until "# yamllint enable"
        self.this_line: set[str] = set()  # "disable-line" at the end of this line
        self.next_line: set[str] = set()  # "disable-line" on a line of its own

    def _named(self, match: re.Match[str]) -> set[str] | None:
        named = _RULE_ARG.findall(match.group(1))
        return set(named) if named else None  # none named means all rules

    def comment(self, comment: Comment) -> None:
        text = str(comment)
        if match := _DISABLE.match(text):
            named = self._named(match)
            self.disabled |= self.ids if named is None else named & self.ids
        elif match := _ENABLE.match(text):
            named = self._named(match)
            self.disabled -= self.ids if named is None else named
        if match := _DISABLE_LINE.match(text):
            named = self._named(match)
            target = self.this_line if comment.is_inline() else self.next_line
            target |= self.ids if named is None else named & self.ids

    def allows(self, problem: LintProblem) -> bool:
        return problem.rule not in self.disabled and problem.rule not in self.this_line

    def end_line(self) -> None:
        self.this_line = self.next_line
        self.next_line = set()


def _cosmetic_problems(
    text: str, tokens: Sequence[yaml_tokens.Token], rules: _Rules
) -> list[LintProblem]:
    """yamllint's rule pass, fed recorded tokens.

    Elements are visited in yamllint's order: each token (with its neighbours), then the
    comments after it; a line is visited once no later element starts on or before it, and
    the problems collected so far are reported then, unless a directive silenced them.
    """
    conf = rules.config.rules
    token_checks = [
        (r.check, conf[r.ID], {}, r.ID, conf[r.ID]["level"], rules.triggers.get(r.ID))
        for r in rules.token
    ]
    # The checks that can act on each token class, worked out once per class.
    by_class: dict[type, list[tuple]] = {}
    comment_checks = [(r.check, conf[r.ID], r.ID, conf[r.ID]["level"]) for r in rules.comment]
    line_checks = [(r.check, conf[r.ID], r.ID, conf[r.ID]["level"]) for r in rules.line]
    silencer = _Silencer(rules.ids)
    pending: list[LintProblem] = []
    reported: list[LintProblem] = []
    lines = line_generator(text)
    line: Line | None = next(lines, None)

    def finish(line: Line) -> None:
        for check, rule_conf, rule_id, level in line_checks:
            for problem in check(rule_conf, line):
                problem.rule, problem.level = rule_id, level
                pending.append(problem)
        reported.extend(p for p in pending if silencer.allows(p))
        pending.clear()
        silencer.end_line()

    count = len(tokens)
    prev = None
    for i, curr in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < count else None
        nxtnxt = tokens[i + 2] if i + 2 < count else None
        line_no = curr.start_mark.line + 1
        while line is not None and line.line_no < line_no:
            finish(line)
            line = next(lines, None)
        checks = by_class.get(type(curr))
        if checks is None:
            checks = by_class[type(curr)] = [
                c for c in token_checks if c[5] is None or isinstance(curr, c[5])
            ]
        for check, rule_conf, context, rule_id, level, _ in checks:
            for problem in check(rule_conf, curr, prev, nxt, nxtnxt, context):
                problem.rule, problem.level = rule_id, level
                pending.append(problem)
        # comments_between_tokens finds nothing between tokens on one line (the common
        # case); skip the call there, using its own test.
        if (
            nxt is None
            or curr.end_mark.line != nxt.start_mark.line
            or isinstance(curr, yaml_tokens.StreamStartToken)
            or isinstance(nxt, yaml_tokens.StreamEndToken)
        ):
            for comment in comments_between_tokens(curr, nxt):
                while line is not None and line.line_no < comment.line_no:
                    finish(line)
                    line = next(lines, None)
                for check, rule_conf, rule_id, level in comment_checks:
                    for problem in check(rule_conf, comment):
                        problem.rule, problem.level = rule_id, level
                        pending.append(problem)
                silencer.comment(comment)
        prev = curr
    while line is not None:
        finish(line)
        line = next(lines, None)
    return reported
