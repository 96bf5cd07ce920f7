"""Logins, sign-ups and the API are throttled per client."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model

from cephportal.throttling import AnonApiThrottle, client_ip

PASSWORD = "correct-horse-battery"


def _log_in(client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_the_eleventh_failed_login_in_a_minute_is_refused(client, contributor):
    # given ten failed logins from one address
    for attempt in range(1, 11):
        response = _log_in(client, contributor.username, f"wrong password {attempt}")
        assert "_auth_user_id" not in client.session, attempt
        if attempt < 10:
            assert response.status_code == 200, attempt  # the form again, with its error
    # when the eleventh comes, even with the right password
    response = _log_in(client, contributor.username, PASSWORD)
    # then it is refused with 429 and a page that says to wait
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lockout_lasts_only_its_time(client, contributor, settings):
    # given a lockout of one second after two failures
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(seconds=1)
    for _ in range(2):
        _log_in(client, contributor.username, "wrong")
    assert _log_in(client, contributor.username, PASSWORD).status_code == 429
    # when the time has passed
    time.sleep(1.2)
    # then the right password works again
    assert _log_in(client, contributor.username, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(contributor.pk)


@pytest.mark.django_db
def test_failed_api_token_requests_count_the_same(client, contributor):
    # given ten failed token requests
    for attempt in range(10):
        response = client.post(
            "/api/token/", {"username": contributor.username, "password": f"wrong {attempt}"}
        )
        assert response.status_code in {400, 429}, response.content
    # when the eleventh has the right password
    response = client.post("/api/token/", {"username": contributor.username, "password": PASSWORD})
    # then no token is given
    assert response.status_code == 429
    assert b"token" not in response.content


@pytest.mark.django_db
def test_other_addresses_are_not_locked_out(client, contributor):
    # given an address locked out
    for _ in range(11):
        _log_in(client, contributor.username, "wrong")
    # when another address logs in
    response = client.post(
        "/accounts/login/",
        {"username": contributor.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
    )
    # then it may
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_ups_are_limited_per_address(client, settings):
    # given a limit of two sign-ups an hour
    settings.SIGNUP_RATE = "2/h"
    for n in range(2):
        response = client.post(
            "/accounts/signup/",
            {
                "username": f"newcomer{n}",
                "email": f"newcomer{n}@example.org",
                "password": "a sturdy passphrase 42",
                "password_again": "a sturdy passphrase 42",
            },
        )
        assert response.status_code == 302, response.content
        client.post("/accounts/logout/")
    # when a third is tried from the same address
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newcomer9",
            "email": "newcomer9@example.org",
            "password": "a sturdy passphrase 42",
            "password_again": "a sturdy passphrase 42",
        },
    )
    # then it is refused, and no account is made
    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="newcomer9").exists()


@pytest.mark.django_db
def test_anonymous_api_calls_are_throttled(client, monkeypatch):
    # given three anonymous API calls a minute allowed
    monkeypatch.setattr(AnonApiThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    statuses = [client.get("/api/health/").status_code for _ in range(4)]
    # then the fourth is refused
    assert statuses[:3] != [429, 429, 429] and 429 not in statuses[:3]
    assert statuses[3] == 429


def test_the_client_address_is_taken_from_trusted_proxies_only(rf, settings):
    # given a proxy the portal trusts
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.5"}
    # then its X-Forwarded-For names the client (the last hop it did not add itself)
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", **forwarded)) == "203.0.113.5"
    # and anyone else's is ignored, so it cannot be used to dodge the limits
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", **forwarded)) == "192.0.2.1"
