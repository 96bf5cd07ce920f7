"""New drafts from existing material: a copy of an entry, or a qna.yaml (and attribution.txt)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from contributions.models import Contribution, KnowledgeDocument
from contributions.taxonomy import TaxonomyImportError, import_qna

from . import drafts, validation
from .contributions import (
    CHECK_FIELDS,
    _check_editable,
    _draft_documents,
    _record_validation,
    author_created_by,
    contribution_create_draft,
)
from .core import ConflictError, PermissionDenied, ServiceError, event_record, lock_contribution


@transaction.atomic
def contribution_duplicate(*, contribution_id: int, actor: AbstractBaseUser) -> Contribution:
    """Start a new draft from a copy of one of the author's entries (and its documents)."""
    original = Contribution.objects.select_related("current_revision").get(pk=contribution_id)
    if original.author_id != actor.pk:
        raise PermissionDenied("You can only duplicate your own entries.")
    documents = _draft_documents(original)
    draft = original.draft or {}
    if not documents and original.current_revision_id:
        documents = list(original.current_revision.documents.all())
    draft = {"entry": draft.get("entry", {}), "attribution": draft.get("attribution", {})}
    summary = f"Copy of {original.summary}" if original.summary else ""
    copy = contribution_create_draft(
        author=actor,
        kind=original.kind,
        summary=summary[:200],
        taxonomy_path=original.taxonomy_path,
        draft=draft,
    )
    for document in documents:
        KnowledgeDocument.objects.create(
            contribution=copy, filename=document.filename, content=document.content
        )
    if documents:
        _record_validation(copy)
        copy.save(update_fields=CHECK_FIELDS)
    event_record(
        contribution=copy,
        actor=actor,
        event="duplicated",
        data={"from": original.pk, "documents": len(documents)},
    )
    return copy


SUMMARY_LENGTH = Contribution._meta.get_field("summary").max_length


def summary_from_entry(*, kind: str, entry: dict) -> str:
    """A summary for an imported entry: its task, or its subject (else the outline's first line)."""
    if kind == Contribution.Kind.SKILL:
        text = entry.get("task_description") or ""
    else:
        outline = (entry.get("document_outline") or "").splitlines()
        text = entry.get("domain") or next((line for line in outline if line.strip()), "")
    text = " ".join(str(text).split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] or text[: SUMMARY_LENGTH - 1]
    return cut + "…"


@transaction.atomic
def contribution_import(
    *,
    actor: AbstractBaseUser,
    qna_text: str | bytes,
    attribution_text: str | bytes = "",
    contribution_id: int | None = None,
    kind: str | None = None,
    taxonomy_path: str = "",
    expected_version: int | None = None,
) -> tuple[Contribution, list[str]]:
    """Start an entry from a qna.yaml (and attribution.txt), or refill a draft with one.

    Returns the entry and notes for the person about what was adjusted. A refill replaces the
    draft's examples; the replaced draft is kept in the audit event so nothing is lost.
    """
    try:
        result = import_qna(qna_text, attribution_text=attribution_text or None)
    except TaxonomyImportError as error:
        raise ServiceError(f"This file could not be imported. {error}") from error
    imported_kind = (
        Contribution.Kind.KNOWLEDGE if result.entry.KIND == "knowledge" else Contribution.Kind.SKILL
    )
    notes = [issue.message for issue in getattr(result, "issues", ())]
    if imported_kind == Contribution.Kind.KNOWLEDGE and result.entry.document.patterns:
        notes.append(
            "The file points to its documents in another repository. Add those documents "
            "here (upload the .md files) so the portal can keep them with your entry."
        )
    attribution = validation.attribution_from_draft({}).to_dict()
    if result.attribution is not None:
        attribution = result.attribution.to_dict()
    draft = {"entry": validation.entry_to_draft(result.entry), "attribution": attribution}
    if contribution_id is None:
        if kind and kind != imported_kind:
            raise ServiceError(
                f"This file is a {imported_kind} entry, not a {kind} entry. Choose "
                f"'{Contribution.Kind(imported_kind).label}' and import it again."
            )
        contribution = contribution_create_draft(
            author=actor,
            kind=imported_kind,
            taxonomy_path=taxonomy_path,
            draft=draft,
            summary=summary_from_entry(kind=imported_kind, entry=draft["entry"]),
        )
        event_record(
            contribution=contribution,
            actor=actor,
            event="imported",
            data={"notes": notes, "refill": False},
        )
        return contribution, notes
    contribution = lock_contribution(contribution_id)
    _check_editable(contribution, actor)
    if contribution.kind != imported_kind:
        raise ServiceError(
            f"This file is a {imported_kind} entry but you are editing a {contribution.kind} "
            "entry. Start a new entry from the file instead."
        )
    if expected_version is not None and expected_version != contribution.draft_version:
        raise ConflictError(
            "This entry was changed in another window or device. Reload it before importing."
        )
    replaced = contribution.draft
    if result.attribution is None:
        draft["attribution"] = (replaced or {}).get("attribution", attribution)
    contribution.draft = drafts.draft_clean(
        kind=contribution.kind, draft=draft, created_by=author_created_by(actor)
    )
    if taxonomy_path.strip():
        contribution.taxonomy_path = taxonomy_path.strip().strip("/")
    if not contribution.summary.strip():
        contribution.summary = summary_from_entry(kind=contribution.kind, entry=draft["entry"])
    contribution.draft_version += 1
    contribution.draft_saved_at = timezone.now()
    _record_validation(contribution)
    contribution.save()
    event_record(
        contribution=contribution,
        actor=actor,
        event="imported",
        data={"notes": notes, "refill": True, "replaced_draft": replaced},
    )
    return contribution, notes
