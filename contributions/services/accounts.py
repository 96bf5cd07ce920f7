"""Accounts: sign-up, roles and the contributor profile."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
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
    email_verification_send(user=user)
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


# --- E-mail verification ----------------------------------------------------------------------
EMAIL_VERIFICATION_SALT = "cephportal.accounts.email-verification"


def email_verification_token(*, user: AbstractBaseUser) -> str:
    """A signed token naming the user and the address it confirms (a new address, a new token)."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)


def email_verification_send(*, user: AbstractBaseUser) -> None:
    """Send the link that confirms the account's e-mail address, once the transaction commits."""
    link = settings.PORTAL_BASE_URL + reverse(
        "verify-email", kwargs={"token": email_verification_token(user=user)}
    )
    hours = settings.EMAIL_VERIFICATION_HOURS
    body = (
        f"Hello {user.get_username()},\n\n"
        "please confirm your e-mail address for cephportal by opening this link:\n\n"
        f"{link}\n\n"
        f"It works for {hours} hours. Until then you can write drafts, but not submit them.\n"
        "If you did not create an account, ignore this message.\n"
    )
    recipient = user.email
    transaction.on_commit(
        lambda: send_mail(
            "Confirm your e-mail address for cephportal",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [recipient],
        )
    )


@transaction.atomic
def email_verify(*, token: str) -> AbstractBaseUser:
    """Mark the account's address confirmed, if the token is genuine, fresh and still matches."""
    try:
        data = signing.loads(
            token,
            salt=EMAIL_VERIFICATION_SALT,
            max_age=settings.EMAIL_VERIFICATION_HOURS * 3600,
        )
    except signing.SignatureExpired:
        raise ServiceError(
            "This link has expired. Ask for a new one on your profile page."
        ) from None
    except signing.BadSignature:
        raise ServiceError(
            "This link is not valid. Ask for a new one on your profile page."
        ) from None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or user.email != data.get("email"):
        raise ServiceError("This link is for an address the account no longer has.")
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
        event_record(contribution=None, actor=user, event="email_verified")
    return user


# --- Deleting an account ----------------------------------------------------------------------
DELETED_USERNAME = "deleted-account"


def _deleted_account() -> AbstractBaseUser:
    """The inactive account that the work of deleted accounts is attributed to."""
    user, created = get_user_model().objects.get_or_create(
        username=DELETED_USERNAME, defaults={"is_active": False, "email": ""}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        ContributorProfile.objects.create(user=user, display_name="A deleted account")
    return user


@transaction.atomic
def user_delete_account(*, user: AbstractBaseUser, actor: AbstractBaseUser | None) -> None:
    """Delete a person's account and personal data; what they did stays, attributed to nobody.

    Entries, revisions, reviews, comments and the audit log are part of the taxonomy's history
    (and of git's): they are re-attributed to one inactive "deleted account". The login, profile,
    tokens, notifications, claims and scopes go with the account.
    """
    from contributions.models import (
        Comment,
        Contribution,
        ContributionEvent,
        Review,
        ReviewClaim,
        Revision,
    )

    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.username == DELETED_USERNAME:
        raise ServiceError("This account holds the work of deleted accounts; it cannot be deleted.")
    if (
        user.is_superuser
        and not get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(pk=user.pk)
        .exists()
    ):
        raise ServiceError("The last superuser cannot be deleted.")
    stand_in = _deleted_account()
    moved = {
        "entries": Contribution.objects.filter(author=user).update(author=stand_in),
        "revisions": Revision.objects.filter(created_by=user).update(created_by=stand_in),
        "reviews": Review.objects.filter(reviewer=user).update(reviewer=stand_in),
        "comments": Comment.objects.filter(author=user).update(author=stand_in),
        "events": ContributionEvent.objects.filter(actor=user).update(actor=stand_in),
    }
    ReviewClaim.objects.filter(assigned_by=user).update(assigned_by=None)
    pk = user.pk
    user.delete()
    event_record(
        contribution=None,
        actor=actor if actor is not None and actor.pk != pk else None,
        event="account_deleted",
        data={"user": pk, "reattributed_to": stand_in.pk, "moved": moved},
    )


# --- Accounts from GitHub, GitLab or OpenID Connect (contributions/social.py) ------------------
@transaction.atomic
def social_user_joined(*, user: AbstractBaseUser, provider: str, verified: bool) -> None:
    """A first sign-in through a provider: the account gets what a sign-up gives it."""
    group, _ = Group.objects.get_or_create(name=roles.CONTRIBUTOR)
    user.groups.add(group)
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if verified and profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at", "updated_at"])
    event_record(
        contribution=None,
        actor=user,
        event="user_signed_up",
        data={"user": user.pk, "provider": provider, "email_verified": verified},
    )
    if not verified and user.email:
        email_verification_send(user=user)


@transaction.atomic
def profile_record_social_identity(
    *, user: AbstractBaseUser, github_login: str, github_noreply_email: str
) -> None:
    """Remember the GitHub account a person signed in with (login and noreply address)."""
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    changed = []
    if github_noreply_email and profile.github_noreply_email != github_noreply_email:
        profile.github_noreply_email = github_noreply_email
        changed.append("github_noreply_email")
    if github_login and not profile.github_handle:
        profile.github_handle = github_login
        changed.append("github_handle")
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])


@transaction.atomic
def profile_set_github_noreply(*, user: AbstractBaseUser, enabled: bool) -> ContributorProfile:
    """Sign entries with the GitHub noreply address, so GitHub shows the person as the author."""
    profile = ContributorProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if enabled and not profile.github_noreply_email:
        raise ServiceError("Sign in with GitHub once, so the portal knows your GitHub account.")
    if profile.credit_github_noreply != enabled:
        profile.credit_github_noreply = enabled
        profile.save(update_fields=["credit_github_noreply", "updated_at"])
        event_record(
            contribution=None,
            actor=user,
            event="profile_updated",
            data={"changed": ["credit_github_noreply"]},
        )
    return profile
