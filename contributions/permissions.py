"""Who may do what to which entry. Shared by the HTML views, the API and the services."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from . import roles, workflow
from .models import Contribution, ReviewerScope


def reviewer_scopes(user: AbstractBaseUser) -> list[str]:
    """The path prefixes a reviewer is limited to; empty means every path. Cached on the user."""
    cached = getattr(user, "_review_scopes", None)
    if cached is None:
        cached = list(
            ReviewerScope.objects.filter(reviewer=user).values_list("path_prefix", flat=True)
        )
        user._review_scopes = cached
    return cached


def path_in_scopes(path: str, scopes: list[str]) -> bool:
    """Whether a taxonomy path falls under one of the prefixes (whole segments only)."""
    if not scopes:
        return True
    path = path.strip("/")
    return any(path == s.strip("/") or path.startswith(s.strip("/") + "/") for s in scopes)


def path_scope_q(scopes: list[str], field: str = "taxonomy_path") -> Q:
    """The ORM filter matching `path_in_scopes`: whole segments under any prefix (none: all)."""
    query = Q()
    for scope in scopes:
        prefix = scope.strip("/")
        query |= Q(**{field: prefix}) | Q(**{f"{field}__startswith": prefix + "/"})
    return query


def can_view(user: AbstractBaseUser, contribution: Contribution) -> bool:
    """Authors see their own entries; reviewers see submitted entries in their scope; admins
    see everything but drafts that were never submitted stay private to their author."""
    if not user.is_authenticated:
        return False
    if contribution.author_id == user.pk:
        return True
    if contribution.status == workflow.Status.DRAFT and contribution.current_revision_id is None:
        return False
    if roles.is_admin(user):
        return True
    return roles.is_reviewer(user) and path_in_scopes(
        contribution.taxonomy_path, reviewer_scopes(user)
    )


def can_edit(user: AbstractBaseUser, contribution: Contribution) -> bool:
    """Only the author edits, and only while the entry is editable."""
    return (
        user.is_authenticated
        and contribution.author_id == user.pk
        and workflow.Status(contribution.status) in workflow.EDITABLE
    )


def can_review(user: AbstractBaseUser, contribution: Contribution) -> bool:
    """A reviewer in scope may decide on someone else's entry."""
    return (
        user.is_authenticated
        and roles.is_reviewer(user)
        and contribution.author_id != user.pk
        and (
            roles.is_admin(user)
            or path_in_scopes(contribution.taxonomy_path, reviewer_scopes(user))
        )
    )


def can_comment(user: AbstractBaseUser, contribution: Contribution) -> bool:
    """Whoever may see a submitted entry may talk about it: its author and its reviewers."""
    return contribution.current_revision_id is not None and can_view(user, contribution)


def can_assign_reviews(user: AbstractBaseUser) -> bool:
    """Admins hand entries to reviewers and manage reviewers' scopes."""
    return roles.is_admin(user)


def can_manage(user: AbstractBaseUser, contribution: Contribution) -> bool:
    """The author's own pages and API: read the draft, submit, withdraw, duplicate."""
    return user.is_authenticated and contribution.author_id == user.pk
