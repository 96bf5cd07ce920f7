"""The author's page of an entry whose pull request the maintainers closed."""

import pytest
from django.urls import reverse

from contributions.models import Comment, PullRequest
from contributions.workflow import Status
from tests.factories import PullRequestFactory
from tests.review_factories import submitted_entry


def _closed_entry(author):
    entry = submitted_entry(author, status=Status.CLOSED, summary="Pools")
    pull = PullRequestFactory(
        contribution=entry, revision=entry.current_revision, state=PullRequest.State.CLOSED
    )
    return entry, pull


def _next_step(client, entry) -> str:
    html = client.get(reverse("contribution-detail", args=[entry.pk])).content.decode()
    return html.split('id="next-heading"', 1)[1].split("</section>", 1)[0]


@pytest.mark.django_db
def test_a_pull_request_closed_without_a_comment_says_so_and_what_to_do(client, contributor):
    # given an entry whose pull request was closed with no maintainer comment
    entry, pull = _closed_entry(contributor)
    client.force_login(contributor)
    # when the author opens the entry
    step = _next_step(client, entry)
    # then it says plainly there was no comment, links the closed PR, and offers to revise
    # and resubmit (a new pull request after review)
    assert "See the comments below" not in step
    assert "without leaving a comment" in step
    assert f'href="{pull.url}"' in step
    assert "submit it again" in step and "new pull request" in step
    assert reverse("contribution-edit", args=[entry.pk]) in step
    assert "Make changes" in step


@pytest.mark.django_db
def test_a_closed_pull_request_shows_the_maintainers_comments(client, contributor):
    # given a maintainer's comment from GitHub on the closed pull request
    entry, _ = _closed_entry(contributor)
    Comment.objects.create(
        contribution=entry,
        revision=entry.current_revision,
        external_author="maintainer",
        external_id="comment-1",
        body="On GitHub, maintainer commented:\n\nThis duplicates knowledge/ceph/pools.",
    )
    client.force_login(contributor)
    # when the author opens the entry
    step = _next_step(client, entry)
    # then the next step quotes who said what, and still says what to do
    assert "On GitHub, maintainer commented" in step
    assert "This duplicates knowledge/ceph/pools." in step
    assert "without leaving a comment" not in step and "submit it again" in step
