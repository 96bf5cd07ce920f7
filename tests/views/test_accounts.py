"""Sign up, log in and out, reset a password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from contributions import roles
from contributions.models import ContributionEvent, ContributorProfile


@pytest.mark.django_db
def test_sign_up_creates_a_contributor_with_a_profile(client):
    # when
    response = client.post(
        "/accounts/signup/",
        {
            "username": "new.person",
            "display_name": "New Person",
            "email": "new@example.org",
            "password": "a sturdy passphrase 42",
            "password_again": "a sturdy passphrase 42",
        },
    )
    # then
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new.person")
    assert roles.user_roles(user) == {roles.CONTRIBUTOR}
    assert ContributorProfile.objects.get(user=user).display_name == "New Person"
    assert ContributionEvent.objects.filter(event="user_signed_up", actor=user).exists()
    assert client.get("/").context["user"] == user


@pytest.mark.django_db
def test_sign_up_errors_say_what_to_do(client, contributor):
    response = client.post(
        "/accounts/signup/",
        {
            "username": contributor.username.upper(),
            "email": "not-an-email",
            "password": "short",
            "password_again": "different",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "taken" in errors["username"][0]
    assert "email" in errors
    assert "not the same" in errors["password_again"][0]


@pytest.mark.django_db
def test_sign_up_next_parameter_cannot_redirect_off_site(client):
    response = client.post(
        "/accounts/signup/?next=https://evil.example.com/",
        {
            "username": "safe.person",
            "email": "safe@example.org",
            "password": "a sturdy passphrase 42",
            "password_again": "a sturdy passphrase 42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_log_in_and_out(client, contributor):
    response = client.post(
        "/accounts/login/", {"username": contributor.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == contributor
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, contributor):
    # when the contributor asks for a reset
    client.post("/accounts/password_reset/", {"email": contributor.email})
    # then an e-mail holds a link that lets them set a new password
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another sturdy phrase 7", "new_password2": "another sturdy phrase 7"},
    )
    assert client.login(username=contributor.username, password="another sturdy phrase 7")


@pytest.mark.django_db
def test_pages_render_for_anonymous_visitors(client):
    for url in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]:
        assert client.get(url).status_code == 200, url
