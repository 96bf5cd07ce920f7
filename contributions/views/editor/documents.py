"""The knowledge documents in the editor: upload, write in the page, remove, preview."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST

from contributions.forms_contributor import DocumentWriteForm, max_document_size_text
from contributions.markdown import markdown_to_html
from contributions.models import Contribution
from contributions.services import documents as document_services
from contributions.services.core import ServiceError
from contributions.taxonomy.paths import suggest_folder_name

from . import conversions
from .access import htmx_login_required, own_entry
from .context import editor_context


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
    contribution = own_entry(request, contribution_id)
    files = request.FILES.getlist("files")
    if not files:
        return _documents_response(
            request, contribution, error="Choose one or more .md files first, then press Upload."
        )
    added, errors, converting = [], [], []
    for upload in files:
        try:
            if conversions.wants_conversion(upload.name):
                converting.append(conversions.start_conversion(request, contribution, upload))
                continue
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
    if converting:
        notice += conversions.converting_notice(converting)
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
    contribution = own_entry(request, contribution_id)
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
    contribution = own_entry(request, contribution_id)
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
