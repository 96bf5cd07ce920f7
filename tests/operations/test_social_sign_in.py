"""Optional sign-in with GitHub, GitLab or OpenID Connect (django-allauth), and the choice to be
credited with the GitHub noreply identity."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth import get_user_model
from django.contrib.sessions.middleware import SessionMiddleware

from contributions import roles
from contributions.models import ContributionEvent, ContributorProfile
from contributions.services.accounts import profile_set_github_noreply
from contributions.services.core import ServiceError
from contributions.social import PortalSocialAccountAdapter, github_noreply_email

GITHUB = {"github": {"APPS": [{"client_id": "portal-client", "secret": "s3cret"}]}}


@pytest.mark.django_db
def test_the_login_page_offers_only_configured_providers(client, settings):
    # given no provider configured, the page has no button
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert b"Sign in with" not in client.get("/accounts/login/").content
    # when GitHub is configured
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    page = client.get("/accounts/login/").content.decode()
    # then it offers it, as a form that POSTs to allauth (no login by a cross-site GET)
    assert "Sign in with GitHub" in page
    assert 'action="/accounts/social/github/login/?process=login' in page
    assert "s3cret" not in page


@pytest.mark.django_db
def test_allauths_own_sign_up_is_closed(client):
    # given allauth's sign-up page (the portal's own, with its checks, is /accounts/signup/)
    assert b"Sign Up Closed" in client.get("/accounts/social/signup/").content
    # when someone posts to it anyway / then no account is made
    client.post(
        "/accounts/social/signup/",
        {
            "username": "x",
            "email": "x@example.org",
            "password1": "a pw 42!",
            "password2": "a pw 42!",
        },
    )
    assert not get_user_model().objects.exists()


def _github_sign_in(rf, *, verified: bool):
    request = rf.get("/accounts/social/github/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    user = get_user_model()(username="octo", email="octo@example.org")
    account = SocialAccount(
        provider="github", uid="583231", extra_data={"id": 583231, "login": "octocat"}
    )
    sociallogin = SocialLogin(
        user=user,
        account=account,
        email_addresses=[EmailAddress(email="octo@example.org", verified=verified, primary=True)],
    )
    return PortalSocialAccountAdapter().save_user(request, sociallogin)


@pytest.mark.django_db
def test_a_first_github_sign_in_makes_a_contributor_with_a_verified_address(rf, settings):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    # when someone signs in with GitHub for the first time (GitHub says the address is verified)
    user = _github_sign_in(rf, verified=True)
    # then they are a contributor whose address needs no further confirmation
    assert roles.CONTRIBUTOR in roles.user_roles(user)
    profile = ContributorProfile.objects.get(user=user)
    assert profile.email_verified_at is not None
    # and the portal knows their GitHub login and noreply identity, but does not use it yet
    assert profile.github_handle == "octocat"
    assert profile.github_noreply_email == "583231+octocat@users.noreply.github.com"
    assert profile.commit_identity[1] != profile.github_noreply_email
    assert ContributionEvent.objects.get(event="user_signed_up").data["provider"] == "github"
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_an_unverified_provider_address_still_needs_confirming(rf, settings, mailoutbox):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    user = _github_sign_in(rf, verified=False)
    assert ContributorProfile.objects.get(user=user).email_verified_at is None


@pytest.mark.django_db
def test_a_github_contributor_may_choose_to_be_credited_as_their_github_account(
    rf, client, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = GITHUB
    user = _github_sign_in(rf, verified=True)
    # when they choose the GitHub identity on their profile page
    client.force_login(user)
    assert client.post("/accounts/github-noreply/", {"enabled": "yes"}).status_code == 302
    # then their entries are signed with it, so GitHub shows them as the author
    profile = ContributorProfile.objects.get(user=user)
    assert profile.commit_identity == (
        profile.public_name,
        "583231+octocat@users.noreply.github.com",
    )
    # and they can go back
    client.post("/accounts/github-noreply/", {"enabled": "no"})
    assert (
        ContributorProfile.objects.get(user=user)
        .commit_identity[1]
        .endswith(settings.NOREPLY_EMAIL_DOMAIN)
    )


@pytest.mark.django_db
def test_without_a_github_sign_in_there_is_no_github_identity_to_choose(contributor):
    with pytest.raises(ServiceError, match="Sign in with GitHub once"):
        profile_set_github_noreply(user=contributor, enabled=True)


def test_the_github_noreply_address_is_githubs_format():
    assert github_noreply_email({"id": 1, "login": "a"}) == "1+a@users.noreply.github.com"
    assert github_noreply_email({"login": "a"}) == ""
