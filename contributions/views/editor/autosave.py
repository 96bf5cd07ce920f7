"""Save as the person types (htmx), and show the checks at each field."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from contributions import permissions
from contributions.forms_contributor import EditorData
from contributions.models import Contribution
from contributions.services.contributions import contribution_save_draft
from contributions.services.core import ConflictError, ServiceError

from .access import htmx_login_required, own_entry
from .context import editor_context, yaml_context


def save_posted(
    request: HttpRequest, contribution: Contribution, posted: EditorData
) -> Contribution:
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
    contribution = own_entry(request, contribution_id)
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
        contribution = save_posted(request, contribution, posted)
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
        context.update(yaml_context(contribution))
    response = render(request, "contributions/autosave_response.html", context)
    if context["with_yaml"]:
        focus = "yaml-heading"
    if focus:
        response["HX-Trigger-After-Settle"] = json.dumps({"cp:focus": {"id": focus}})
    return response
