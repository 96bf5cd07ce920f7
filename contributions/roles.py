"""The portal's roles, kept as Django groups."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

CONTRIBUTOR = "contributor"
REVIEWER = "reviewer"
ADMIN = "admin"
ALL_ROLES = (CONTRIBUTOR, REVIEWER, ADMIN)


def user_roles(user: AbstractBaseUser) -> frozenset[str]:
    """The role names a user holds; superusers hold every role. Cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(ALL_ROLES)
        else:
            cached = frozenset(
                user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True)
            )
        user._portal_roles = cached
    return cached


def is_reviewer(user: AbstractBaseUser) -> bool:
    return bool(user_roles(user) & {REVIEWER, ADMIN})


def is_admin(user: AbstractBaseUser) -> bool:
    return ADMIN in user_roles(user) or (user.is_authenticated and user.is_superuser)
