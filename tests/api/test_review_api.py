"""The review actions and the statistics through the REST API, and their OpenAPI documentation."""

import pytest
from rest_framework.test import APIClient

from contributions.models import Notification, ReviewClaim, TaskFailure
from contributions.services import reviews
from contributions.services.notifications import notify
from contributions.workflow import Status
from tests.review_factories import new_revision, scoped_reviewer, submitted_entry


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def queued(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(reviews, "_queue_pull_request", calls.append)
    return calls


@pytest.mark.django_db
def test_the_queue_through_the_api(api, contributor):
    # given two waiting entries in different folders
    submitted_entry(contributor, path="knowledge/a", summary="K", submitted_days_ago=2)
    submitted_entry(contributor, path="compositional_skills/b", summary="S")
    api.force_authenticate(scoped_reviewer("knowledge"))
    # when the reviewer lists their queue
    body = api.get("/api/review/queue/").json()
    # then they get their scope, paginated, with the claim state
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["summary"], row["revision"], row["claim"]) == ("K", 1, None)
    assert row["url"] == f"/review/{row['id']}/"
    filtered = api.get("/api/review/queue/", {"kind": "knowledge", "age": "old"}).json()
    assert filtered["count"] == 0


@pytest.mark.django_db
def test_a_review_round_through_the_api(api, contributor, reviewer, queued):
    # given a waiting entry
    entry = submitted_entry(contributor)
    api.force_authenticate(reviewer)
    url = f"/api/review/entries/{entry.pk}"
    # when the reviewer claims it, comments on an example and reads it
    claim = api.post(f"{url}/claim/", {"minutes": 30}, format="json")
    comment = api.post(f"{url}/comments/", {"body": "Pool?", "seed_index": 0}, format="json")
    detail = api.get(f"{url}/").json()
    # then the claim, the comment and the YAML are there
    assert claim.status_code == 200 and claim.json()["reviewer"] == reviewer.username
    assert comment.status_code == 201 and comment.json()["seed_index"] == 0
    assert detail["claim"]["reviewer"] == reviewer.username
    assert detail["files"][0]["name"].endswith("qna.yaml")
    assert "seed_examples:" in detail["files"][0]["text"]
    assert detail["can_decide"] is True and detail["validation_current"] is True
    # when they approve the revision they read
    approve = api.post(f"{url}/approve/", {"revision": 1}, format="json")
    # then the entry is handed over
    assert approve.status_code == 201 and approve.json()["decision"] == "approve"
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["request-changes", "reject"])
def test_request_changes_and_reject_need_a_reason(api, contributor, reviewer, action):
    entry = submitted_entry(contributor)
    api.force_authenticate(reviewer)
    missing = api.post(f"/api/review/entries/{entry.pk}/{action}/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    done = api.post(
        f"/api/review/entries/{entry.pk}/{action}/", {"reason": "Cite it."}, format="json"
    )
    assert done.status_code == 201


@pytest.mark.django_db
def test_refusals_have_clear_status_codes(api, contributor, reviewer):
    entry = submitted_entry(contributor)
    new_revision(entry)
    # a stale revision: 409
    api.force_authenticate(reviewer)
    stale = api.post(f"/api/review/entries/{entry.pk}/approve/", {"revision": 1}, format="json")
    assert stale.status_code == 409 and "revision 2" in stale.json()["detail"]
    # the author deciding: 403
    api.force_authenticate(contributor)
    own = api.post(f"/api/review/entries/{entry.pk}/approve/", {}, format="json")
    assert own.status_code == 403
    # a reviewer out of scope: 404, as if the entry did not exist
    api.force_authenticate(scoped_reviewer("knowledge/elsewhere"))
    assert api.get(f"/api/review/entries/{entry.pk}/").status_code == 404
    # failing checks: 400
    Notification.objects.all().delete()
    failing = submitted_entry(contributor, validation="failed")
    api.force_authenticate(reviewer)
    refused = api.post(f"/api/review/entries/{failing.pk}/approve/", {}, format="json")
    assert refused.status_code == 400 and "passes the checks" in refused.json()["detail"]


