"""Signed webhook deliveries: signature, payload shapes, drops and redelivery, the hooks API."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

import github

from ghemu.testing import EmulatorHandle, running_emulator
from ghemu.webhooks import signature_256

from .conftest import TAXONOMY, WebhookSink, make_client
from .contract import WEBHOOK_DIR, component_validator, errors_of
from .test_pr_flow import open_entry_pr

SECRET = "portal-webhook-secret"

WEBHOOK_SCHEMAS = {
    ("pull_request", "opened"): "webhook-pull-request-opened",
    ("pull_request", "closed"): "webhook-pull-request-closed",
    ("pull_request", "reopened"): "webhook-pull-request-reopened",
    ("pull_request", "synchronize"): "webhook-pull-request-synchronize",
    ("pull_request", "labeled"): "webhook-pull-request-labeled",
    ("pull_request", "edited"): "webhook-pull-request-edited",
    ("pull_request_review", "submitted"): "webhook-pull-request-review-submitted",
    ("ping", None): "webhook-ping",
}


def verify(received, secret: str = SECRET) -> bool:
    """What the portal does: constant-time compare of sha256=HMAC(secret, raw body)."""
    expected = "sha256=" + hmac.new(secret.encode(), received.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, received.headers["x-hub-signature-256"])


def test_signature_matches_the_documented_test_vector():
    # given
    vector = json.loads((WEBHOOK_DIR / "signature-test-vector.json").read_text())

    # when
    header = signature_256(vector["secret"], vector["payload"].encode())

    # then
    assert header == vector["X-Hub-Signature-256"] == f"sha256={vector['hexdigest']}"


def test_pull_request_lifecycle_sends_signed_events(tmp_path, sink: WebhookSink):
    with running_emulator(tmp_path / "ghemu", webhook_url=sink.url, webhook_secret=SECRET) as gh:
        # given
        bot = make_client(gh, gh.bot_token)
        pr = open_entry_pr(bot.get_repo(TAXONOMY), "portal/entry-11-r1")

        # when
        gh.review_pull(TAXONOMY, pr.number, event="REQUEST_CHANGES", body="Cite the docs page.")
        gh.close_pull(TAXONOMY, pr.number)
        gh.reopen_pull(TAXONOMY, pr.number)
        merged = gh.merge_pull(TAXONOMY, pr.number)
        received = sink.wait_for(5)

        # then
        events = [(r.event, r.json().get("action")) for r in received]
        assert events == [
            ("pull_request", "opened"),
            ("pull_request_review", "submitted"),
            ("pull_request", "closed"),
            ("pull_request", "reopened"),
            ("pull_request", "closed"),
        ]
        for r in received:
            assert verify(r)
            assert uuid.UUID(r.headers["x-github-delivery"])
            assert "api.github.com" not in r.body.decode() and gh.base_url in r.body.decode()
            schema = WEBHOOK_SCHEMAS[(r.event, r.json().get("action"))]
            assert errors_of(component_validator(schema), r.json()) == [], schema
        review = received[1].json()["review"]
        assert review["state"] == "changes_requested" and review["body"] == "Cite the docs page."
        closed, final = received[2].json()["pull_request"], received[4].json()["pull_request"]
        assert closed["merged"] is False and closed["merged_at"] is None
        assert final["merged"] is True and final["merge_commit_sha"] == merged["sha"]
        assert final["merged_by"]["login"] == "maintainer" and final["merged_at"] is not None
        assert received[4].json()["sender"]["login"] == "maintainer"


def test_dropped_delivery_can_be_redelivered_with_the_same_guid(tmp_path, sink: WebhookSink):
    with running_emulator(tmp_path / "ghemu", webhook_url=sink.url, webhook_secret=SECRET) as gh:
        # given
        gh.add_fault("drop_webhook", event="pull_request", action="closed", count=1)
        pr = open_entry_pr(make_client(gh).get_repo(TAXONOMY), "portal/entry-12-r1")
        gh.merge_pull(TAXONOMY, pr.number)
        gh.wait_for_webhooks()
        after_merge = [r.json()["action"] for r in sink.wait_for(1)]
        [dropped] = gh.deliveries(event="pull_request", action="closed")

        # when
        gh.redeliver(dropped["id"])
        received = sink.wait_for(2)

        # then
        assert after_merge == ["opened"]
        assert dropped["dropped"] is True
        assert (
            received[1].json()["action"] == "closed"
            and received[1].json()["pull_request"]["merged"] is True
        )
        assert received[1].headers["x-github-delivery"] == dropped["guid"]
        assert verify(received[1])
        assert gh.counters()["injected_faults"]["drop_webhook"] == 1


def test_failed_delivery_is_recorded(tmp_path, sink: WebhookSink):
    with running_emulator(tmp_path / "ghemu", webhook_url=sink.url, webhook_secret=SECRET) as gh:
        # given
        sink.status = 500

        # when
        open_entry_pr(make_client(gh).get_repo(TAXONOMY), "portal/entry-13-r1")
        gh.wait_for_webhooks()

        # then
        [delivery] = gh.deliveries(event="pull_request")
        assert delivery["status_code"] == 500 and delivery["status"] == "Invalid HTTP Response: 500"


def test_hooks_api_with_ping_deliveries_and_redelivery(gh: EmulatorHandle, sink: WebhookSink):
    # given
    maintainer = make_client(gh, gh.maintainer_token)
    repo = maintainer.get_repo(TAXONOMY)

    # when
    hook = repo.create_hook(
        "web", {"url": sink.url, "content_type": "json", "secret": SECRET}, ["pull_request"]
    )
    ping = sink.wait_for(1)[0]
    open_entry_pr(make_client(gh).get_repo(TAXONOMY), "portal/entry-14-r1")
    sink.wait_for(2)
    gh.wait_for_webhooks()
    deliveries = list(repo.get_hook_deliveries(hook.id))
    detail = repo.get_hook_delivery(hook.id, deliveries[0].id)
    status, _ = gh.request(
        "POST",
        f"/api/v3/repos/{TAXONOMY}/hooks/{hook.id}/deliveries/{deliveries[0].id}/attempts",
        token=gh.maintainer_token,
    )
    redelivered = sink.wait_for(3)[2]

    # then
    assert ping.event == "ping" and ping.json()["hook_id"] == hook.id and verify(ping)
    assert [h.id for h in repo.get_hooks()] == [hook.id]
    assert [(d.event, d.action) for d in deliveries] == [("pull_request", "opened"), ("ping", None)]
    assert detail.request.payload["action"] == "opened" and detail.response.payload == "ok"
    assert status == 202
    assert redelivered.headers["x-github-delivery"] == deliveries[0].guid
    assert hook.config["secret"] == "********"


def test_hooks_hidden_from_non_admins(gh: EmulatorHandle):
    # given
    repo = make_client(gh, gh.bot_token).get_repo(TAXONOMY)

    # when
    try:
        repo.create_hook("web", {"url": "http://127.0.0.1:1/x"})
        status = 201
    except github.GithubException as exc:
        status = exc.status

    # then
    assert status == 404


def test_deliveries_only_go_to_loopback_hosts(gh: EmulatorHandle):
    # given
    maintainer = make_client(gh, gh.maintainer_token)

    # when
    maintainer.get_repo(TAXONOMY).create_hook(
        "web", {"url": "http://example.com/hook", "content_type": "json"}
    )
    gh.wait_for_webhooks()

    # then
    [ping] = gh.deliveries(event="ping")
    assert ping["status"].startswith("Blocked by emulator") and ping["status_code"] == 0


def test_label_and_synchronize_events(tmp_path, sink: WebhookSink):
    with running_emulator(tmp_path / "ghemu", webhook_url=sink.url, webhook_secret=SECRET) as gh:
        # given
        repo = make_client(gh).get_repo(TAXONOMY)
        pr = open_entry_pr(repo, "portal/entry-15-r1")
        head = repo.get_git_commit(pr.head.sha)
        tree = repo.create_git_tree(
            [github.InputGitTreeElement("extra.txt", "100644", "blob", content="x")], head.tree
        )
        follow_up = repo.create_git_commit("follow-up", tree, [head])

        # when
        pr.add_to_labels("knowledge")
        repo.get_git_ref("heads/portal/entry-15-r1").edit(follow_up.sha)
        received = sink.wait_for(3)

        # then
        assert [r.json()["action"] for r in received] == ["opened", "labeled", "synchronize"]
        assert received[1].json()["label"]["name"] == "knowledge"
        assert (
            received[2].json()["after"] == follow_up.sha
            and received[2].json()["before"] == pr.head.sha
        )
        assert repo.get_pull(pr.number).head.sha == follow_up.sha
        for r in received:
            schema = WEBHOOK_SCHEMAS[(r.event, r.json()["action"])]
            assert errors_of(component_validator(schema), r.json()) == [], schema
