"""Checking an entry with the taxonomy engine, and building the files that will be committed.

The taxonomy engine (`contributions.taxonomy`) knows InstructLab's rules; this module knows the
portal's data: a draft or a revision, its knowledge documents, where those documents will live in
the docs repository. It turns them into engine entries, adds the few checks that need the
documents or the synced taxonomy tree, and stores the verdict on the contribution.

The draft JSON (`Contribution.draft`) is `{"entry": <qna.yaml data>, "attribution": {...}}` where
the entry has the qna.yaml keys (`version`, `created_by`, `task_description` or `domain` and
`document_outline`, `seed_examples`; see `drafts.py`). A knowledge draft never stores `document`:
the portal fills it from the uploaded documents, and the pull-request pipeline fixes its commit
with `entry_for_commit(revision, docs_commit_sha=...)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contributions.models import Contribution, KnowledgeDocument, Revision, TaxonomyTree
from contributions.quality.grounding import locate_passage
from contributions.taxonomy.entries import (
    Attribution,
    DocumentRef,
    Entry,
    KnowledgeEntry,
    KnowledgeSeed,
    QAPair,
    SkillEntry,
    SkillSeed,
)
from contributions.taxonomy.issues import Issue, Location, Report, Severity, Source
from contributions.taxonomy.policy import TaxonomyPolicy
from contributions.taxonomy.render import render_attribution, render_qna
from contributions.taxonomy.validate import validate_entry
from contributions.workflow import EDITABLE, Status

from .core import event_record, lock_contribution
from .drafts import QNA_VERSION

SKILL_ROOT = "compositional_skills"
KNOWLEDGE_ROOT = "knowledge"
# Knowledge drafts are checked before their documents are committed: the commit that will hold
# them is only known once the pull-request pipeline has made it. Forty zeros is a valid-looking
# SHA that nobody can mistake for a real one.
DOCUMENT_COMMIT_PLACEHOLDER = "0" * 40

# Rules this module adds to the engine's (they need the documents or the taxonomy tree).
PORTAL_RULES: dict[str, str] = {
    "path.missing": "the entry has no place in the taxonomy yet",
    "summary.missing": "the entry has no summary, which reviewers and the pull request show",
    "path.has-entry": "the chosen folder already holds an entry, which this one would replace",
    "document.missing": "a knowledge entry needs at least one document",
    "document.context-not-found": "a context does not appear in the documents",
    "entry.kind-unknown": "the entry is neither a skill nor knowledge",
}

# Engine rules that mean "this field is still empty": shown as a to-do, not as a mistake.
TODO_RULES = frozenset({"schema.required", "schema.min-length", "content.blank-text"})


def policy() -> TaxonomyPolicy:
    """The engine's policy with this portal's allowed licences."""
    return TaxonomyPolicy(allowed_licenses=tuple(settings.TAXONOMY_ALLOWED_LICENSES))


def docs_repo_url() -> str:
    """The https address of the repository that holds knowledge documents (document.repo)."""
    return settings.KNOWLEDGE_DOCS_REPO_URL


def document_path(taxonomy_path: str, filename: str) -> str:
    """Where a knowledge document lives in the docs repository: beside its entry's path."""
    return f"{taxonomy_path.strip('/')}/{filename}"


def root_for(kind: str) -> str:
    return SKILL_ROOT if kind == Contribution.Kind.SKILL else KNOWLEDGE_ROOT


# --- From the portal's data to engine entries ---


def entry_from_draft(
    *,
    kind: str,
    entry: Mapping[str, Any],
    document: DocumentRef | None = None,
) -> Entry:
    """An engine entry from stored qna.yaml data (a draft's or a revision's)."""
    seeds = entry.get("seed_examples") or []
    if kind == Contribution.Kind.SKILL:
        return SkillEntry(
            created_by=entry.get("created_by", ""),
            task_description=entry.get("task_description", ""),
            seed_examples=[
                SkillSeed(
                    question=s.get("question", ""),
                    answer=s.get("answer", ""),
                    context=s.get("context") or None,
                )
                for s in seeds
            ],
        )
    return KnowledgeEntry(
        created_by=entry.get("created_by", ""),
        domain=entry.get("domain", ""),
        document_outline=entry.get("document_outline", ""),
        seed_examples=[
            KnowledgeSeed(
                context=s.get("context", ""),
                questions_and_answers=[
                    QAPair(question=qa.get("question", ""), answer=qa.get("answer", ""))
                    for qa in s.get("questions_and_answers") or []
                ],
            )
            for s in seeds
        ],
        document=document or DocumentRef(),
    )


def entry_to_draft(entry: Entry) -> dict[str, Any]:
    """Stored qna.yaml data from an engine entry (for example one just imported)."""
    if isinstance(entry, SkillEntry):
        return {
            "version": QNA_VERSION,
            "created_by": entry.created_by,
            "task_description": entry.task_description,
            "seed_examples": [
                {
                    **({"context": s.context} if s.context else {}),
                    "question": s.question,
                    "answer": s.answer,
                }
                for s in entry.seed_examples
            ],
        }
    return {
        "version": QNA_VERSION,
        "created_by": entry.created_by,
        "domain": entry.domain,
        "document_outline": entry.document_outline,
        "seed_examples": [
            {
                "context": s.context,
                "questions_and_answers": [qa.to_dict() for qa in s.questions_and_answers],
            }
            for s in entry.seed_examples
        ],
    }


