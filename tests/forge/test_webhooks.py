"""Webhook signatures and payloads."""

from __future__ import annotations

import json
from pathlib import Path

from contributions.forge.webhooks import read_event, signature_valid

PAYLOADS = Path(__file__).parent / "payloads"
# GitHub's documented test values ("Validating webhook deliveries").
SECRET = "It's a Secret to Everybody"
BODY = b"Hello, World!"
SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_githubs_test_vector_is_valid():
    # given GitHub's example / then the signature is accepted
    assert signature_valid(BODY, SIGNATURE, [SECRET])


def test_any_of_two_rotating_secrets_is_accepted():
    # given the new secret first and the old one second / then the old signature still passes
    assert signature_valid(BODY, SIGNATURE, ["the-new-secret", SECRET])


def test_a_wrong_secret_a_changed_body_or_no_prefix_is_refused():
    # given / then
    assert not signature_valid(BODY, SIGNATURE, ["another secret"])
    assert not signature_valid(BODY + b" ", SIGNATURE, [SECRET])
    assert not signature_valid(BODY, SIGNATURE.removeprefix("sha256="), [SECRET])
    assert not signature_valid(BODY, SIGNATURE, [""])


def test_a_review_payload_carries_feedback():
    # given GitHub's example of a submitted review
    payload = json.loads((PAYLOADS / "pull_request_review.submitted.json").read_text())
    # when it is read
    event = read_event("pull_request_review", payload)
    # then it names the pull request and the review
    assert (event.repo, event.pr_number, event.handled) == ("Codertocat/Hello-World", 2, True)
    assert event.feedback.external_id == "review-237895671"
    assert (event.feedback.author, event.feedback.state) == ("Codertocat", "COMMENTED")


def test_a_closed_pull_request_payload_names_its_pull_request():
    # given GitHub's example of a closed pull request
    payload = json.loads((PAYLOADS / "pull_request.closed.json").read_text())
    # when / then
    event = read_event("pull_request", payload)
    assert (event.action, event.pr_number, event.feedback) == ("closed", 2, None)


def test_events_the_portal_does_not_use_are_not_handled():
    # given a push, the portal's own "opened", and a comment on a plain issue
    push = read_event("push", {"repository": {"full_name": "a/b"}})
    opened = read_event(
        "pull_request",
        {"action": "opened", "number": 1, "repository": {"full_name": "a/b"}},
    )
    issue_comment = read_event(
        "issue_comment",
        {"action": "created", "repository": {"full_name": "a/b"}, "issue": {"number": 3},
         "comment": {"id": 1, "body": "hi", "user": {"login": "x"}}},
    )  # fmt: skip
    # then none is handled
    assert not push.handled
    assert not opened.handled
    assert not issue_comment.handled


def test_a_signature_wrong_only_in_its_last_hex_digit_is_refused():
    # given GitHub's valid signature with its last hex digit changed
    last = SIGNATURE[-1]
    almost = SIGNATURE[:-1] + ("0" if last != "0" else "1")
    # when / then the whole digest counts, not its first characters
    assert not signature_valid(BODY, almost, [SECRET])
    assert not signature_valid(BODY, SIGNATURE[:-1], [SECRET])


def test_review_comment_payloads_carry_the_file_and_line():
    # given a line comment delivery as GitHub sends it, then the same comment deleted
    comment = {
        "id": 9,
        "body": "Typo.",
        "path": "skills/x/qna.yaml",
        "line": 7,
        "user": {"login": "maintainer", "type": "User"},
        "html_url": "",
    }
    payload = {"action": "created", "comment": comment, "pull_request": {"number": 4},
               "repository": {"full_name": "Ceph/Taxonomy"}}  # fmt: skip
    # when they are read
    created = read_event("pull_request_review_comment", payload)
    deleted = read_event("pull_request_review_comment", {**payload, "action": "deleted"})
    # then both name the pull request and the line; the deletion withdraws it
    assert created.handled and created.pr_number == 4
    assert (created.feedback.kind, created.feedback.path, created.feedback.line) == (
        "line", "skills/x/qna.yaml", 7,
    )  # fmt: skip
    assert not created.feedback.withdrawn and deleted.feedback.withdrawn


def test_a_dismissed_review_payload_withdraws_the_review():
    # given GitHub's submitted review example, dismissed
    payload = json.loads((PAYLOADS / "pull_request_review.submitted.json").read_text())
    payload = {
        **payload,
        "action": "dismissed",
        "review": {**payload["review"], "state": "dismissed"},
    }
    # when / then
    event = read_event("pull_request_review", payload)
    assert event.handled and event.feedback.withdrawn and event.feedback.state == "DISMISSED"


def test_a_valid_secret_counts_wherever_it_is_in_the_list():
    # given the right secret after an empty one, and before a wrong one / then both pass
    assert signature_valid(BODY, SIGNATURE, ["", SECRET])
    assert signature_valid(BODY, SIGNATURE, [SECRET, "the-next-secret"])


def test_a_comment_on_a_pull_request_carries_feedback():
    # given a conversation comment on a pull request (its issue has a pull_request key)
    payload = {"action": "created", "repository": {"full_name": "a/b"},
               "issue": {"number": 3, "pull_request": {"url": "x"}},
               "comment": {"id": 5, "body": "Looks fine.", "user": {"login": "m", "type": "User"},
                           "html_url": "h"}}  # fmt: skip
    # when it is read
    event = read_event("issue_comment", payload)
    # then it names the pull request and the comment
    assert (event.event, event.repo, event.pr_number, event.handled) == (
        "issue_comment", "a/b", 3, True,
    )  # fmt: skip
    item = event.feedback
    assert (item.external_id, item.kind, item.author, item.body, item.url) == (
        "comment-5", "comment", "m", "Looks fine.", "h",
    )  # fmt: skip
    assert not item.author_is_bot and not item.withdrawn


def test_a_payload_that_is_not_an_object_is_named_but_not_handled():
    # given / when
    event = read_event("pull_request", ["not", "an", "object"])
    # then
    assert (event.event, event.repo, event.pr_number, event.handled) == (
        "pull_request", "", None, False,
    )  # fmt: skip
