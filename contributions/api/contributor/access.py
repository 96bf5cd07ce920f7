"""How the contributor API reaches the caller's own entries; anyone else's answers 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.request import Request

from contributions.api.errors import call_service
from contributions.models import Contribution
from contributions.selectors import contributor as selectors

from .serializers import ContributionSerializer


def call(function: Any, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into API answers (404 for someone else's entry)."""
    return call_service(function, hide_denied=True, **kwargs)


def own_entry(request: Request, contribution_id: int) -> Contribution:
    """The caller's entry, or 404."""
    try:
        return selectors.contribution_access(user=request.user, contribution_id=contribution_id)
    except Contribution.DoesNotExist as missing:
        raise Http404 from missing


def entry_data(contribution_id: int) -> dict[str, Any]:
    """The entry as it is now, after a service changed it, serialized for the answer."""
    entry = (
        Contribution.objects.select_related("current_revision").filter(pk=contribution_id).first()
    )
    return ContributionSerializer(entry).data
