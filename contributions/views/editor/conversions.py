"""PDF, Word, PowerPoint and HTML uploads: conversion progress, correction, use or discard."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from contributions.conversion import CONVERTIBLE
from contributions.models import Contribution, DocumentConversion
from contributions.selectors import conversions as selectors
from contributions.services import conversion as services
from contributions.services.core import ServiceError

from .access import htmx_login_required, own_entry

MARKDOWN_EXTENSIONS = (".md", ".markdown")


def wants_conversion(filename: str) -> bool:
    """Whether an uploaded file goes through conversion (not markdown, but convertible)."""
    suffix = PurePosixPath(filename.lower()).suffix
    return suffix in CONVERTIBLE and suffix not in MARKDOWN_EXTENSIONS


def start_conversion(request: HttpRequest, contribution: Contribution, upload: UploadedFile) -> str:
    """Keep the file and queue its conversion; raises ServiceError when it is refused."""
    limit = settings.MAX_CONVERSION_BYTES
    if upload.size > limit:
        # Checked before reading, so a huge file is never loaded into memory.
        raise ServiceError(
            f"it is {upload.size // (1024 * 1024)} MB; files to convert may be up to "
            f"{limit // (1024 * 1024)} MB."
        )
    services.document_conversion_start(
        contribution_id=contribution.pk,
        actor=request.user,
        filename=upload.name,
        data=upload.read(),
    )
    return upload.name


def converting_notice(names: list[str]) -> str:
    return (
        f" Converting {', '.join(names)} to markdown: check the text below when it is ready,"
        " then add it as a document."
    )


def _conversion(contribution: Contribution, conversion_id: int) -> DocumentConversion:
    conversion = selectors.draft_conversion(contribution=contribution, conversion_id=conversion_id)
    if conversion is None:
        raise Http404("No such file.")
    return conversion


@require_GET
@htmx_login_required
def conversion_status(
    request: HttpRequest, contribution_id: int, conversion_id: int
) -> HttpResponse:
    """One conversion: its progress while it runs, then the markdown to check (htmx polls)."""
    contribution = own_entry(request, contribution_id)
    return render(
        request,
        "contributions/includes/conversion.html",
        {"contribution": contribution, "conversion": _conversion(contribution, conversion_id)},
    )


@require_POST
@htmx_login_required
def conversion_accept(
    request: HttpRequest, contribution_id: int, conversion_id: int
) -> HttpResponse:
    """Add the checked (and perhaps corrected) markdown as a document of the draft."""
    from .documents import _documents_response

    contribution = own_entry(request, contribution_id)
    # The fields carry the conversion's id: several can wait on the page at once.
    markdown = request.POST.get(f"markdown-{conversion_id}", "")[: settings.MAX_DOCUMENT_BYTES + 1]
    try:
        document = services.document_conversion_accept(
            contribution_id=contribution.pk,
            actor=request.user,
            conversion_id=conversion_id,
            filename=request.POST.get(f"filename-{conversion_id}", ""),
            markdown=markdown,
        )
    except ServiceError as error:
        return _documents_response(request, contribution, error=str(error))
    return _documents_response(
        request, contribution, notice=f"Added {document.filename}; the original file is kept."
    )


@require_POST
@htmx_login_required
def conversion_discard(
    request: HttpRequest, contribution_id: int, conversion_id: int
) -> HttpResponse:
    from .documents import _documents_response

    contribution = own_entry(request, contribution_id)
    try:
        services.document_conversion_discard(
            contribution_id=contribution.pk, actor=request.user, conversion_id=conversion_id
        )
    except ServiceError as error:
        return _documents_response(request, contribution, error=str(error))
    return _documents_response(request, contribution, notice="Converted file discarded.")