def attribution_from_draft(data: Mapping[str, Any] | None) -> Attribution:
    data = data or {}
    return Attribution(
        **{key: str(data.get(key) or "") for key in Attribution.__dataclass_fields__}
    )


def document_ref(
    *, taxonomy_path: str, filenames: Iterable[str], docs_commit_sha: str | None
) -> DocumentRef:
    """Where the entry's documents will be: the docs repo, one commit, one path per file."""
    return DocumentRef(
        repo=docs_repo_url(),
        commit=docs_commit_sha or DOCUMENT_COMMIT_PLACEHOLDER,
        patterns=[document_path(taxonomy_path, name) for name in sorted(filenames)],
    )


# --- What gets committed ---


class CommitFiles(NamedTuple):
    """The files of one entry as they will be committed.

    `qna_yaml` and `attribution` go to `<taxonomy_path>/qna.yaml` and
    `<taxonomy_path>/attribution.txt` in the taxonomy repo; `documents` maps each document's
    path in the docs repo to its markdown text (empty for skills).
    """

    qna_yaml: str
    attribution: str
    documents: dict[str, str]


@dataclass(frozen=True)
class _Material:
    kind: str
    taxonomy_path: str
    entry: Mapping[str, Any]
    attribution: Mapping[str, Any]
    documents: tuple[tuple[str, str], ...]  # (filename, content)
    summary: str = ""


def _material(source: Contribution | Revision) -> _Material:
    if isinstance(source, Revision):
        documents = source.documents.all()
        return _Material(
            kind=source.kind,
            taxonomy_path=source.taxonomy_path,
            entry=source.content,
            attribution=source.attribution,
            documents=tuple((d.filename, d.content) for d in documents),
            summary=source.summary,
        )
    draft = source.draft or {}
    documents = (
        KnowledgeDocument.objects.filter(contribution=source, revision__isnull=True)
        if source.pk is not None
        else []
    )
    return _Material(
        kind=source.kind,
        taxonomy_path=source.taxonomy_path,
        entry=draft.get("entry") or {},
        attribution=draft.get("attribution") or {},
        documents=tuple((d.filename, d.content) for d in documents),
        summary=source.summary,
    )


def _engine_entry(material: _Material, docs_commit_sha: str | None) -> Entry:
    document = None
    if material.kind == Contribution.Kind.KNOWLEDGE:
        document = document_ref(
            taxonomy_path=material.taxonomy_path,
            filenames=[name for name, _ in material.documents],
            docs_commit_sha=docs_commit_sha,
        )
    return entry_from_draft(kind=material.kind, entry=material.entry, document=document)


def entry_for_commit(
    source: Contribution | Revision, *, docs_commit_sha: str | None = None
) -> CommitFiles:
    """The exact qna.yaml, attribution.txt and documents for a draft or a revision.

    Give `docs_commit_sha` (the commit in the docs repo that holds the documents) to get the
    final qna.yaml; without it, `document.commit` is DOCUMENT_COMMIT_PLACEHOLDER.
    """
    material = _material(source)
    if docs_commit_sha is not None and not re.fullmatch(r"[0-9a-f]{40}", docs_commit_sha):
        raise ValueError("docs_commit_sha must be a full 40-character lowercase hex SHA")
    entry = _engine_entry(material, docs_commit_sha)
    documents = {
        document_path(material.taxonomy_path, name): content
        for name, content in sorted(material.documents)
    }
    if material.kind == Contribution.Kind.SKILL:
        documents = {}
    return CommitFiles(
        qna_yaml=render_qna(entry),
        attribution=render_attribution(attribution_from_draft(material.attribution)),
        documents=documents,
    )


# --- Checking ---


def _portal_issue(severity: Severity, rule: str, message: str, **where: Any) -> Issue:
    assert rule in PORTAL_RULES, rule
    return Issue(severity, Source.PORTAL, rule, message, Location(**where))


def _plain(text: str) -> str:
    """Text reduced to lowercase words, so markdown markup and wrapping do not matter."""
    return " ".join(re.sub(r"[*_`#>|\[\]()\\~]+", " ", text.lower()).split())


def _context_issues(material: _Material) -> list[Issue]:
    """Passages not found in the documents, allowing for wrapping, markup and small edits."""
    found = []
    for number, seed in enumerate(material.entry.get("seed_examples") or [], start=1):
        context = seed.get("context") or ""
        if not (context.strip() and material.documents):
            continue
        if _plain(context) in _plain_corpus(material):
            continue
        place = locate_passage(
            context, material.documents, min_score=settings.QUALITY_PASSAGE_MATCH
        )
        if place is None:
            found.append(
                _portal_issue(
                    Severity.WARNING,
                    "document.context-not-found",
                    "This passage does not appear in your documents. Copy it from a document "
                    "word for word (or select it in the document), so the model learns from "
                    "the right text.",
                    seed=number,
                    field="context",
                )
            )
    return found


