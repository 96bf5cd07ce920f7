"""Who may use which part of the review API: DRF permission classes and the entry lookup."""

from __future__ import annotations

from django.http import Http404
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from contributions import permissions, roles
from contributions.models import Contribution
from contributions.selectors.review import review_contribution


class IsReviewer(BasePermission):
    message = "Only reviewers can use the review queue."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and roles.is_reviewer(request.user)
        )


class IsPortalAdmin(BasePermission):
    message = "Only the portal's admins can see this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and permissions.can_assign_reviews(request.user)
        )


def visible_entry(request: Request, pk: int) -> Contribution:
    """A submitted entry the caller may see, or 404."""
    contribution = review_contribution(contribution_id=pk)
    if (
        contribution is None
        or contribution.current_revision_id is None
        or not permissions.can_view(request.user, contribution)
    ):
        raise Http404
    return contribution
