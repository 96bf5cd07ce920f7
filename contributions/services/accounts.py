"""Accounts: sign-up, roles and the contributor profile."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.utils import timezone

from contributions import roles
from contributions.models import ContributorProfile

from .core import ServiceError, event_record

DCO_TEXT = """Developer Certificate of Origin, version 1.1

By making a contribution to this project, I certify that:

(a) The contribution was created in whole or in part by me and I have the right to submit it
    under the open source license indicated in the file; or
(b) The contribution is based upon previous work that, to the best of my knowledge, is covered
    under an appropriate open source license and I have the right under that license to submit
    that work with modifications, whether created in whole or in part by me, under the same open
    source license (unless I am permitted to submit under a different license), as indicated in
    the file; or
(c) The contribution was provided directly to me by some other person who certified (a), (b) or
    (c) and I have not modified it.
(d) I understand and agree that this project and the contribution are public and that a record
    of the contribution (including all personal information I submit with it, including my
    sign-off) is maintained indefinitely and may be redistributed consistent with this project
    or the open source license(s) involved.
"""


def roles_ensure_groups() -> None:
    """Create the role groups if they are missing (idempotent)."""
    for name in roles.ALL_ROLES:
        Group.objects.get_or_create(name=name)


def profile_get_or_create(*, user: AbstractBaseUser) -> ContributorProfile:
    """The user's profile, created on first use."""
    profile, _ = ContributorProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def user_sign_up(
    *, username: str, email: str, password: str, display_name: str = ""
) -> AbstractBaseUser:
    """Create a contributor account with its profile."""
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ServiceError("That user name is taken; please choose another.")
    user = user_model.objects.create_user(username=username, email=email, password=password)
    group, _ = Group.objects.get_or_create(name=roles.CONTRIBUTOR)
    user.groups.add(group)
    ContributorProfile.objects.create(user=user, display_name=display_name)
    event_record(contribution=None, actor=user, event="user_signed_up", data={"user": user.pk})
    return user


@transaction.atomic
def user_set_roles(
    *, user: AbstractBaseUser, role_names: set[str], actor: AbstractBaseUser | None
) -> None:
    """Give a user exactly these roles; admins are also staff (for Django admin)."""
    unknown = set(role_names) - set(roles.ALL_ROLES)
    if unknown:
        raise ServiceError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    roles_ensure_groups()
    user.groups.remove(*Group.objects.filter(name__in=roles.ALL_ROLES))
    user.groups.add(*Group.objects.filter(name__in=role_names))
    user.is_staff = roles.ADMIN in role_names or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_portal_roles", None)
    event_record(
        contribution=None,
        actor=actor,
        event="roles_changed",
        data={"user": user.pk, "roles": sorted(role_names)},
    )


@transaction.atomic
def profile_update(
    *,
    user: AbstractBaseUser,
    display_name: str,
    commit_name: str,
    commit_email: str,
    github_handle: str,
    show_on_leaderboard: bool,
) -> ContributorProfile:
    """Change how a contributor appears in the portal and in git."""
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    before = {
        "display_name": profile.display_name,
        "commit_name": profile.commit_name,
        "commit_email": profile.commit_email,
        "github_handle": profile.github_handle,
        "show_on_leaderboard": profile.show_on_leaderboard,
    }
    profile.display_name = display_name.strip()
    profile.commit_name = commit_name.strip()
    profile.commit_email = commit_email.strip()
    profile.github_handle = github_handle.strip().lstrip("@")
    profile.show_on_leaderboard = show_on_leaderboard
    profile.save()
    changed = sorted(k for k, v in before.items() if getattr(profile, k) != v)
    event_record(contribution=None, actor=user, event="profile_updated", data={"changed": changed})
    return profile


@transaction.atomic
def profile_give_dco_consent(*, user: AbstractBaseUser) -> ContributorProfile:
    """Record that the contributor accepts the DCO in its current version."""
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if not profile.has_dco_consent:
        profile.dco_consented_at = timezone.now()
        profile.dco_version = settings.DCO_VERSION
        profile.save(update_fields=["dco_consented_at", "dco_version", "updated_at"])
        event_record(
            contribution=None,
            actor=user,
            event="dco_consent_given",
            data={"version": settings.DCO_VERSION},
        )
    return profile


@transaction.atomic
def profile_withdraw_dco_consent(*, user: AbstractBaseUser) -> ContributorProfile:
    """Withdraw DCO consent; entries cannot be submitted until it is given again."""
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if profile.dco_consented_at is not None:
        profile.dco_consented_at = None
        profile.dco_version = ""
        profile.save(update_fields=["dco_consented_at", "dco_version", "updated_at"])
        event_record(contribution=None, actor=user, event="dco_consent_withdrawn")
    return profile