@pytest.mark.django_db
def test_admins_assign_and_release_through_the_api(api, contributor, reviewer, admin_user):
    entry = submitted_entry(contributor)
    api.force_authenticate(admin_user)
    assigned = api.post(
        f"/api/review/entries/{entry.pk}/assign/",
        {"reviewer": reviewer.username, "minutes": 60},
        format="json",
    )
    assert assigned.status_code == 200 and assigned.json()["assigned_by"] == admin_user.username
    released = api.post(f"/api/review/entries/{entry.pk}/release/")
    assert released.status_code == 204
    assert not ReviewClaim.objects.exists()


@pytest.mark.django_db
def test_statistics_through_the_api(api, contributor, admin_user, reviewer):
    # given one waiting entry and a contributor who opted in
    submitted_entry(contributor)
    contributor.profile.show_on_leaderboard = True
    contributor.profile.save()
    # then admins get the dashboard numbers, reviewers do not
    api.force_authenticate(reviewer)
    assert api.get("/api/stats/dashboard/").status_code == 403
    api.force_authenticate(admin_user)
    stats = api.get("/api/stats/dashboard/").json()
    assert stats["by_status"]["submitted"] == 1 and stats["waiting"]["total"] == 1
    assert len(stats["throughput"]) == 12 and stats["github_rate_limit"] is None
    # and anyone signed in sees the leaderboard and opted-in people
    api.force_authenticate(reviewer)
    person = api.get(f"/api/stats/people/{contributor.username}/").json()
    assert person["by_status"] == {"submitted": 1} and person["acceptance_rate"] is None
    board = api.get("/api/stats/people/").json()
    assert [(r["username"], r["submitted"]) for r in board] == [(contributor.username, 1)]


@pytest.mark.django_db
def test_notifications_through_the_api(api, contributor):
    first = notify(recipient=contributor, kind="decision", message="One")
    notify(recipient=contributor, kind="comment", message="Two")
    api.force_authenticate(contributor)
    body = api.get("/api/notifications/").json()
    assert body["unread"] == 2 and [n["message"] for n in body["results"]] == ["Two", "One"]
    marked = api.post("/api/notifications/read/", {"ids": [first.pk]}, format="json").json()
    assert marked == {"marked": 1}
    assert api.get("/api/notifications/", {"unread": "1"}).json()["count"] == 1
    assert api.post("/api/notifications/read/", {"ids": "x"}, format="json").status_code == 400


@pytest.mark.django_db
def test_task_failures_through_the_api(
    api, admin_user, reviewer, django_capture_on_commit_callbacks
):
    from unittest import mock

    from contributions.tasks.health import ping

    failure = TaskFailure.objects.create(task_name="contributions.tasks.ping", error="x")
    api.force_authenticate(reviewer)
    assert api.get("/api/admin/task-failures/").status_code == 403
    api.force_authenticate(admin_user)
    assert [f["id"] for f in api.get("/api/admin/task-failures/").json()] == [failure.pk]
    with (
        mock.patch.object(ping, "apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        retried = api.post(f"/api/admin/task-failures/{failure.pk}/retry/")
    assert retried.status_code == 200 and retried.json()["retried_at"]
    apply_async.assert_called_once()
    audit = api.get("/api/admin/audit/", {"event": "task_retried"}).json()
    assert audit["count"] == 1 and audit["results"][0]["actor"] == admin_user.username


@pytest.mark.django_db
def test_the_review_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for path in [
        "/api/review/queue/",
        "/api/review/entries/{id}/",
        "/api/review/entries/{id}/claim/",
        "/api/review/entries/{id}/release/",
        "/api/review/entries/{id}/assign/",
        "/api/review/entries/{id}/comments/",
        "/api/review/entries/{id}/approve/",
        "/api/review/entries/{id}/request-changes/",
        "/api/review/entries/{id}/reject/",
        "/api/stats/dashboard/",
        "/api/stats/people/",
        "/api/stats/people/{username}/",
        "/api/stats/credits/",
        "/api/notifications/",
        "/api/notifications/read/",
        "/api/admin/task-failures/",
        "/api/admin/task-failures/{id}/retry/",
        "/api/admin/audit/",
    ]:
        assert path in paths, path
    reject = paths["/api/review/entries/{id}/reject/"]["post"]
    body = reject["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert "reason" in schema["components"]["schemas"][body]["required"]
