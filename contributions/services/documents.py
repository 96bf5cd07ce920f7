"""The markdown documents behind a knowledge draft: upload, write in the page, remove."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from contributions.models import Contribution, KnowledgeDocument

from .contributions import CHECK_FIELDS, _check_editable, _record_validation
from .core import ServiceError, event_record, lock_contribution

MAX_DOCUMENTS = 20
DOCUMENT_EXTENSIONS = (".md", ".markdown")
MAX_FILENAME_STEM = 90
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def document_filename(name: str) -> str:
    """A safe file name for the docs repository, always ending in .md.

    Folders are dropped, spaces and other characters become '_' (the name is also a path
    pattern in qna.yaml, so it must not contain glob characters).
    """
    base = PurePosixPath(name.replace("\\", "/").strip()).name
    stem, dot, extension = base.rpartition(".")
    if not dot or f".{extension.lower()}" not in DOCUMENT_EXTENSIONS:
        raise ServiceError(
            f"'{base or name}' is not a markdown file. Documents must be .md files: plain text, "
            "optionally with markdown formatting. Save your document as .md and try again."
        )
    stem = _UNSAFE.sub("_", stem).strip("._-")[:MAX_FILENAME_STEM]
    if not stem:
        raise ServiceError("Give the document a name made of letters or digits, like rbd.md.")
    return f"{stem}.md"


def document_text(data: bytes | str) -> str:
    """Document text from an upload: UTF-8, within the size limit, not binary."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    limit = settings.MAX_DOCUMENT_BYTES
    if len(raw) > limit:
        raise ServiceError(
            f"This document is {filesizeformat(len(raw))}; the limit is {filesizeformat(limit)}. "
            "Split it into smaller files, or keep only the part your examples use."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError(
            "This file is not plain text in UTF-8. Save it as UTF-8 text (a .md file) and "
            "upload it again, or upload a .pdf, .docx, .pptx or .html file to have it converted."
        ) from error
    if "\x00" in text:
        raise ServiceError(
            "This file contains binary data, not text. Upload a plain-text markdown (.md) file."
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ServiceError("This document is empty. Add its text, then save it again.")
    return text if text.endswith("\n") else text + "\n"


def _lock_for_documents(contribution_id: int, actor: AbstractBaseUser) -> Contribution:
    contribution = lock_contribution(contribution_id)
    _check_editable(contribution, actor)
    if contribution.kind != Contribution.Kind.KNOWLEDGE:
        raise ServiceError("Only knowledge entries have documents.")
    return contribution


def _recheck(contribution: Contribution) -> None:
    # Documents change what the checks say (the document list, contexts found in them).
    _record_validation(contribution)
    contribution.draft_saved_at = timezone.now()
    contribution.save(update_fields=[*CHECK_FIELDS, "draft_saved_at", "updated_at"])


def _check_name_free(contribution: Contribution, filename: str, exclude: int | None) -> None:
    clash = KnowledgeDocument.objects.filter(
        contribution=contribution, revision__isnull=True, filename=filename
    ).exclude(pk=exclude)
    if clash.exists():
        raise ServiceError(
            f"There is already a document called {filename}. Remove it first, or choose "
            "another name."
        )


@transaction.atomic
def document_upload(
    *, contribution_id: int, actor: AbstractBaseUser, filename: str, data: bytes | str
) -> KnowledgeDocument:
    """Add an uploaded markdown file to a knowledge draft."""
    contribution = _lock_for_documents(contribution_id, actor)
    name = document_filename(filename)
    text = document_text(data)
    drafts = KnowledgeDocument.objects.filter(contribution=contribution, revision__isnull=True)
    if drafts.count() >= MAX_DOCUMENTS:
        raise ServiceError(
            f"An entry can have at most {MAX_DOCUMENTS} documents. Remove one to add another."
        )
    _check_name_free(contribution, name, None)
    document = KnowledgeDocument.objects.create(
        contribution=contribution, filename=name, content=text
    )
    _recheck(contribution)
    event_record(
        contribution=contribution,
        actor=actor,
        event="document_uploaded",
        data={"filename": name, "size": document.size, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def document_write(
    *,
    contribution_id: int,
    actor: AbstractBaseUser,
    filename: str,
    content: str,
    document_id: int | None = None,
) -> KnowledgeDocument:
    """Create or change a document written in the page (markdown text)."""
    contribution = _lock_for_documents(contribution_id, actor)
    name = document_filename(filename if "." in filename else f"{filename}.md")
    text = document_text(content)
    if document_id is None:
        count = KnowledgeDocument.objects.filter(
            contribution=contribution, revision__isnull=True
        ).count()
        if count >= MAX_DOCUMENTS:
            raise ServiceError(
                f"An entry can have at most {MAX_DOCUMENTS} documents. Remove one to add another."
            )
        _check_name_free(contribution, name, None)
        document = KnowledgeDocument.objects.create(
            contribution=contribution, filename=name, content=text
        )
        event_name = "document_written"
    else:
        document = KnowledgeDocument.objects.filter(
            pk=document_id, contribution=contribution, revision__isnull=True
        ).first()
        if document is None:
            raise ServiceError("That document is no longer part of this draft. Reload the page.")
        _check_name_free(contribution, name, document.pk)
        if document.filename == name and document.content == text:
            return document
        document.filename = name
        document.content = text
        document.save()
        event_name = "document_changed"
    _recheck(contribution)
    event_record(
        contribution=contribution,
        actor=actor,
        event=event_name,
        data={"filename": name, "size": document.size, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def document_delete(*, contribution_id: int, actor: AbstractBaseUser, document_id: int) -> None:
    """Remove a document from a knowledge draft (its text stays in the audit log)."""
    contribution = _lock_for_documents(contribution_id, actor)
    document = KnowledgeDocument.objects.filter(
        pk=document_id, contribution=contribution, revision__isnull=True
    ).first()
    if document is None:
        raise ServiceError("That document is no longer part of this draft. Reload the page.")
    data = {"filename": document.filename, "sha256": document.sha256, "content": document.content}
    document.delete()
    _recheck(contribution)
    event_record(contribution=contribution, actor=actor, event="document_removed", data=data)
