"""API: token and session auth, the OpenAPI schema and its docs page."""

import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_token_auth_and_me(contributor):
    api = APIClient()
    # given a token obtained with username and password
    token = api.post(
        "/api/token/", {"username": contributor.username, "password": "correct-horse-battery"}
    ).json()["token"]
    # when it is used
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/me/").json()
    # then the API knows who is calling
    assert body["username"] == contributor.username
    assert body["roles"] == ["contributor"]
    assert body["has_dco_consent"] is True


@pytest.mark.django_db
def test_anonymous_callers_are_refused(client):
    assert APIClient().get("/api/me/").status_code in (401, 403)


@pytest.mark.django_db
def test_session_auth_works_for_the_api(client, contributor):
    client.force_login(contributor)
    assert client.get("/api/me/").json()["username"] == contributor.username


@pytest.mark.django_db
def test_openapi_schema_and_docs_page(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/me/" in paths and "/api/health/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
