"""Who may open the editor, and what an htmx request from an expired session gets."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from contributions.models import Contribution
from contributions.selectors import contributor as selectors


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


def own_entry(request: HttpRequest, contribution_id: int) -> Contribution:
    try:
        return selectors.contribution_access(user=request.user, contribution_id=contribution_id)
    except Contribution.DoesNotExist as missing:
        raise Http404("No such entry.") from missing
