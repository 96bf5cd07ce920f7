"""Sign-in with GitHub, GitLab or an OpenID Connect provider (django-allauth), when configured.

The portal's own sign-up, login and e-mail confirmation stay as they are: allauth only adds the
"Sign in with ..." buttons. A person who signs in that way for the first time gets a contributor
account as a sign-up would, with their address confirmed when the provider says it is verified,
and (GitHub) the noreply address GitHub itself credits them under, which they may choose to sign
their entries with.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.signals import social_account_added, social_account_updated
from django.dispatch import receiver

from contributions.services.accounts import profile_record_social_identity, social_user_joined


def github_noreply_email(extra_data: dict[str, Any]) -> str:
    """The address GitHub shows commits under as this account: ID+LOGIN@users.noreply.github.com."""
    uid, login = extra_data.get("id"), extra_data.get("login")
    if not uid or not login:
        return ""
    return f"{uid}+{login}@users.noreply.github.com"


class PortalAccountAdapter(DefaultAccountAdapter):
    """allauth's own account pages are not used: sign-up goes through the portal's form."""

    def is_open_for_signup(self, request) -> bool:
        return False


class PortalSocialAccountAdapter(DefaultSocialAccountAdapter):
    """A first sign-in through a provider makes a contributor account."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        verified = any(
            address.verified and address.email.lower() == (user.email or "").lower()
            for address in sociallogin.email_addresses
        )
        social_user_joined(user=user, provider=sociallogin.account.provider, verified=verified)
        _record(sociallogin.account)
        return user


def _record(account) -> None:
    if account.provider == "github":
        profile_record_social_identity(
            user=account.user,
            github_login=str(account.extra_data.get("login") or ""),
            github_noreply_email=github_noreply_email(account.extra_data),
        )


@receiver(social_account_added)
@receiver(social_account_updated)
def _social_account_changed(sender, request, sociallogin, **kwargs) -> None:
    """Connecting GitHub to an existing account (or signing in again) refreshes its identity."""
    _record(sociallogin.account)
