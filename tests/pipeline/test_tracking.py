"""Following pull requests: the webhook endpoint, its processing, the reconcile, feedback."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    Notification,
    PullRequest,
    WebhookDelivery,
)
from contributions.services import pipeline, pull_request_tracking
from contributions.tasks import pipeline as pipeline_tasks
from contributions.workflow import Status

from .conftest import WEBHOOK_SECRET
from .entries import approved_entry

TAXONOMY = "ceph/ceph-taxonomy"
URL = "/github/webhook/"


def _post(client, event, payload, *, secret=WEBHOOK_SECRET, delivery=None):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
        },
    )


def _closed(number, repo=TAXONOMY):
    return {"action": "closed", "number": number, "pull_request": {"number": number},
            "repository": {"full_name": repo}}  # fmt: skip


def _opened_entry(contributor, reviewer, n=1):
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=n)
    return entry, pipeline.pull_request_open(contribution_id=entry.pk)


def test_the_webhook_url_is_named():
    assert reverse("github-webhook") == URL


@pytest.mark.django_db
def test_a_delivery_with_a_bad_signature_is_refused(client, settings):
    # given the portal's secret
    settings.GITHUB_WEBHOOK_SECRETS = [WEBHOOK_SECRET]
    # when a delivery is signed with another / then it is refused and nothing is stored
    response = _post(client, "pull_request", _closed(1), secret="guess")
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_without_a_secret_the_portal_accepts_no_delivery(client, settings):
    # given no secret configured / when / then
    settings.GITHUB_WEBHOOK_SECRETS = []
    assert _post(client, "pull_request", _closed(1)).status_code == 503


@pytest.mark.django_db
def test_ping_and_unknown_events_are_answered_without_work(client, settings):
    # given the portal's secret
    settings.GITHUB_WEBHOOK_SECRETS = [WEBHOOK_SECRET]
    # when GitHub pings, then sends a push, then an event about another repository
    ping = _post(client, "ping", {"zen": "Design for failure."})
    push = _post(client, "push", {"repository": {"full_name": TAXONOMY}})
    elsewhere = _post(client, "pull_request", _closed(1, repo="someone/else"))
    # then all are acknowledged and none is recorded
    assert (ping.status_code, push.status_code, elsewhere.status_code) == (200, 202, 202)
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_redelivery_is_recognised_and_queued_once(
    client, settings, django_capture_on_commit_callbacks
):
    # given the portal's secret, and the second of two rotating secrets signing
    settings.GITHUB_WEBHOOK_SECRETS = ["new-secret", WEBHOOK_SECRET]
    # when GitHub sends the same delivery twice
    with (
        mock.patch("contributions.tasks.pipeline.process_github_webhook.delay") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        first = _post(client, "pull_request", _closed(4), delivery="d-1")
        second = _post(client, "pull_request", _closed(4), delivery="d-1")
    # then it is stored and queued once, and the redelivery is answered as already received
    assert (first.status_code, second.status_code) == (202, 200)
    assert WebhookDelivery.objects.get().pr_number == 4
    queued.assert_called_once_with("d-1", None)


@pytest.mark.django_db
def test_a_merge_delivered_by_webhook_moves_the_entry_to_merged(
    github, client, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given an entry with an open pull request, which a maintainer merges
    entry, pull = _opened_entry(contributor, reviewer)
    github.merge_pull(TAXONOMY, pull.number)
    # when GitHub's delivery arrives (tasks run inline here)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, "pull_request", _closed(pull.number))
    # then the entry is merged, the delivery processed and the author told
    entry.refresh_from_db()
    assert response.status_code == 202
    assert entry.status == Status.MERGED
    assert WebhookDelivery.objects.get().processed_at is not None
    assert Notification.objects.filter(
        recipient=contributor, kind="pull_request", message__contains="merged"
    ).exists()


@pytest.mark.django_db
def test_a_review_arrives_once_as_a_comment_on_the_entry(
    github, client, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given an entry with an open PR on which a maintainer requests changes
    entry, pull = _opened_entry(contributor, reviewer)
    review = github.review_pull(
        TAXONOMY, pull.number, event="REQUEST_CHANGES", body="Use snake_case."
    )
    payload = {
        "action": "submitted",
        "review": {"id": review["id"], "body": "Use snake_case.", "state": "changes_requested",
                   "user": {"login": "maintainer", "type": "User"}, "html_url": ""},
        "pull_request": {"number": pull.number},
        "repository": {"full_name": TAXONOMY},
    }  # fmt: skip
    # when the webhook arrives, and then the reconcile reads the same review
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "pull_request_review", payload)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the entry shows it once, and the author was told once
    comment = Comment.objects.get(contribution=entry)
    assert comment.external_author == "maintainer"
    assert comment.body == "On GitHub, maintainer requested changes:\n\nUse snake_case."
    notification = Notification.objects.get(recipient=contributor, kind="comment")
    assert notification.message == (
        f"maintainer requested changes on the pull request of “{entry.summary}” on GitHub: "
        "“Use snake_case.”"
    )


@pytest.mark.django_db
def test_the_reconcile_catches_up_without_webhooks(github, contributor, reviewer):
    # given two entries with PRs; a maintainer merges one and closes the other, no webhooks
    merged_entry, merged_pull = _opened_entry(contributor, reviewer, n=1)
    closed_entry, closed_pull = _opened_entry(contributor, reviewer, n=2)
    github.merge_pull(TAXONOMY, merged_pull.number)
    github.close_pull(TAXONOMY, closed_pull.number)
    github.comment_pull(TAXONOMY, closed_pull.number, body="Duplicate of an existing skill.")
    # when the reconcile runs (its sub-tasks run inline here)
    result = pipeline_tasks.reconcile_pull_requests()
    # then both entries follow GitHub and the comment is on the entry
    merged_entry.refresh_from_db()
    closed_entry.refresh_from_db()
    assert result["pull_requests"] == 2
    assert (merged_entry.status, closed_entry.status) == (Status.MERGED, Status.CLOSED)
    assert Comment.objects.get(contribution=closed_entry).external_author == "maintainer"


@pytest.mark.django_db
def test_an_unchanged_pull_request_costs_no_rate_limit(github, contributor, reviewer):
    # given a PR synced once
    _, pull = _opened_entry(contributor, reviewer)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    remaining = github.counters()["by_status"].get("304", 0)
    # when it is synced again with nothing new
    moved = pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then every read was answered 304 and nothing moved
    assert moved == []
    assert github.counters()["by_status"]["304"] == remaining + 4


@pytest.mark.django_db
def test_a_closed_then_reopened_pull_request_brings_the_entry_back(github, contributor, reviewer):
    # given a PR that a maintainer closes, as the reconcile sees
    entry, pull = _opened_entry(contributor, reviewer)
    github.close_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    entry.refresh_from_db()
    assert entry.status == Status.CLOSED
    # when it is reopened
    github.reopen_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the entry is back to PR open
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN
    assert PullRequest.objects.get(pk=pull.pk).state == "open"


@pytest.mark.django_db
def test_a_lost_hand_over_is_queued_again_once(
    contributor, settings, django_capture_on_commit_callbacks
):
    # given an entry approved long ago with no pull request, and one approved just now
    settings.PIPELINE_STUCK_AFTER_SECONDS = 600
    old = Contribution.objects.create(
        author=contributor, kind="skill", status=Status.APPROVED,
        handed_over_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    Contribution.objects.create(
        author=contributor, kind="skill", status=Status.APPROVED, handed_over_at=timezone.now()
    )
    # when the reconcile looks for stuck entries twice
    with mock.patch("contributions.tasks.pipeline.open_pull_request.delay") as queued:
        with django_capture_on_commit_callbacks(execute=True):
            for contribution_id in pull_request_tracking.stuck_contributions():
                pull_request_tracking.contribution_hand_over_again(contribution_id=contribution_id)
        again = pull_request_tracking.stuck_contributions()
    # then only the old one is queued, and not again straight away
    queued.assert_called_once_with(old.pk)
    assert again == []
    assert ContributionEvent.objects.filter(event="pipeline_requeued").count() == 1


def _feedback(kind, state, body):
    from contributions.forge.base import Feedback

    return Feedback(
        external_id="x", author="sam", author_is_bot=False, kind=kind, state=state, body=body
    )


def test_feedback_notifications_say_who_did_what_with_an_excerpt():
    # given a long comment, a bare approval and a commented review
    long_body = "Please rename the folder.\n\n" + "The answer repeats the question. " * 20
    message = pull_request_tracking.feedback_message
    # when each becomes the author's notification
    comment = message(_feedback("comment", "", long_body), "Pools")
    approval = message(_feedback("review", "APPROVED", "  "), "Pools")
    review = message(_feedback("review", "COMMENTED", "Looks\nfine."), "Pools")
    # then each says who, what in plain words, and a trimmed one-line excerpt of the text
    assert comment.startswith(
        "sam commented on the pull request of “Pools” on GitHub: “Please rename the folder. The"
    )
    assert comment.endswith("…”") and "\n" not in comment
    excerpt = comment.split(": “", 1)[1]
    assert len(excerpt) <= pull_request_tracking.FEEDBACK_EXCERPT_LENGTH + 1
    assert approval == "sam approved the pull request of “Pools” on GitHub."
    assert review == "sam commented on the pull request of “Pools” on GitHub: “Looks fine.”"


@pytest.mark.django_db
def test_a_form_encoded_delivery_gets_a_clear_error(client, settings):
    # given a webhook set to GitHub's other content type, correctly signed
    settings.GITHUB_WEBHOOK_SECRETS = [WEBHOOK_SECRET]
    body = b"payload=%7B%7D"
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    # when it arrives
    response = client.post(
        URL, data=body, content_type="application/x-www-form-urlencoded",
        headers={"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": str(uuid.uuid4()),
                 "X-Hub-Signature-256": signature},
    )  # fmt: skip
    # then it is refused with what to change, and nothing is stored
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not WebhookDelivery.objects.exists()
