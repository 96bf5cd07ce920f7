"""Uploaded PDF, Word, PowerPoint and HTML files: converted to markdown, checked, then used.

start (the view) -> run (a Celery task: converts, records progress) -> accept (the person's
corrected markdown becomes a knowledge document) or discard. The original file is kept.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from contributions.conversion import ConversionError, Limits, convert
from contributions.conversion.convert import kind_of
from contributions.models import Contribution, DocumentConversion, KnowledgeDocument

from .core import ServiceError, event_record, lock_contribution
from .documents import _lock_for_documents, document_filename, document_write

logger = logging.getLogger(__name__)
MAX_OPEN_CONVERSIONS = 10


def conversion_limits() -> Limits:
    return Limits(
        max_bytes=settings.MAX_CONVERSION_BYTES,
        max_pages=settings.MAX_CONVERSION_PAGES,
        max_unzipped_bytes=settings.MAX_CONVERSION_UNZIPPED_BYTES,
    )


@transaction.atomic
def document_conversion_start(
    *, contribution_id: int, actor: AbstractBaseUser, filename: str, data: bytes
) -> DocumentConversion:
    """Keep an uploaded file and queue its conversion (after commit)."""
    contribution = _lock_for_documents(contribution_id, actor)
    try:
        kind_of(filename)
    except ConversionError as error:
        raise ServiceError(str(error)) from error
    limit = settings.MAX_CONVERSION_BYTES
    if len(data) > limit:
        raise ServiceError(
            f"{filename} is {len(data) // (1024 * 1024)} MB; files to convert may be up to "
            f"{limit // (1024 * 1024)} MB."
        )
    waiting = DocumentConversion.objects.filter(
        contribution=contribution,
        state__in=[DocumentConversion.State.PENDING, DocumentConversion.State.CONVERTING],
    ).count()
    if waiting >= MAX_OPEN_CONVERSIONS:
        raise ServiceError("Wait for the files being converted to finish, then upload more.")
    conversion = DocumentConversion.objects.create(
        contribution=contribution,
        filename=filename[:200],
        original=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    event_record(
        contribution=contribution,
        actor=actor,
        event="document_conversion_started",
        data={"conversion": conversion.pk, "filename": conversion.filename, "size": len(data)},
    )
    from contributions.tasks.conversion import convert_document

    conversion_id = conversion.pk
    transaction.on_commit(lambda: convert_document.delay(conversion_id))
    return conversion


def _progress(conversion_id: int):
    def record(done: int, total: int) -> None:
        DocumentConversion.objects.filter(pk=conversion_id).update(
            progress=min(99, round(100 * done / max(total, 1)))
        )

    return record


def document_conversion_run(*, conversion_id: int) -> str:
    """Convert a kept file (the task's work); does nothing if it was converted already."""
    claimed = DocumentConversion.objects.filter(
        pk=conversion_id, state=DocumentConversion.State.PENDING
    ).update(state=DocumentConversion.State.CONVERTING, progress=0)
    if not claimed:
        return "already done"
    row = DocumentConversion.objects.only("filename", "original").get(pk=conversion_id)
    # CPU-bound work outside any transaction; the outcome is written in one below.
    try:
        result = convert(
            bytes(row.original),
            row.filename,
            limits=conversion_limits(),
            progress=_progress(conversion_id),
        )
        outcome = {"markdown": result.markdown, "pages": result.pages, "error": ""}
    except ConversionError as error:
        outcome = {"markdown": "", "pages": None, "error": str(error)}
    except Exception:  # a converter bug must not leave the file "converting" forever
        logger.exception("conversion %s failed", conversion_id)
        outcome = {"markdown": "", "pages": None, "error": "The file could not be converted."}
    with transaction.atomic():
        conversion = DocumentConversion.objects.select_for_update().get(pk=conversion_id)
        contribution = Contribution.objects.get(pk=conversion.contribution_id)
        failed = bool(outcome["error"])
        conversion.state = (
            DocumentConversion.State.FAILED if failed else DocumentConversion.State.READY
        )
        conversion.progress = 100
        conversion.markdown = outcome["markdown"]
        conversion.pages = outcome["pages"]
        conversion.error = outcome["error"]
        conversion.save()
        event_record(
            contribution=contribution,
            actor=None,
            event="document_conversion_failed" if failed else "document_converted",
            data={"conversion": conversion.pk, "filename": conversion.filename, **outcome}
            if failed
            else {"conversion": conversion.pk, "pages": conversion.pages},
        )
    return conversion.state


@transaction.atomic
def document_conversion_accept(
    *,
    contribution_id: int,
    actor: AbstractBaseUser,
    conversion_id: int,
    filename: str,
    markdown: str,
) -> KnowledgeDocument:
    """The person's checked markdown becomes a document of the draft; the original stays."""
    contribution = lock_contribution(contribution_id)
    conversion = (
        DocumentConversion.objects.select_for_update()
        .filter(pk=conversion_id, contribution=contribution)
        .first()
    )
    if conversion is None or conversion.state != DocumentConversion.State.READY:
        raise ServiceError("That converted file is not waiting to be used. Reload the page.")
    name = document_filename(filename or conversion.markdown_name)
    document = document_write(
        contribution_id=contribution.pk, actor=actor, filename=name, content=markdown
    )
    conversion.state = DocumentConversion.State.USED
    conversion.document = document
    conversion.markdown = markdown
    conversion.save(update_fields=["state", "document", "markdown", "updated_at"])
    return document


@transaction.atomic
def document_conversion_discard(
    *, contribution_id: int, actor: AbstractBaseUser, conversion_id: int
) -> None:
    """Drop a converted (or failed) file that will not be used."""
    contribution = _lock_for_documents(contribution_id, actor)
    conversion = DocumentConversion.objects.filter(
        pk=conversion_id, contribution=contribution
    ).first()
    if conversion is None:
        raise ServiceError("That converted file is no longer here. Reload the page.")
    if conversion.state == DocumentConversion.State.CONVERTING:
        raise ServiceError("Wait until the conversion has finished, then discard it.")
    event_record(
        contribution=contribution,
        actor=actor,
        event="document_conversion_discarded",
        data={"conversion": conversion.pk, "filename": conversion.filename},
    )
    conversion.delete()