def _plain_corpus(material: _Material) -> str:
    return " \n ".join(_plain(content) for _, content in material.documents)


def _path_issues(material: _Material, tree_folders: Mapping[str, Any] | None) -> list[Issue]:
    path = material.taxonomy_path.strip("/")
    if not path:
        return [
            _portal_issue(
                Severity.ERROR,
                "path.missing",
                "Choose where your entry goes in the taxonomy: pick a folder from the list or "
                f"type a path starting with {root_for(material.kind)}/.",
                field="path",
            )
        ]
    folder = (tree_folders or {}).get(path)
    if isinstance(folder, Mapping) and folder.get("has_qna"):
        return [
            _portal_issue(
                Severity.WARNING,
                "path.has-entry",
                "This folder already has an entry in the taxonomy, and yours would replace it. "
                "To add something new, add a folder inside it.",
                field="path",
            )
        ]
    return []


def _is_generated_document_issue(issue: Issue) -> bool:
    return bool(issue.location.field and issue.location.field.startswith("document"))


def _validate_material(material: _Material, tree_folders: Mapping[str, Any] | None) -> Report:
    extra: list[Issue] = _path_issues(material, tree_folders)
    if not material.summary.strip():
        extra.insert(
            0,
            _portal_issue(
                Severity.ERROR,
                "summary.missing",
                "Give your entry a short summary: reviewers see it in their list.",
                field="summary",
            ),
        )
    path = material.taxonomy_path.strip("/") or root_for(material.kind)
    report = validate_entry(
        _engine_entry(material, None),
        path=f"{path}/qna.yaml",
        attribution=attribution_from_draft(material.attribution),
        policy=policy(),
    )
    issues = list(report.issues)
    if not material.taxonomy_path.strip("/"):
        # The engine checked a stand-in path; its path complaints would only repeat ours.
        issues = [i for i in issues if i.location.field != "path"]
    if material.kind == Contribution.Kind.KNOWLEDGE:
        if not material.documents:
            # The document reference is the portal's job; say what the person must do instead.
            issues = [i for i in issues if not _is_generated_document_issue(i)]
            extra.append(
                _portal_issue(
                    Severity.ERROR,
                    "document.missing",
                    "Add at least one document: upload a .md file or write one on this page.",
                    field="documents",
                )
            )
        extra += _context_issues(material)
    return Report(
        path=report.path,
        issues=(*issues, *extra),
        ci_valid=report.ci_valid,
        ilab_valid=report.ilab_valid,
    )


def taxonomy_folders() -> Mapping[str, Any]:
    """The synced folder map of the target taxonomy ({} until the first sync)."""
    tree = TaxonomyTree.objects.filter(repo__iexact=settings.TAXONOMY_REPO).only("folders").first()
    return tree.folders if tree and isinstance(tree.folders, Mapping) else {}


def report_for(
    source: Contribution | Revision, *, tree_folders: Mapping[str, Any] | None = None
) -> Report:
    """Check a draft or a revision with the taxonomy engine and the portal's own rules."""
    if tree_folders is None:
        tree_folders = taxonomy_folders()
    return _validate_material(_material(source), tree_folders)


def report_blocks_submit(report: Report) -> bool:
    """Whether the report has anything that must be fixed before the entry is submitted."""
    return not report.ci_valid or bool(report.errors)


def validation_fields(report: Report) -> dict[str, Any]:
    """The contribution fields that record a report."""
    return {
        "validation_state": (
            Contribution.Validation.FAILED
            if report_blocks_submit(report)
            else Contribution.Validation.PASSED
        ),
        "validation_issues": [i.to_dict() for i in report.issues],
        "validated_at": timezone.now(),
    }


def report_summary(report: Report) -> dict[str, Any]:
    """The report as JSON, with the portal's verdict on whether it may be submitted."""
    data = report.to_dict()
    data["can_submit"] = not report_blocks_submit(report)
    data["errors"] = len(report.errors)
    data["warnings"] = len(report.warnings)
    return data


@transaction.atomic
def contribution_validate(*, contribution_id: int) -> dict[str, Any]:
    """Check an entry (its draft while editable, else its current revision) and record it."""
    contribution = lock_contribution(contribution_id)
    source: Contribution | Revision = contribution
    if Status(contribution.status) not in EDITABLE and contribution.current_revision_id:
        source = contribution.current_revision
    report = report_for(source)
    fields = validation_fields(report)
    before = contribution.validation_state
    for name, value in fields.items():
        setattr(contribution, name, value)
    # Not "updated_at": a check is not activity on the entry.
    contribution.save(update_fields=list(fields))
    event_record(
        contribution=contribution,
        actor=None,
        event="validated",
        data={
            "state": fields["validation_state"],
            "previous_state": before,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "revision": source.number if isinstance(source, Revision) else None,
        },
    )
    return report_summary(report)
