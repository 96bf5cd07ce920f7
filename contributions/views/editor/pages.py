"""The editor page (it works with plain form posts) and the exact YAML of an entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from contributions import permissions
from contributions.forms_contributor import EditorData
from contributions.models import Contribution
from contributions.services import validation
from contributions.services.core import ConflictError, ServiceError

from .access import own_entry
from .autosave import save_posted
from .context import editor_context, yaml_context


def _not_editable(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    messages.info(
        request,
        f"This entry is '{contribution.status_label}', so it cannot be changed now.",
    )
    return redirect("contribution-detail", contribution_id=contribution.pk)


@login_required
def editor(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """The editor page; a plain POST (no JavaScript) saves and applies add/remove/move."""
    contribution = own_entry(request, contribution_id)
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
        contribution = save_posted(request, contribution, posted)
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


@require_GET
@login_required
def yaml_view(request: HttpRequest, contribution_id: int) -> HttpResponse:
    """The exact qna.yaml and attribution.txt of the draft (or the submitted revision)."""
    contribution = own_entry(request, contribution_id)
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
    context.update(yaml_context(contribution))
    context["qna_yaml"], context["attribution_txt"] = files.qna_yaml, files.attribution
    context["document_paths"] = list(files.documents)
    return render(request, "contributions/yaml.html", context)
