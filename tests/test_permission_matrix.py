"""Who may open which page and call which API action: the whole portal, as one table.

Six people: anonymous, the entry's author, another contributor, a reviewer whose scope covers the
entry, a reviewer scoped elsewhere, and an admin. Each row says what each of them gets:

    L  sent to log in (pages) / "credentials were not provided" (API)
    O  let through (the page renders, the action runs or explains why it cannot: 2xx, 3xx, 400, 409)
    D  refused: 401, 403, or 404 (an entry you may not see does not exist for you)

Every request of a row runs in its own rolled-back transaction, so what one person does never
changes what the next one meets. A second test makes sure every route of the portal has a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from contributions.models import (
    Contribution,
    DocumentConversion,
    KnowledgeDocument,
    Notification,
    ReviewClaim,
    TaskFailure,
)
from contributions.services import reviews
from contributions.workflow import Status
from tests.factories import ProfileFactory, PullRequestFactory, UserFactory
from tests.review_factories import scoped_reviewer, submitted_entry

ROLES = ["anonymous", "author", "other", "reviewer_in", "reviewer_out", "admin"]


def knowledge_content() -> dict:
    return {
        "version": 3,
        "created_by": "matrix",
        "domain": "Storage",
        "document_outline": "How RGW stores objects",
        "seed_examples": [
            {
                "context": f"RGW stores objects in pools, passage {i}.",
                "questions_and_answers": [
                    {"question": f"Where does RGW store objects ({i}.{j})?", "answer": "In pools."}
                    for j in range(3)
                ],
            }
            for i in range(5)
        ],
    }


@dataclass
class World:
    users: dict[str, Any]
    ids: dict[str, Any]


@pytest.fixture
def world(db, monkeypatch, settings):
    settings.GITHUB_WEBHOOK_SECRETS = ["matrix-secret"]
    monkeypatch.setattr(reviews, "_queue_pull_request", lambda contribution_id: None)
    author = UserFactory(roles=["contributor"])
    ProfileFactory(user=author)
    other = UserFactory(roles=["contributor"])
    ProfileFactory(user=other)
    reviewer_in = scoped_reviewer("knowledge/technology")
    reviewer_out = scoped_reviewer("compositional_skills")
    admin = scoped_reviewer(admin=True)
    entry = submitted_entry(
        author, path="knowledge/technology/ceph/rgw", kind="knowledge", content=knowledge_content()
    )
    PullRequestFactory(contribution=entry, revision=entry.current_revision)
    document = KnowledgeDocument.objects.create(
        contribution=entry, filename="rgw.md", content="RGW stores objects in pools."
    )
    ReviewClaim.objects.create(
        contribution=entry,
        reviewer=reviewer_in,
        expires_at=entry.submitted_at + timedelta(days=1),
    )
    Contribution.objects.filter(pk=entry.pk).update(status=Status.IN_REVIEW.value)
    notification = Notification.objects.create(
        recipient=author, kind="decision", message="m", url="/"
    )
    failure = TaskFailure.objects.create(task_name="contributions.tasks.ping", error="x")
    return World(
        users={
            "anonymous": None,
            "author": author,
            "other": other,
            "reviewer_in": reviewer_in,
            "reviewer_out": reviewer_out,
            "admin": admin,
        },
        ids={
            "entry": entry.pk,
            "document": document.pk,
            "conversion": DocumentConversion.objects.create(
                contribution=entry, filename="rgw.pdf", original=b"%PDF", size=4, sha256="0" * 64
            ).pk,
            "author": author.username,
            "notification": notification.pk,
            "failure": failure.pk,
            "scope": reviewer_in.review_scopes.get().pk,
            "reviewer_in": reviewer_in.username,
        },
    )


# (name, method, path with {placeholders}, data, expected for the six roles in ROLES order)
TABLE: list[tuple[str, str, str, dict, str]] = [
    # --- public ---------------------------------------------------------------------------------
    ("home", "get", "/", {}, "O O O O O O"),
    ("health", "get", "/health/", {}, "O O O O O O"),
    ("favicon", "get", "/favicon.ico", {}, "O O O O O O"),
    ("signup", "get", "/accounts/signup/", {}, "O O O O O O"),
    ("login", "get", "/accounts/login/", {}, "O O O O O O"),
    ("logout", "post", "/accounts/logout/", {}, "O O O O O O"),
    ("password_reset", "get", "/accounts/password_reset/", {}, "O O O O O O"),
    ("password_reset_done", "get", "/accounts/password_reset/done/", {}, "O O O O O O"),
    ("password_reset_complete", "get", "/accounts/reset/done/", {}, "O O O O O O"),
    ("password_reset_confirm", "get", "/accounts/reset/MQ/bad-token/", {}, "O O O O O O"),
    ("password_change", "get", "/accounts/password_change/", {}, "L O O O O O"),
    ("password_change_done", "get", "/accounts/password_change/done/", {}, "L O O O O O"),
    ("api-health", "get", "/api/health/", {}, "O O O O O O"),
    ("api-token", "post", "/api/token/", {}, "O O O O O O"),
    ("api-schema", "get", "/api/schema/", {}, "O O O O O O"),
    ("api-docs", "get", "/api/docs/", {}, "O O O O O O"),
    ("github-webhook", "post", "/github/webhook/", {}, "D D D D D D"),
    ("django-admin", "get", "/django-admin/", {}, "L L L L L O"),
    # --- the contributor's pages (issue 4): only the author works on their entry ---------------
    ("my-contributions", "get", "/contributions/", {}, "L O O O O O"),
    ("contribution-new", "get", "/contributions/new/", {}, "L O O O O O"),
    ("contribution-detail", "get", "/contributions/{entry}/", {}, "L O D D D D"),
    ("contribution-edit", "get", "/contributions/{entry}/edit/", {}, "L O D D D D"),
    ("contribution-autosave", "post", "/contributions/{entry}/autosave/", {}, "L O D D D D"),
    ("contribution-yaml", "get", "/contributions/{entry}/yaml/", {}, "L O D D D D"),
    ("contribution-submit", "post", "/contributions/{entry}/submit/", {}, "L O D D D D"),
    ("contribution-withdraw", "post", "/contributions/{entry}/withdraw/", {}, "L O D D D D"),
    ("contribution-restore", "post", "/contributions/{entry}/restore/", {}, "L O D D D D"),
    ("contribution-duplicate", "post", "/contributions/{entry}/duplicate/", {}, "L O D D D D"),
    ("contribution-rebase", "post", "/contributions/{entry}/rebase/", {}, "L O D D D D"),
    ("contribution-import", "post", "/contributions/{entry}/import/", {}, "L O D D D D"),
    ("document-upload", "post", "/contributions/{entry}/documents/upload/", {}, "L O D D D D"),
    ("document-write", "post", "/contributions/{entry}/documents/write/", {}, "L O D D D D"),
    (
        "document-delete",
        "post",
        "/contributions/{entry}/documents/{document}/delete/",
        {},
        "L O D D D D",
    ),
    ("document-preview", "post", "/contributions/documents/preview/", {}, "L O O O O O"),
    # --- converted documents (issue 10): only the author sees or uses them ----------------------
    (
        "conversion-status",
        "get",
        "/contributions/{entry}/conversions/{conversion}/",
        {},
        "L O D D D D",
    ),
    (
        "conversion-accept",
        "post",
        "/contributions/{entry}/conversions/{conversion}/accept/",
        {},
        "L O D D D D",
    ),
    (
        "conversion-discard",
        "post",
        "/contributions/{entry}/conversions/{conversion}/discard/",
        {},
        "L O D D D D",
    ),
    ("taxonomy-folders", "get", "/taxonomy/folders/", {}, "L O O O O O"),
    ("taxonomy-folder-check", "get", "/taxonomy/folders/check/", {}, "L O O O O O"),
    ("profile", "get", "/profile/", {}, "L O O O O O"),
    ("profile-dco", "post", "/profile/dco/", {}, "L O O O O O"),
    # --- the contributor's API (issue 4) ---------------------------------------------------------
    ("api-me", "get", "/api/me/", {}, "L O O O O O"),
    ("api-contributions", "get", "/api/contributions/", {}, "L O O O O O"),
    ("api-contribution-import-new", "post", "/api/contributions/import/", {}, "L O O O O O"),
    ("api-contribution", "get", "/api/contributions/{entry}/", {}, "L O D D D D"),
    (
        "api-contribution-validate",
        "post",
        "/api/contributions/{entry}/validate/",
        {},
        "L O D D D D",
    ),
    ("api-contribution-import", "post", "/api/contributions/{entry}/import/", {}, "L O D D D D"),
    ("api-contribution-submit", "post", "/api/contributions/{entry}/submit/", {}, "L O D D D D"),
    (
        "api-contribution-withdraw",
        "post",
        "/api/contributions/{entry}/withdraw/",
        {},
        "L O D D D D",
    ),
    ("api-contribution-restore", "post", "/api/contributions/{entry}/restore/", {}, "L O D D D D"),
    ("api-contribution-rebase", "post", "/api/contributions/{entry}/rebase/", {}, "L O D D D D"),
    (
        "api-contribution-duplicate",
        "post",
        "/api/contributions/{entry}/duplicate/",
        {},
        "L O D D D D",
    ),
    ("api-contribution-files", "get", "/api/contributions/{entry}/files/", {}, "L O D D D D"),
    ("api-contribution-events", "get", "/api/contributions/{entry}/events/", {}, "L O D D D D"),
    (
        "api-contribution-documents",
        "get",
        "/api/contributions/{entry}/documents/",
        {},
        "L O D D D D",
    ),
    (
        "api-contribution-document",
        "get",
        "/api/contributions/{entry}/documents/{document}/",
        {},
        "L O D D D D",
    ),
    ("api-profile", "get", "/api/profile/", {}, "L O O O O O"),
    ("api-profile-dco-consent", "post", "/api/profile/dco-consent/", {}, "L O O O O O"),
    # --- the pipeline (issue 6) ------------------------------------------------------------------
    (
        "api-entry-pull-request",
        "get",
        "/api/contributions/{entry}/pull-request/",
        {},
        "L O D O D O",
    ),
    ("api-pipeline-status", "get", "/api/pipeline/status/", {}, "L D D D D O"),
    ("api-pipeline-reconcile", "post", "/api/pipeline/reconcile/", {}, "L D D D D O"),
    ("api-pipeline-taxonomy-sync", "post", "/api/pipeline/taxonomy-sync/", {}, "L D D D D O"),
    # --- reviewing (issue 5) ---------------------------------------------------------------------
    ("review-queue", "get", "/review/", {}, "L D D O O O"),
    ("review-detail", "get", "/review/{entry}/", {}, "L O D O D O"),
    ("review-claim", "post", "/review/{entry}/claim/", {}, "L D D O D O"),
    ("review-release", "post", "/review/{entry}/release/", {}, "L D D O D O"),
    (
        "review-assign",
        "post",
        "/review/{entry}/assign/",
        {"reviewer": "{reviewer_in}", "minutes": 60},
        "L D D D D O",
    ),
    ("review-comment", "post", "/review/{entry}/comment/", {"body": "Hm."}, "L O D O D O"),
    (
        "review-decide",
        "post",
        "/review/{entry}/decide/",
        {"decision": "request_changes", "reason": "Cite the docs.", "revision": 1},
        "L D D O D O",
    ),
    ("review-recheck", "post", "/review/{entry}/recheck/", {}, "L D D O D O"),
    ("review-abandon", "post", "/review/{entry}/abandon/", {"reason": "Stale."}, "L D D D D O"),
    ("api-review-queue", "get", "/api/review/queue/", {}, "L D D O O O"),
    ("api-review-entry", "get", "/api/review/entries/{entry}/", {}, "L O D O D O"),
    ("api-review-claim", "post", "/api/review/entries/{entry}/claim/", {}, "L D D O D O"),
    ("api-review-release", "post", "/api/review/entries/{entry}/release/", {}, "L D D O D O"),
    (
        "api-review-assign",
        "post",
        "/api/review/entries/{entry}/assign/",
        {"reviewer": "{reviewer_in}"},
        "L D D D D O",
    ),
    (
        "api-review-comment",
        "post",
        "/api/review/entries/{entry}/comments/",
        {"body": "Hm."},
        "L O D O D O",
    ),
    ("api-review-approve", "post", "/api/review/entries/{entry}/approve/", {}, "L D D O D O"),
    (
        "api-review-request-changes",
        "post",
        "/api/review/entries/{entry}/request-changes/",
        {"reason": "Cite the docs."},
        "L D D O D O",
    ),
    (
        "api-review-reject",
        "post",
        "/api/review/entries/{entry}/reject/",
        {"reason": "Duplicate."},
        "L D D O D O",
    ),
    (
        "api-review-abandon",
        "post",
        "/api/review/entries/{entry}/abandon/",
        {"reason": "Stale."},
        "L D D D D O",
    ),
    # --- people, notifications, statistics -------------------------------------------------------
    ("leaderboard", "get", "/people/", {}, "L O O O O O"),
    ("leaderboard-choice", "post", "/people/leaderboard-choice/", {"show": "1"}, "L O O O O O"),
    ("contributor-status", "get", "/people/{author}/", {}, "L O D O O O"),
    ("notifications", "get", "/notifications/", {}, "L O O O O O"),
    ("notifications-read", "post", "/notifications/read/", {}, "L O O O O O"),
    ("notification-open", "get", "/notifications/{notification}/", {}, "L O D D D D"),
    ("api-stats-leaderboard", "get", "/api/stats/people/", {}, "L O O O O O"),
    ("api-stats-contributor", "get", "/api/stats/people/{author}/", {}, "L O D O O O"),
    ("api-notifications", "get", "/api/notifications/", {}, "L O O O O O"),
    ("api-notifications-read", "post", "/api/notifications/read/", {}, "L O O O O O"),
    # --- admin -----------------------------------------------------------------------------------
    ("admin-dashboard", "get", "/dashboard/", {}, "L D D D D O"),
    ("admin-audit", "get", "/dashboard/audit/", {}, "L D D D D O"),
    ("admin-failures", "get", "/dashboard/failures/", {}, "L D D D D O"),
    ("admin-failure-retry", "post", "/dashboard/failures/{failure}/retry/", {}, "L D D D D O"),
    ("admin-failure-resolve", "post", "/dashboard/failures/{failure}/resolve/", {}, "L D D D D O"),
    ("admin-reviewers", "get", "/dashboard/reviewers/", {}, "L D D D D O"),
    (
        "admin-scope-remove",
        "post",
        "/dashboard/reviewers/scopes/{scope}/remove/",
        {},
        "L D D D D O",
    ),
    ("credits-export", "get", "/dashboard/credits.csv", {}, "L D D D D O"),
    ("api-stats-dashboard", "get", "/api/stats/dashboard/", {}, "L D D D D O"),
    ("api-stats-credits", "get", "/api/stats/credits/", {}, "L D D D D O"),
    ("api-admin-task-failures", "get", "/api/admin/task-failures/", {}, "L D D D D O"),
    (
        "api-admin-task-failure-retry",
        "post",
        "/api/admin/task-failures/{failure}/retry/",
        {},
        "L D D D D O",
    ),
    ("api-admin-audit", "get", "/api/admin/audit/", {}, "L D D D D O"),
]

# Named routes that need no row: Django admin's own pages are covered by "django-admin".
EXEMPT_PREFIXES = ("admin:",)


def outcome(response) -> str:
    """L, O, D or E (a server error) for one response."""
    status = response.status_code
    if status in (301, 302) and "login" in response.get("Location", ""):
        return "L"
    if status == 403 and b"credentials were not provided" in response.content:
        return "L"
    if status in (401, 403, 404):
        return "D"
    if status >= 500:
        return "E"
    return "O"


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    return value.format(**ids) if isinstance(value, str) else value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method", "path", "data", "expected"), TABLE, ids=[row[0] for row in TABLE]
)
def test_permission_matrix(world, name, method, path, data, expected):
    # given the six people and one submitted entry claimed by the reviewer in scope
    url = _fill(path, world.ids)
    body = {key: _fill(value, world.ids) for key, value in data.items()}
    got = []
    for role in ROLES:
        client = Client()
        if world.users[role] is not None:
            client.force_login(world.users[role])
        # when each of them calls the route, in a transaction rolled back afterwards
        with transaction.atomic():
            if method == "get":
                response = client.get(url, body)
            elif url.startswith("/api/"):
                response = client.post(url, body, content_type="application/json")
            else:
                response = client.post(url, body)
            transaction.set_rollback(True)
        got.append(outcome(response))
    # then each gets what the table says
    assert " ".join(got) == expected, dict(zip(ROLES, got, strict=True))


def _named_routes(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_route_of_the_portal_has_a_row():
    # given every named route / then each one is in the table (add a row when you add a route)
    covered = {row[0] for row in TABLE} | {"django-admin"}
    missing = sorted(
        name
        for name in _named_routes(get_resolver().url_patterns)
        if name not in covered and not name.startswith(EXEMPT_PREFIXES)
    )
    assert missing == [], "add these routes to TABLE in tests/test_permission_matrix.py"
