"""The review queue and the review page, through the HTML views."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import Comment, Contribution, ContributionEvent, ReviewClaim
from contributions.services import reviews
from contributions.workflow import Status
from tests.factories import skill_content
from tests.review_factories import new_revision, scoped_reviewer, submitted_entry


@pytest.fixture
def no_pipeline(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(reviews, "_queue_pull_request", calls.append)
    return calls


def _titles(response) -> list[str]:
    return [row["entry"].summary for row in response.context["rows"]]


@pytest.mark.django_db
def test_the_queue_lists_waiting_entries_in_scope_oldest_first(client, contributor):
    # given entries inside and outside the reviewer's scope, in several states
    reviewer = scoped_reviewer("knowledge")
    submitted_entry(contributor, path="knowledge/a", summary="new", submitted_days_ago=1)
    submitted_entry(contributor, path="knowledge/b", summary="old", submitted_days_ago=9)
    submitted_entry(contributor, path="knowledge/c", summary="claimed", status=Status.IN_REVIEW)
    submitted_entry(contributor, path="compositional_skills/x", summary="elsewhere")
    submitted_entry(contributor, path="knowledge/d", summary="done", status=Status.APPROVED)
    submitted_entry(reviewer, path="knowledge/e", summary="own")
    client.force_login(reviewer)
    # when they open the queue
    response = client.get(reverse("review-queue"))
    # then they see waiting entries in scope, not their own, oldest first
    assert response.status_code == 200
    assert _titles(response) == ["old", "new", "claimed"]
    assert b"waiting-old" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "knowledge"}, ["k"]),
        ({"path": "compositional_skills/ceph"}, ["s-old", "s-failed"]),
        ({"path": "compositional_skills/ce"}, []),
        ({"validation": "failed"}, ["s-failed"]),
        ({"age": "old"}, ["s-old"]),
        ({"age": "new"}, ["k", "s-failed"]),
        ({"kind": "nonsense"}, ["s-old", "k", "s-failed"]),
    ],
)
def test_queue_filters(client, contributor, reviewer, query, expected):
    # given three waiting entries
    submitted_entry(
        contributor, path="compositional_skills/ceph/a", summary="s-old", submitted_days_ago=10
    )
    submitted_entry(contributor, path="knowledge/ceph/b", summary="k", kind="knowledge")
    submitted_entry(
        contributor, path="compositional_skills/ceph/c", summary="s-failed", validation="failed"
    )
    client.force_login(reviewer)
    # when the queue is filtered / then only the matching ones show
    assert _titles(client.get(reverse("review-queue"), query)) == expected


@pytest.mark.django_db
def test_queue_filters_by_author_and_claim(client, contributor, other_contributor, reviewer):
    mine = submitted_entry(contributor, summary="by-contributor")
    submitted_entry(other_contributor, summary="by-other")
    reviews.review_claim(contribution_id=mine.pk, reviewer=reviewer)
    client.force_login(reviewer)
    by_author = client.get(reverse("review-queue"), {"author": contributor.username})
    assert _titles(by_author) == ["by-contributor"]
    assert _titles(client.get(reverse("review-queue"), {"claim": "mine"})) == ["by-contributor"]
    assert _titles(client.get(reverse("review-queue"), {"claim": "unclaimed"})) == ["by-other"]


@pytest.mark.django_db
def test_the_queue_is_paginated(client, contributor, reviewer):
    for day in range(30):
        submitted_entry(contributor, summary=f"e{day:02d}", submitted_days_ago=30 - day)
    client.force_login(reviewer)
    first = client.get(reverse("review-queue"))
    second = client.get(reverse("review-queue"), {"page": 2})
    assert len(first.context["rows"]) == 25 and _titles(first)[0] == "e00"
    assert _titles(second) == [f"e{d}" for d in range(25, 30)]
    assert b"Page 1 of 2" in first.content


@pytest.mark.django_db
def test_claim_and_release_from_the_queue(client, contributor, reviewer):
    entry = submitted_entry(contributor)
    client.force_login(reviewer)
    # when the reviewer claims from the queue
    response = client.post(reverse("review-claim", args=[entry.pk]), {"next": "queue"})
    # then they are back on the queue, holding it
    assert response.status_code == 302 and response.url == reverse("review-queue")
    assert ReviewClaim.objects.get(contribution=entry).reviewer == reviewer
    page = client.get(reverse("review-queue"))
    assert b"You are reviewing this" in page.content
    client.post(reverse("review-release", args=[entry.pk]), {"next": "queue"})
    assert not ReviewClaim.objects.exists()


@pytest.mark.django_db
def test_a_conflicting_claim_is_explained(client, contributor, reviewer):
    entry = submitted_entry(contributor)
    reviews.review_claim(contribution_id=entry.pk, reviewer=scoped_reviewer())
    client.force_login(reviewer)
    response = client.post(reverse("review-claim", args=[entry.pk]), follow=True)
    assert "is reviewing this entry until" in response.content.decode()


@pytest.mark.django_db
def test_admin_assigns_from_the_review_page(client, contributor, reviewer, admin_user):
    entry = submitted_entry(contributor)
    client.force_login(admin_user)
    response = client.post(
        reverse("review-assign", args=[entry.pk]),
        {"reviewer": reviewer.username, "minutes": 1440},
    )
    assert response.status_code == 302
    claim = ReviewClaim.objects.get(contribution=entry)
    assert claim.reviewer == reviewer
    assert claim.expires_at > timezone.now() + timedelta(hours=23)


@pytest.mark.django_db
def test_the_review_page_shows_the_entry_yaml_checks_and_changes(client, contributor, reviewer):
    # given an entry on its second revision, with one answer changed, and a failed check
    entry = submitted_entry(contributor)
    content = skill_content()
    content["seed_examples"][1]["answer"] = "Run `ceph health detail` and read the summary."
    new_revision(entry, content=content)
    Contribution.objects.filter(pk=entry.pk).update(
        validation_issues=[
            {
                "severity": "warning",
                "source": "portal",
                "rule": "words.answer",
                "message": "This answer is long.",
                "location": {"seed": 2, "field": "answer"},
            }
        ]
    )
    reviews.review_comment(contribution_id=entry.pk, author=reviewer, body="Nice.", seed_index=1)
    client.force_login(reviewer)
    # when the reviewer opens it
    response = client.get(reverse("review-detail", args=[entry.pk]))
    html = response.content.decode()
    # then they see it as written, as YAML, the change, the check and the comment
    assert response.status_code == 200
    assert "Explain which Ceph command" in html
    assert f"{entry.taxonomy_path}/qna.yaml" in html
    assert "task_description:" in html and "seed_examples:" in html
    assert "attribution.txt" in html
    assert "Example 2 · Answer" in html and "Seed example" not in html
    assert "<ins>" in html and "<del>" in html
    assert "This answer is long." in html and "example 2, answer" in html
    assert "Nice." in html
    assert 'id="seed-2"' in html and "changed since revision 1" in html


@pytest.mark.django_db
def test_a_reviewer_requests_changes_with_a_reason(client, contributor, reviewer):
    entry = submitted_entry(contributor)
    client.force_login(reviewer)
    # when they send the form without a reason
    url = reverse("review-decide", args=[entry.pk])
    missing = client.post(url, {"decision": "request_changes", "reason": "", "revision": 1})
    # then the page asks for one, keeping their choice
    assert missing.status_code == 400
    assert "Say what the author should change" in missing.content.decode()
    # when they give one
    done = client.post(url, {"decision": "request_changes", "reason": "Cite docs.", "revision": 1})
    # then the entry goes back to its author
    assert done.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.CHANGES_REQUESTED


@pytest.mark.django_db
def test_approving_from_the_page_hands_over(client, contributor, reviewer, no_pipeline):
    entry = submitted_entry(contributor)
    client.force_login(reviewer)
    response = client.post(
        reverse("review-decide", args=[entry.pk]), {"decision": "approve", "revision": 1}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.handed_over_at is not None


@pytest.mark.django_db
def test_approve_is_disabled_while_checks_fail(client, contributor, reviewer):
    entry = submitted_entry(contributor, validation="failed")
    client.force_login(reviewer)
    html = client.get(reverse("review-detail", args=[entry.pk])).content.decode()
    assert 'value="approve" disabled' in html
    assert "Possible once the checks pass" in html


@pytest.mark.django_db
def test_a_stale_decision_is_refused_with_a_message(client, contributor, reviewer):
    entry = submitted_entry(contributor)
    new_revision(entry)
    client.force_login(reviewer)
    response = client.post(
        reverse("review-decide", args=[entry.pk]),
        {"decision": "reject", "reason": "no", "revision": 1},
        follow=True,
    )
    assert "submitted revision 2 while you were reading revision 1" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED


@pytest.mark.django_db
def test_comments_on_a_seed_example_from_the_page(client, contributor, reviewer):
    entry = submitted_entry(contributor)
    client.force_login(reviewer)
    response = client.post(
        reverse("review-comment", args=[entry.pk]), {"body": "Which pool?", "seed_index": 3}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#comment-{comment.pk}")
    assert comment.seed_index == 3
    empty = client.post(reverse("review-comment", args=[entry.pk]), {"body": ""})
    assert empty.status_code == 400


@pytest.mark.django_db
def test_the_author_reads_the_review_page_but_cannot_decide(client, contributor):
    entry = submitted_entry(contributor)
    client.force_login(contributor)
    page = client.get(reverse("review-detail", args=[entry.pk]))
    assert page.status_code == 200
    assert "This is your entry" in page.content.decode()
    refused = client.post(
        reverse("review-decide", args=[entry.pk]), {"decision": "approve", "revision": 1}
    )
    assert refused.status_code == 403
    entry.refresh_from_db()
    assert entry.status == Status.SUBMITTED


@pytest.mark.django_db
def test_non_reviewers_are_turned_away_from_the_queue_kindly(client, contributor):
    client.force_login(contributor)
    response = client.get(reverse("review-queue"))
    assert response.status_code == 403
    assert "ask an admin" in response.content.decode()


@pytest.mark.django_db
def test_after_changes_are_requested_the_author_is_offered_the_editor(
    client, contributor, reviewer
):
    entry = submitted_entry(contributor)
    reviews.review_request_changes(contribution_id=entry.pk, reviewer=reviewer, reason="Cite it.")
    client.force_login(contributor)
    html = client.get(reverse("review-detail", args=[entry.pk])).content.decode()
    assert f'href="/contributions/{entry.pk}/edit/"' in html and "Edit and resubmit" in html
    assert "Cite it." in html


@pytest.mark.django_db
def test_the_history_leaves_out_autosaves_and_names_every_event(client, contributor):
    # given an entry whose author autosaved many times, then submitted; the portal opened its PR
    reviewer = scoped_reviewer()
    entry = submitted_entry(contributor)
    for _ in range(8):
        ContributionEvent.objects.create(contribution=entry, actor=contributor, event="draft_saved")
    ContributionEvent.objects.create(
        contribution=entry, actor=None, event="pull_request_recorded", data={"number": 9}
    )
    ContributionEvent.objects.create(
        contribution=entry, actor=None, event="github_feedback", data={"author": "octocat"}
    )
    client.force_login(reviewer)
    # when the reviewer opens the review page
    html = client.get(reverse("review-detail", args=[entry.pk])).content.decode()
    # then the history has no autosave lines, no record that repeats a status move, and the
    # portal's events read as sentences
    assert "saved the draft" not in html
    assert "Pull request #9 created on GitHub" not in html
    assert "octocat left feedback on the pull request on GitHub" in html
    assert "submitted the entry for review" in html
