"""Validate a qna.yaml (text, entry or file on disk) and return one Report.

What CI does, in its order (instructlab-schema's TaxonomyParser plus the taxonomy
repo's check-yaml.py): name check, strict UTF-8 read with universal newlines,
``yaml.safe_load``, empty file = warning, top-level mapping, yamllint (relaxed, no
line-length; errors fail), the newest JSON schema chosen by folder, then a non-empty
attribution.txt. ``ilab taxonomy diff`` repeats this with each file's own version, no
attribution check and yamllint warnings as errors. The portal adds its policy on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from yaml.error import MarkedYAMLError, YAMLError
from yaml.reader import ReaderError

from .attribution import attribution_issues
from .entries import Attribution, Entry, KnowledgeEntry
from .issues import Issue, Report, Severity, Source, issue
from .lint import lint
from .paths import QNA_FILENAME, check_taxonomy_path, schema_name_for, taxonomy_relative_path
from .policy import DEFAULT_POLICY, TaxonomyPolicy
from .portal import content_issues
from .render import render_attribution, render_qna
from .schema import CI_SCHEMA_VERSION, load_schema, own_version, schema_issues
from .yamlread import (
    NodeIndex,
    ScanResult,
    construct,
    decode_like_ci,
    expanded_size,
    load_tokens,
    scan,
    utf8_size_exceeds,
)

__all__ = ["MAX_EXPANDED_NODES", "validate_entry", "validate_file", "validate_path"]

# A real qna.yaml has a few hundred nodes; aliases that expand past this are an attack.
MAX_EXPANDED_NODES = 100_000
ATTRIBUTION_FILENAME = "attribution.txt"


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _mark_where(error: MarkedYAMLError) -> dict[str, int]:
    mark = error.problem_mark or error.context_mark
    return {"line": mark.line + 1, "column": mark.column + 1} if mark else {}


def _yaml_problem(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "The YAML is nested too deeply to read."
    if isinstance(error, MarkedYAMLError):
        problem = error.problem or str(error)
        if error.context:
            return f"{error.context}, {problem}"
        return problem[:1].upper() + problem[1:] + "."
    return str(error)


class _Validation:
    """One validation run: collects issues and the CI/ilab verdicts as it goes."""

    def __init__(self, display_path: str, rel_path: str, policy: TaxonomyPolicy) -> None:
        self.display_path = display_path
        self.rel_path = rel_path
        self.policy = policy
        self.issues: list[Issue] = []
        self.ilab_failed = False
        # Set when we refuse to evaluate; CI's verdict is then unknown, so not "valid".
        self.unchecked = False

    def add(self, *issues: Issue) -> None:
        self.issues.extend(issues)

    def error(self, source: Source, rule: str, message: str, **where: Any) -> None:
        self.add(issue(Severity.ERROR, source, rule, message, **where))

    def stop(self, source: Source, rule: str, message: str, **where: Any) -> None:
        """A failure CI and ilab share and after which neither reads further."""
        self.error(source, rule, message, **where)
        self.ilab_failed = True

    def report(self) -> Report:
        ci_failed = self.unchecked or any(i.is_error and i.source is Source.CI for i in self.issues)
        issues = self.issues
        limit = self.policy.max_issues
        if len(issues) > limit:
            # A broken file can have one problem per line; nobody reads past the first few
            # hundred, and a stored report must stay small. Verdicts count them all.
            dropped = issues[limit:]
            issues = [
                *issues[:limit],
                issue(
                    Severity.ERROR if any(i.is_error for i in dropped) else Severity.WARNING,
                    dropped[0].source,
                    "report.truncated",
                    f"{len(dropped):,} more issues are not shown; fix the ones above first.",
                ),
            ]
        return Report(
            path=self.display_path,
            issues=tuple(issues),
            ci_valid=not ci_failed,
            ilab_valid=not (self.ilab_failed or self.unchecked),
        )

    # -- the steps -------------------------------------------------------------------

    def run(
        self,
        data: bytes | str,
        attribution_text: str | bytes | None,
        check_attribution: bool,
    ) -> None:
        self.add(*check_taxonomy_path(self.rel_path))
        size = utf8_size_exceeds(data, self.policy.max_file_bytes)
        if size is not None:
            self.unchecked = True
            self.error(
                Source.PORTAL,
                "file.too-large",
                f"The file is {size // 1024} KB; the portal checks files up to "
                f"{self.policy.max_file_bytes // 1024} KB, so it was not checked further.",
            )
            return
        if PurePosixPath(self.rel_path).name != QNA_FILENAME:
            # check_taxonomy_path reported it; CI and ilab read nothing else.
            self.ilab_failed = True
            return
        try:
            text = decode_like_ci(data)
            if isinstance(data, str):
                text.encode("utf-8")  # a str with lone surrogates cannot be written as a file
        except UnicodeError as exc:
            where = {}
            if isinstance(exc, UnicodeDecodeError) and isinstance(data, bytes):
                where = {"line": data.count(b"\n", 0, exc.start) + 1}
            self.stop(
                Source.CI,
                "file.encoding",
                "The file is not valid UTF-8 text; save it as UTF-8.",
                **where,
            )
            return
        try:
            scanned = scan(text, max_tokens=self.policy.max_yaml_tokens + 1)
        except ReaderError as exc:
            self.stop(
                Source.CI,
                "yaml.invalid-character",
                f"The file contains a character YAML does not allow (U+{exc.character:04X}); "
                "remove it.",
                line=_line_of(text, exc.position),
            )
            return
        if scanned.too_many_tokens:
            self.unchecked = True
            self.error(
                Source.PORTAL,
                "file.too-complex",
                f"The file has more than {self.policy.max_yaml_tokens:,} YAML elements, far "
                "more than a qna.yaml needs; it was not checked further.",
            )
            return
        if scanned.first_anchor is not None:
            mark = scanned.first_anchor.start_mark
            self.error(
                Source.PORTAL,
                "yaml.anchor",
                "YAML anchors and aliases (&name, *name) are not allowed; "
                "write values out in full.",
                line=mark.line + 1,
                column=mark.column + 1,
            )
        self._load_and_check(text, scanned, attribution_text, check_attribution)

    def _load_and_check(
        self,
        text: str,
        scanned: ScanResult,
        attribution_text: str | bytes | None,
        check_attribution: bool,
    ) -> None:
        loaded = load_tokens(scanned)
        contents: Any = None
        failure: BaseException | None = loaded.syntax_error or loaded.compose_error
        # Aliases share nodes, so nothing has expanded yet; refuse before anything does.
        if (
            failure is None
            and scanned.has_alias
            and loaded.node is not None
            and expanded_size(loaded.node, MAX_EXPANDED_NODES) is None
        ):
            self.unchecked = True
            self.stop(
                Source.CI,
                "yaml.alias-expansion",
                "Aliases in this file expand to an enormous amount of data; it was not "
                "checked further.",
            )
            return
        if failure is None:
            try:
                contents = construct(loaded.node)
            except (YAMLError, RecursionError) as exc:
                failure = exc
        if failure is not None:
            self._yaml_failure(text, scanned, loaded.syntax_error, failure)
            return

        if not contents:
            # Upstream only warns about an empty file, and CI passes it.
            self.add(
                issue(Severity.WARNING, Source.CI, "file.empty", "The file is empty."),
                issue(Severity.ERROR, Source.PORTAL, "file.empty", "The file has no content."),
            )
            return
        if not isinstance(contents, Mapping):
            self.stop(
                Source.CI,
                "yaml.not-mapping",
                "The top level must be keys and values (like 'version: 3'), not a list or a value.",
                line=1,
            )
            return

        index = NodeIndex(loaded.node)
        version = own_version(contents)
        self._lint(text, scanned, version)
        schema_name = schema_name_for(self.rel_path, contents)
        ci_schema = load_schema(CI_SCHEMA_VERSION, schema_name)
        assert ci_schema is not None, "instructlab-schema lacks its newest schema"
        ci_schema_issues = schema_issues(contents, ci_schema, source=Source.CI, index=index)
        self.add(*ci_schema_issues)
        self._ilab_schema(contents, version, schema_name, index, bool(ci_schema_issues))
        if check_attribution:
            self._attribution(attribution_text)
        self.add(*content_issues(contents, kind=schema_name, index=index, policy=self.policy))

    def _yaml_failure(
        self,
        text: str,
        scanned: ScanResult,
        syntax_error: MarkedYAMLError | None,
        failure: BaseException,
    ) -> None:
        """CI crashes on a file yaml.safe_load rejects; say where, with yamllint's help."""
        self.ilab_failed = True
        complete = scanned.error is None and syntax_error is None
        problems = lint(text, scanned.tokens if complete else None)
        syntax = next((p for p in problems if p.rule is None), None)
        if syntax is not None:
            message = syntax.desc.removeprefix("syntax error: ").removesuffix(" (syntax)")
            self.error(
                Source.CI,
                "yaml.syntax",
                f"The file is not valid YAML: {message}.",
                line=syntax.line,
                column=syntax.column,
            )
        else:
            rule = "yaml.syntax" if failure is syntax_error else "yaml.compose"
            where = _mark_where(failure) if isinstance(failure, MarkedYAMLError) else {}
            self.error(Source.CI, rule, _yaml_problem(failure), **where)
        for problem in problems:
            if problem.rule is not None:
                self._lint_issue(problem, counts_for_ilab=True)

    def _lint(self, text: str, scanned: ScanResult, version: int | None) -> None:
        problems = lint(text, scanned.tokens if scanned.error is None else None)
        # ilab lints only files that declare a version above 1.
        linted_by_ilab = version is None or version > 1
        for problem in problems:
            self._lint_issue(problem, counts_for_ilab=linted_by_ilab)

    def _lint_issue(self, problem: Any, *, counts_for_ilab: bool) -> None:
        where = {"line": problem.line, "column": problem.column}
        rule = f"yamllint.{problem.rule}"
        if problem.level == "error":
            self.error(Source.CI, rule, problem.desc, **where)
            self.ilab_failed |= counts_for_ilab
        elif counts_for_ilab:
            # CI only warns; ilab's strict mode fails the file.
            self.error(Source.ILAB, rule, problem.desc, **where)
            self.ilab_failed = True
        else:
            self.add(issue(Severity.WARNING, Source.CI, rule, problem.desc, **where))

    def _ilab_schema(
        self,
        contents: Mapping[str, Any],
        version: int | None,
        schema_name: str,
        index: NodeIndex,
        ci_schema_failed: bool,
    ) -> None:
        if version == CI_SCHEMA_VERSION:
            self.ilab_failed |= ci_schema_failed  # same schema, same verdict
            return
        self.ilab_failed = True
        if version is None:
            self.error(
                Source.ILAB, "schema.unavailable", "The version is not a number ilab can read."
            )
            return
        schema = load_schema(version, schema_name)
        if schema is None:
            self.error(
                Source.ILAB,
                "schema.unavailable",
                f"There is no version {version} schema for {schema_name}.",
                line=1,
            )
            return
        found = schema_issues(contents, schema, source=Source.ILAB, index=index)
        self.add(*found)
        self.ilab_failed = bool(found)

    def _attribution(self, attribution_text: str | bytes | None) -> None:
        if attribution_text is None:
            self.error(
                Source.CI,
                "attribution.missing",
                f"{ATTRIBUTION_FILENAME} is missing: every contribution needs one beside qna.yaml.",
                path=ATTRIBUTION_FILENAME,
            )
        elif len(attribution_text) == 0:
            self.error(
                Source.CI,
                "attribution.empty",
                f"{ATTRIBUTION_FILENAME} is empty.",
                path=ATTRIBUTION_FILENAME,
            )
        else:
            self.add(*attribution_issues(attribution_text, policy=self.policy))


