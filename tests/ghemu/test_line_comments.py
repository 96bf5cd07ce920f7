"""Inline review comments, dismissed and edited reviews, and the webhooks GitHub sends for them."""

from __future__ import annotations

import pytest

from ghemu.client import EmulatorHTTPError
from ghemu.testing import running_emulator

from .conftest import TAXONOMY, WebhookSink, make_client
from .test_pr_flow import ENTRY_DIR, open_entry_pr

SECRET = "line-comments-secret"
QNA = f"{ENTRY_DIR}/qna.yaml"


def test_line_comments_reviews_and_their_changes_send_githubs_webhooks(tmp_path, sink: WebhookSink):
    with running_emulator(tmp_path / "ghemu", webhook_url=sink.url, webhook_secret=SECRET) as gh:
        # given a pull request, and a review with one line comment
        pr = open_entry_pr(make_client(gh, gh.bot_token).get_repo(TAXONOMY), "portal/entry-5-r1")
        review = gh.review_pull(
            TAXONOMY, pr.number, event="REQUEST_CHANGES", body="See the line.",
            comments=[{"path": QNA, "line": 2, "body": "Who is alice?"}],
        )  # fmt: skip
        [line] = gh.request(
            "GET", f"/api/v3/repos/{TAXONOMY}/pulls/{pr.number}/comments", None, gh.bot_token
        )[1]
        # when the comment is edited and deleted, the review edited and dismissed, and a
        # conversation comment is left
        gh.edit_line_comment(TAXONOMY, line["id"], gh.maintainer_token, "Who is alice, really?")
        gh.delete_line_comment(TAXONOMY, line["id"], gh.maintainer_token)
        path = f"/api/v3/repos/{TAXONOMY}/pulls/{pr.number}/reviews/{review['id']}"
        gh.request("PUT", path, {"body": "See the line, please."}, gh.maintainer_token)
        gh.dismiss_review(TAXONOMY, pr.number, review["id"], gh.maintainer_token)
        gh.comment_pull(TAXONOMY, pr.number, body="Thanks.")
        received = sink.wait_for(8)
        # then each sends its webhook, in order
        events = [(r.event, r.json().get("action")) for r in received]
        assert events == [
            ("pull_request", "opened"),
            ("pull_request_review", "submitted"),
            ("pull_request_review_comment", "created"),
            ("pull_request_review_comment", "edited"),
            ("pull_request_review_comment", "deleted"),
            ("pull_request_review", "edited"),
            ("pull_request_review", "dismissed"),
            ("issue_comment", "created"),
        ]
        created = received[2].json()
        assert (created["comment"]["path"], created["comment"]["line"]) == (QNA, 2)
        assert created["comment"]["pull_request_review_id"] == review["id"]
        assert created["pull_request"]["number"] == pr.number
        assert received[3].json()["changes"] == {"body": {"from": "Who is alice?"}}
        assert received[6].json()["review"]["state"] == "dismissed"
        assert received[7].json()["issue"]["pull_request"]
        # and what is left reads as GitHub would answer it
        listed = gh.request(
            "GET", f"/api/v3/repos/{TAXONOMY}/pulls/{pr.number}/comments", None, gh.bot_token
        )[1]
        reviews = gh.request(
            "GET", f"/api/v3/repos/{TAXONOMY}/pulls/{pr.number}/reviews", None, gh.bot_token
        )[1]
        assert listed == []
        assert [(r["state"], r["body"]) for r in reviews] == [
            ("DISMISSED", "See the line, please.")
        ]


def test_only_maintainers_dismiss_and_only_decisions_can_be_dismissed(gh):
    # given a pull request with a change request and a comment-only review
    pr = open_entry_pr(make_client(gh, gh.bot_token).get_repo(TAXONOMY), "portal/entry-6-r1")
    decision = gh.review_pull(TAXONOMY, pr.number, event="REQUEST_CHANGES", body="No.")
    remark = gh.review_pull(TAXONOMY, pr.number, event="COMMENT", body="Hm.")
    # when the bot (write access) dismisses, or anyone dismisses a comment-only review
    with pytest.raises(EmulatorHTTPError) as by_bot:
        gh.dismiss_review(TAXONOMY, pr.number, decision["id"], gh.bot_token)
    with pytest.raises(EmulatorHTTPError) as a_remark:
        gh.dismiss_review(TAXONOMY, pr.number, remark["id"], gh.maintainer_token)
    # then both are refused, as on GitHub
    assert (by_bot.value.status, a_remark.value.status) == (403, 422)
