"""Everything the editor's templates need, built from the entry (or what was just posted)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.timezone import localtime

from contributions.forms_contributor import (
    FIELD_HELP,
    DocumentUploadForm,
    DocumentWriteForm,
    EditorData,
    ImportForm,
    SubmitForm,
    max_document_size_text,
)
from contributions.models import Contribution
from contributions.selectors import contributor as selectors
from contributions.selectors import conversions as conversion_selectors
from contributions.services import validation
from contributions.services.accounts import DCO_TEXT, profile_get_or_create
from contributions.services.contributions import submit_blockers

from .fields import KNOWLEDGE, SKILL, FieldView, SeedView, build_seeds, editor_values, field_view
from .findings import Checks, checks_for, quiet_empty_duplicates


@dataclass
class EditorView:
    top: dict[str, FieldView]
    seeds: list[SeedView]
    attribution: list[FieldView]
    checks: Checks

    @property
    def slots(self) -> list[FieldView]:
        return list(self.top.values()) + self.attribution


def _slots_in_form_order(
    top: dict[str, FieldView], seeds: list[SeedView], attribution: list[FieldView]
) -> list[str]:
    """Every findings slot, in the order the form shows them (the checks list follows it)."""
    slots = [*top, "documents", "seeds"]  # summary, path, then the kind's own fields
    for seed in seeds:
        slots += [f.name for f in seed.fields] + [seed.qas_key]
        for pair in seed.pairs:
            slots += [pair.question.name, pair.answer.name, pair.key]
        slots.append(seed.key)
    return slots + [f.name for f in attribution] + ["general"]


def editor_view(contribution: Contribution, posted: EditorData | None = None) -> EditorView:
    values = editor_values(contribution, posted)
    entry = values["draft"].get("entry") or {}
    attribution = values["draft"].get("attribution") or {}
    top = {
        "summary": field_view("summary", values["summary"], multiline=False),
        "taxonomy_path": field_view(
            "taxonomy_path", values["taxonomy_path"], "path", multiline=False
        ),
    }
    if contribution.kind == SKILL:
        top["task_description"] = field_view("task_description", entry.get("task_description"))
    else:
        top["domain"] = field_view("domain", entry.get("domain"), multiline=False)
        top["document_outline"] = field_view("document_outline", entry.get("document_outline"))
    attribution_fields = [
        field_view(
            f"attribution-{key}", attribution.get(key), f"attribution.{key}", multiline=False
        )
        for key in ("title", "link", "revision", "license", "creators")
    ]
    seeds = build_seeds(contribution.kind, entry)
    checks = checks_for(contribution, _slots_in_form_order(top, seeds, attribution_fields))
    quiet_empty_duplicates(checks, seeds)
    for view in list(top.values()) + attribution_fields:
        view.issues = checks.by_slot.get(view.name, [])
    for seed in seeds:
        seed.issues = checks.by_slot.get(seed.key, [])
        seed.pair_issues = checks.by_slot.get(f"{seed.key}-qas", [])
        for view in seed.fields:
            view.issues = checks.by_slot.get(view.name, [])
        for pair in seed.pairs:
            pair.issues = checks.by_slot.get(pair.key, [])
            pair.question.issues = checks.by_slot.get(pair.question.name, [])
            pair.answer.issues = checks.by_slot.get(pair.answer.name, [])
    return EditorView(top=top, seeds=seeds, attribution=attribution_fields, checks=checks)


def _saved_text(contribution: Contribution) -> str:
    if not contribution.draft_saved_at:
        return ""
    return date_format(localtime(contribution.draft_saved_at), "H:i")


def editor_context(
    request: HttpRequest,
    contribution: Contribution,
    *,
    posted: EditorData | None = None,
    state: str = "saved",
    message: str = "",
    focus: str = "",
) -> dict[str, Any]:
    profile = profile_get_or_create(user=request.user)
    editor = editor_view(contribution, posted)
    size = max_document_size_text()
    return {
        "contribution": contribution,
        "is_skill": contribution.kind == SKILL,
        "editor": editor,
        "checks": editor.checks,
        "draft_version": contribution.draft_version,
        "saved_at": _saved_text(contribution),
        "state": state,
        "message": message,
        "focus": focus,
        "licenses": settings.TAXONOMY_ALLOWED_LICENSES,
        "seed_word_limit": validation.policy().max_seed_words,
        "help": FIELD_HELP,
        "documents_help": FIELD_HELP["documents"].help.format(max_size=size),
        "documents": selectors.draft_documents(contribution=contribution)
        if contribution.kind == KNOWLEDGE
        else [],
        "conversions": conversion_selectors.draft_conversions(contribution=contribution)
        if contribution.kind == KNOWLEDGE
        else [],
        "upload_form": DocumentUploadForm(),
        "write_form": DocumentWriteForm(),
        "max_document_size": size,
        "tree_root": validation.root_for(contribution.kind),
        "trash": (posted.draft if posted else contribution.draft or {}).get("trash") or [],
        "profile": profile,
        "commit_name": profile.commit_identity[0],
        "commit_email": profile.commit_identity[1],
        "dco_text": DCO_TEXT,
        "submit_form": SubmitForm(),
        "blockers": submit_blockers(contribution, request.user),
        "import_form": ImportForm(),
        "is_resubmit": contribution.current_revision_id is not None,
    }


def yaml_context(contribution: Contribution) -> dict[str, Any]:
    files = validation.entry_for_commit(contribution)
    return {
        "qna_yaml": files.qna_yaml,
        "attribution_txt": files.attribution,
        "document_paths": list(files.documents),
        "qna_path": contribution.qna_path or f"{validation.root_for(contribution.kind)}/…/qna.yaml",
        "docs_repo": validation.docs_repo_url(),
        "placeholder_commit": validation.DOCUMENT_COMMIT_PLACEHOLDER,
    }
