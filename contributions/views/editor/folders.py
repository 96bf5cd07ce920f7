"""The taxonomy folder picker: browse or search the tree, check a new folder's name."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from contributions.selectors import contributor as selectors
from contributions.services import validation
from contributions.taxonomy.paths import check_new_folder_name

from .access import htmx_login_required


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
