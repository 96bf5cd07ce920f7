"""The entry editor: the page, its autosave (htmx), documents, the folder picker and YAML view.

Everything the editor posts is parsed by `EditorData`; the services do the writing. The page
works without JavaScript (plain form posts); with htmx it saves as the person types and shows
the checks at each field without reloading.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_GET, require_POST

from contributions import permissions
from contributions.forms_contributor import (
    FIELD_HELP,
    DocumentUploadForm,
    DocumentWriteForm,
    EditorData,
    FieldHelp,
    ImportForm,
    SubmitForm,
    max_document_size_text,
)
from contributions.markdown import markdown_to_html
from contributions.models import Contribution
from contributions.selectors import contributor as selectors
from contributions.services import documents as document_services
from contributions.services import validation
from contributions.services.accounts import DCO_TEXT, profile_get_or_create
from contributions.services.contributions import contribution_save_draft, submit_blockers
from contributions.services.core import ConflictError, ServiceError
from contributions.taxonomy.paths import check_new_folder_name, suggest_folder_name
from contributions.taxonomy.words import count_words

SKILL = Contribution.Kind.SKILL
KNOWLEDGE = Contribution.Kind.KNOWLEDGE
# Findings that only mean "not filled in yet": shown as a to-do, not as a mistake.
EMPTY_FIELD_RULES = validation.TODO_RULES | {"attribution.field-missing"}
TODO_RULES = EMPTY_FIELD_RULES | {"path.missing", "document.missing", "summary.missing"}
# The engine speaks the taxonomy's language; the form calls things by the names it shows.
_PLAIN_WORDS = (("seed example", "example"), ("Q&A", "question"))
# A knowledge example's context is the "passage" in the form (a skill's stays "context").
_CONTEXT = re.compile(r"\b[Cc]ontext(?=s?\b)")


# --- Access ---


def htmx_login_required(view: Callable) -> Callable:
    """Like login_required, but an htmx request from an expired session keeps the page intact.

    The person's text is still in their page; they are told to log in in another tab.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            response = render(
                request, "contributions/includes/save_status.html", {"state": "logged-out"}
            )
            response["HX-Retarget"] = "#save-status"
            response["HX-Reswap"] = "outerHTML"
            return response
        return login_required(view)(request, *args, **kwargs)

    return wrapper


def _own(request: HttpRequest, contribution_id: int) -> Contribution:
    try:
        return selectors.contribution_access(user=request.user, contribution_id=contribution_id)
    except Contribution.DoesNotExist as missing:
        raise Http404("No such entry.") from missing


# --- What the editor shows ---


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
    }


def _editor_values(contribution: Contribution, posted: EditorData | None) -> dict[str, Any]:
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


def _field(name: str, value: Any, help_key: str | None = None, **kw: Any) -> FieldView:
    return FieldView(name=name, value=str(value or ""), help=FIELD_HELP[help_key or name], **kw)