def validate_file(
    data: bytes | str,
    *,
    path: str | PurePath,
    attribution_text: str | bytes | None = None,
    check_attribution: bool = True,
    policy: TaxonomyPolicy | None = None,
) -> Report:
    """Validate qna.yaml content as if it were at ``path`` in a taxonomy.

    ``path`` is the file's place in the taxonomy (``knowledge/topic/qna.yaml``); anything
    before the top-level taxonomy folder is ignored. ``attribution_text`` is the content of
    the attribution.txt beside it, None when there is none. ``check_attribution=False``
    leaves attribution out entirely (e.g. live feedback on a form page without it).
    """
    return _validate(
        data,
        display_path=str(path),
        rel_path=taxonomy_relative_path(path),
        attribution_text=attribution_text,
        check_attribution=check_attribution,
        policy=policy or DEFAULT_POLICY,
    )


def _validate(
    data: bytes | str,
    *,
    display_path: str,
    rel_path: str,
    attribution_text: str | bytes | None,
    check_attribution: bool,
    policy: TaxonomyPolicy,
) -> Report:
    run = _Validation(display_path, rel_path, policy)
    run.run(data, attribution_text, check_attribution)
    return run.report()


def validate_entry(
    entry: Entry,
    *,
    path: str | PurePath,
    attribution: Attribution | None = None,
    check_attribution: bool = True,
    policy: TaxonomyPolicy | None = None,
) -> Report:
    """Validate an entry exactly as the file the portal would write for it.

    The entry is rendered first, so the verdict is the verdict of the pull request.
    Line numbers refer to the rendered qna.yaml.
    """
    attribution_text = render_attribution(attribution) if attribution is not None else None
    report = validate_file(
        render_qna(entry),
        path=path,
        attribution_text=attribution_text,
        check_attribution=check_attribution,
        policy=policy,
    )
    expected = "knowledge" if isinstance(entry, KnowledgeEntry) else "compositional_skills"
    rel_path = taxonomy_relative_path(path)
    if (
        rel_path.split("/", 1)[0] in ("knowledge", "compositional_skills")
        and schema_name_for(rel_path) != expected
    ):
        kind = "knowledge" if expected == "knowledge" else "skill"
        mismatch = issue(
            Severity.ERROR,
            Source.PORTAL,
            "path.kind-mismatch",
            f"A {kind} entry belongs under {expected}/, not {rel_path}.",
            field="path",
        )
        report = Report(
            path=report.path,
            issues=(mismatch, *report.issues),
            ci_valid=report.ci_valid,
            ilab_valid=report.ilab_valid,
        )
    return report


def validate_path(
    file: str | Path,
    *,
    taxonomy_path: str | PurePath | None = None,
    policy: TaxonomyPolicy | None = None,
) -> Report:
    """Validate a qna.yaml on disk, reading the attribution.txt beside it as CI does.

    ``taxonomy_path`` is its path inside the taxonomy; by default it is derived from
    ``file`` (the part from compositional_skills/, knowledge/ or foundational_skills/ on).
    Reads at most one byte more than the size limit, so huge files cost nothing.
    """
    policy = policy or DEFAULT_POLICY
    file = Path(file)
    with file.open("rb") as handle:
        data = handle.read(policy.max_file_bytes + 1)
    attribution_file = file.with_name(ATTRIBUTION_FILENAME)
    attribution: bytes | None = None
    if attribution_file.is_file():
        with attribution_file.open("rb") as handle:
            attribution = handle.read(policy.max_file_bytes)
    return _validate(
        data,
        display_path=str(file),
        rel_path=taxonomy_relative_path(taxonomy_path if taxonomy_path is not None else file),
        attribution_text=attribution,
        check_attribution=True,
        policy=policy,
    )