def _build_seeds(kind: str, entry: dict[str, Any]) -> list[SeedView]:
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
                    _field(
                        f"{prefix}-question",
                        seed.get("question"),
                        "skill_question",
                        rows=2,
                        show_help=first,
                    ),
                    _field(
                        f"{prefix}-answer",
                        seed.get("answer"),
                        "skill_answer",
                        rows=4,
                        show_help=first,
                    ),
                    _field(
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
                    _field(
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
                        question=_field(
                            f"{prefix}-qa-{j}-question",
                            qa.get("question"),
                            "question",
                            rows=2,
                            word_limit=policy.max_qa_words,
                            label=f"Question {j}",
                            show_help=first and j == 1,
                        ),
                        answer=_field(
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


@dataclass
class Checks:
    """The checks' findings, by editor field, with the counts the summary shows."""

    by_slot: dict[str, list[dict[str, Any]]]
    general: list[dict[str, Any]]
    state: str
    checked: bool

    @property
    def all(self) -> list[dict[str, Any]]:
        return [i for issues in self.by_slot.values() for i in issues] + self.general

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


def _checks(contribution: Contribution, slots: list[str]) -> Checks:
    by_slot: dict[str, list[dict[str, Any]]] = {slot: [] for slot in slots}
    general: list[dict[str, Any]] = []
    for issue in contribution.validation_issues or []:
        slot = issue_slot(issue.get("location") or {})
        view = _issue_view(issue, slot if slot in by_slot else "general", contribution.kind)
        by_slot.get(slot, general).append(view)
    return Checks(
        by_slot=by_slot,
        general=general,
        state=contribution.validation_state,
        checked=contribution.validated_at is not None,
    )


def _quiet_empty_duplicates(checks: Checks, seeds: list[SeedView]) -> None:
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
    values = _editor_values(contribution, posted)
    entry = values["draft"].get("entry") or {}
    attribution = values["draft"].get("attribution") or {}
    top = {
        "summary": _field("summary", values["summary"], multiline=False),
        "taxonomy_path": _field("taxonomy_path", values["taxonomy_path"], "path", multiline=False),
    }
    if contribution.kind == SKILL:
        top["task_description"] = _field("task_description", entry.get("task_description"))
    else:
        top["domain"] = _field("domain", entry.get("domain"), multiline=False)
        top["document_outline"] = _field("document_outline", entry.get("document_outline"))
    attribution_fields = [
        _field(f"attribution-{key}", attribution.get(key), f"attribution.{key}", multiline=False)
        for key in ("title", "link", "revision", "license", "creators")
    ]
    seeds = _build_seeds(contribution.kind, entry)
    checks = _checks(contribution, _slots_in_form_order(top, seeds, attribution_fields))
    _quiet_empty_duplicates(checks, seeds)
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


# --- The editor page and its autosave ---


def _not_editable(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    messages.info(
        request,
        f"This entry is '{contribution.status_label}', so it cannot be changed now.",
    )
    return redirect("contribution-detail", contribution_id=contribution.pk)


@login_required
def editor(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """The editor page; a plain POST (no JavaScript) saves and applies add/remove/move."""
    contribution = _own(request, contribution_id)
    if not permissions.can_edit(request.user, contribution):
        return _not_editable(request, contribution)
    if request.method != "POST":
        context = editor_context(request, contribution)
        document_id = request.GET.get("edit_document", "")
        if document_id.isdigit():
            context["editing_document"] = next(
                (d for d in context["documents"] if d.pk == int(document_id)), None
            )
        return render(request, "contributions/editor.html", context)
    posted = EditorData.parse(
        kind=contribution.kind, data=request.POST, previous=contribution.draft or {}
    )
    focus = posted.apply_op(contribution.kind) or ""
    try:
        contribution = _save(request, contribution, posted)
    except ConflictError as error:
        context = editor_context(
            request, contribution, posted=posted, state="conflict", message=str(error)
        )
        return render(request, "contributions/editor.html", context, status=409)
    except ServiceError as error:
        context = editor_context(
            request, contribution, posted=posted, state="error", message=str(error)
        )
        return render(request, "contributions/editor.html", context, status=400)
    if posted.message:
        messages.success(request, posted.message)
    else:
        messages.success(request, "Saved.")
    url = reverse("contribution-edit", kwargs={"contribution_id": contribution.pk})
    return redirect(f"{url}#{focus}" if focus else url)


def _save(request: HttpRequest, contribution: Contribution, posted: EditorData) -> Contribution:
    return contribution_save_draft(
        contribution_id=contribution.pk,
        actor=request.user,
        draft=posted.draft,
        summary=posted.summary,
        taxonomy_path=posted.taxonomy_path,
        expected_version=None if posted.force else posted.draft_version,
    )


@require_POST
@htmx_login_required
def autosave(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Save as the person types (htmx): the saved indicator, and the checks at each field.

    With an `op` (add, remove, move an example) it also returns the examples, re-rendered.
    With `show=yaml` it also returns the YAML panel.
    """
    contribution = _own(request, contribution_id)
    if not permissions.can_edit(request.user, contribution):
        return render(
            request,
            "contributions/includes/save_status.html",
            {"state": "locked", "contribution": contribution},
        )
    posted = EditorData.parse(
        kind=contribution.kind, data=request.POST, previous=contribution.draft or {}
    )
    focus = posted.apply_op(contribution.kind) or ""
    try:
        contribution = _save(request, contribution, posted)
    except ConflictError as error:
        return render(
            request,
            "contributions/includes/save_status.html",
            {"state": "conflict", "message": str(error), "contribution": contribution},
        )
    except ServiceError as error:
        return render(
            request,
            "contributions/includes/save_status.html",
            {"state": "error", "message": str(error), "contribution": contribution},
        )
    context = editor_context(request, contribution, message=posted.message, focus=focus)
    context["with_seeds"] = bool(posted.op)
    context["with_yaml"] = request.POST.get("show") == "yaml"
    if context["with_yaml"]:
        context.update(_yaml_context(contribution))
    response = render(request, "contributions/autosave_response.html", context)
    if context["with_yaml"]:
        focus = "yaml-heading"
    if focus:
        response["HX-Trigger-After-Settle"] = json.dumps({"cp:focus": {"id": focus}})
    return response


# --- View YAML ---


def _yaml_context(contribution: Contribution) -> dict[str, Any]:
    files = validation.entry_for_commit(contribution)
    return {
        "qna_yaml": files.qna_yaml,
        "attribution_txt": files.attribution,
        "document_paths": list(files.documents),
        "qna_path": contribution.qna_path or f"{validation.root_for(contribution.kind)}/…/qna.yaml",
        "docs_repo": validation.docs_repo_url(),
        "placeholder_commit": validation.DOCUMENT_COMMIT_PLACEHOLDER,
    }


@require_GET
@login_required
def yaml_view(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """The exact qna.yaml and attribution.txt of the draft (or the submitted revision)."""
    contribution = _own(request, contribution_id)
    source: Contribution | Any = contribution
    revision_number = request.GET.get("revision")
    if revision_number:
        source = contribution.revisions.filter(number=revision_number).first()
        if source is None:
            raise Http404("No such revision.")
    files = validation.entry_for_commit(source)
    download = request.GET.get("download")
    if download in ("qna.yaml", "attribution.txt"):
        body = files.qna_yaml if download == "qna.yaml" else files.attribution
        content_type = "application/yaml" if download == "qna.yaml" else "text/plain"
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{download}"'
        return response
    context = {"contribution": contribution, "revision": revision_number or ""}
    context.update(_yaml_context(contribution))
    context["qna_yaml"], context["attribution_txt"] = files.qna_yaml, files.attribution
    context["document_paths"] = list(files.documents)
    return render(request, "contributions/yaml.html", context)


# --- Documents ---


def _documents_response(
    request: HttpRequest,
    contribution: Contribution,
    *,
    error: str = "",
    notice: str = "",
    write_form: DocumentWriteForm | None = None,
    saved_document: Any = None,
    status: int = 200,
) -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif notice:
            messages.success(request, notice)
        url = reverse("contribution-edit", kwargs={"contribution_id": contribution.pk})
        return redirect(f"{url}#documents-heading")
    contribution.refresh_from_db()
    context = editor_context(request, contribution)
    context.update(
        {
            "doc_error": error,
            "doc_notice": notice,
            "write_form": write_form or DocumentWriteForm(),
            "saved_document": saved_document,
        }
    )
    return render(request, "contributions/documents_response.html", context, status=status)


@require_POST
@htmx_login_required
def document_upload(request: HttpRequest, contribution_id: int) -> HttpResponse:
    contribution = _own(request, contribution_id)
    files = request.FILES.getlist("files")
    if not files:
        return _documents_response(
            request, contribution, error="Choose one or more .md files first, then press Upload."
        )
    added, errors = [], []
    for upload in files:
        try:
            if upload.size > settings.MAX_DOCUMENT_BYTES:
                # Checked before reading, so a huge file is never loaded into memory.
                raise ServiceError(
                    f"{upload.name} is too large ({upload.size // 1024} KB); the limit is "
                    f"{max_document_size_text()}. Split it into smaller files."
                )
            document = document_services.document_upload(
                contribution_id=contribution.pk,
                actor=request.user,
                filename=upload.name,
                data=upload.read(),
            )
            added.append(document.filename)
        except ServiceError as error:
            errors.append(f"{upload.name}: {error}")
    notice = f"Added {', '.join(added)}." if added else ""
    return _documents_response(request, contribution, error=" ".join(errors), notice=notice)


def _name_from_text(text: str) -> str:
    """A file name for a document typed without one: from its first heading, else 'document'."""
    for line in text.splitlines():
        if line.strip():
            return suggest_folder_name(line.lstrip("#").strip())[:60] or "document"
    return "document"


@require_POST
@htmx_login_required
def document_write(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """Save a document written in the page; `auto=1` is the save-as-you-type request."""
    contribution = _own(request, contribution_id)
    data = request.POST.copy()
    auto = data.get("auto") == "1"
    if not data.get("content", "").strip():
        if auto:
            return HttpResponse(status=204)
        return _documents_response(
            request, contribution, error="Type the document's text first, then save it."
        )
    if not data.get("filename", "").strip():
        data["filename"] = _name_from_text(data["content"])
    form = DocumentWriteForm(data)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _documents_response(request, contribution, error=" ".join(errors), write_form=form)
    try:
        document = document_services.document_write(
            contribution_id=contribution.pk,
            actor=request.user,
            filename=form.cleaned_data["filename"],
            content=form.cleaned_data["content"],
            document_id=form.cleaned_data.get("document_id"),
        )
    except ServiceError as error:
        return _documents_response(request, contribution, error=str(error), write_form=form)
    saved_at = date_format(localtime(document.updated_at), "H:i")
    return _documents_response(
        request,
        contribution,
        notice=f"{document.filename} saved at {saved_at}.",
        saved_document=document,
    )


@require_POST
@htmx_login_required
def document_delete(request: HttpRequest, contribution_id: int, document_id: int) -> HttpResponse:
    contribution = _own(request, contribution_id)
    try:
        document_services.document_delete(
            contribution_id=contribution.pk, actor=request.user, document_id=document_id
        )
    except ServiceError as error:
        return _documents_response(request, contribution, error=str(error))
    return _documents_response(request, contribution, notice="Document removed.")


@require_POST
@htmx_login_required
def document_preview(request: HttpRequest) -> HttpResponse:
    """Markdown typed in the page, rendered and sanitised (nothing is saved)."""
    text = request.POST.get("content", "")[: settings.MAX_DOCUMENT_BYTES]
    return render(
        request,
        "contributions/includes/document_preview.html",
        {"html": markdown_to_html(text), "empty": not text.strip()},
    )


# --- The taxonomy folder picker ---


@require_GET
@htmx_login_required
def taxonomy_folders(request: HttpRequest) -> HttpResponse:
    """One level of the taxonomy tree, or the folders matching a search (htmx fragment)."""
    root = request.GET.get("root", "")
    if root not in (validation.SKILL_ROOT, validation.KNOWLEDGE_ROOT):
        root = validation.KNOWLEDGE_ROOT
    tree = selectors.taxonomy_tree_level(
        root=root, parent=request.GET.get("parent", ""), query=request.GET.get("q", "")[:100]
    )
    template = "contributions/includes/tree_level.html"
    return render(request, template, {"tree": tree, "tree_root": root})


@require_GET
@htmx_login_required
def taxonomy_folder_check(request: HttpRequest) -> HttpResponse:
    """Check a new folder's name; when it is fine, put the new path in the path field."""
    parent = request.GET.get("taxonomy_path", "").strip().strip("/")
    name = request.GET.get("new_folder", "").strip()
    root = request.GET.get("root", validation.KNOWLEDGE_ROOT)
    if not name:
        problems = ["Type a name for the new folder first, like rbd_snapshots."]
    else:
        problems = [issue.message for issue in check_new_folder_name(name)]
    if not parent:
        parent = root
    path = f"{parent}/{name}"
    response = render(
        request,
        "contributions/includes/new_folder_result.html",
        {"problems": problems, "path": path, "name": name},
    )
    if not problems:
        response["HX-Trigger"] = json.dumps({"cp:set-path": {"path": path}})
    return response
