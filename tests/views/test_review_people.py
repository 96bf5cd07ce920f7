"""Contributor status pages and the opt-in leaderboard."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contributions.models import Contribution, ContributionEvent
from contributions.services import reviews
from contributions.workflow import Status
from tests.factories import ContributionFactory
from tests.review_factories import scoped_reviewer, submitted_entry


def _merge(entry):
    Contribution.objects.filter(pk=entry.pk).update(
        status=Status.MERGED.value, handed_over_at=timezone.now()
    )


@pytest.mark.django_db
def test_a_contributor_sees_their_numbers(client, contributor, reviewer):
    # given two merged entries, one rejected, one waiting and a private draft
    for _ in range(2):
        _merge(submitted_entry(contributor))
    rejected = submitted_entry(contributor)
    reviews.review_reject(contribution_id=rejected.pk, reviewer=reviewer, reason="Duplicate.")
    submitted_entry(contributor)
    ContributionFactory(author=contributor, summary="secret draft")
    client.force_login(contributor)
    # when they open their page
    response = client.get(reverse("contributor-status", args=[contributor.username]))
    data = response.context["data"]
    # then the counts, the rate and the activity are theirs
    assert response.status_code == 200
    assert (data.total, data.merged, data.accepted, data.rejected) == (5, 2, 2, 1)
    assert data.acceptance_rate == pytest.approx(2 / 3)
    assert "67%" in response.content.decode()
    assert "secret draft" in response.content.decode()
    assert any(e.event == "rejected" for e in data.activity)


@pytest.mark.django_db
def test_reviewers_see_submitted_work_in_their_scope_only(client, contributor):
    submitted_entry(contributor, path="knowledge/a", summary="in scope")
    submitted_entry(contributor, path="compositional_skills/b", summary="elsewhere")
    ContributionFactory(author=contributor, summary="secret draft", taxonomy_path="knowledge/c")
    client.force_login(scoped_reviewer("knowledge"))
    response = client.get(reverse("contributor-status", args=[contributor.username]))
    html = response.content.decode()
    assert "in scope" in html and "elsewhere" not in html and "secret draft" not in html


@pytest.mark.django_db
def test_other_contributors_see_only_people_who_opted_in(client, contributor, other_contributor):
    _merge(submitted_entry(contributor, summary="merged work"))
    submitted_entry(contributor, summary="waiting work")
    client.force_login(other_contributor)
    url = reverse("contributor-status", args=[contributor.username])
    # when the person has not opted in / then their page does not exist for others
    assert client.get(url).status_code == 404
    # when they opt in / then others see their public, merged work only
    contributor.profile.show_on_leaderboard = True
    contributor.profile.save()
    html = client.get(url).content.decode()
    assert "merged work" in html and "waiting work" not in html
    assert "Recent activity" not in html


@pytest.mark.django_db
def test_the_leaderboard_lists_opted_in_people_by_merged_work(
    client, contributor, other_contributor
):
    # given two opted-in contributors and one who did not opt in
    shy = scoped_reviewer()
    for person, merged in ((contributor, 1), (other_contributor, 2), (shy, 3)):
        for _ in range(merged):
            _merge(submitted_entry(person))
    for person in (contributor, other_contributor):
        person.profile.show_on_leaderboard = True
        person.profile.save()
    client.force_login(contributor)
    rows = client.get(reverse("leaderboard")).context["rows"]
    assert [(r["username"], r["merged"]) for r in rows] == [
        (other_contributor.username, 2),
        (contributor.username, 1),
    ]


@pytest.mark.django_db
def test_joining_and_leaving_the_leaderboard(client, contributor):
    client.force_login(contributor)
    client.post(reverse("leaderboard-choice"), {"show": "1"})
    contributor.profile.refresh_from_db()
    assert contributor.profile.show_on_leaderboard is True
    response = client.post(reverse("leaderboard-choice"), {"show": "0", "next": "status"})
    contributor.profile.refresh_from_db()
    assert contributor.profile.show_on_leaderboard is False
    assert response.url == reverse("contributor-status", args=[contributor.username])


@pytest.mark.django_db
def test_the_activity_list_leaves_out_autosaves(client, contributor):
    # given an entry with a burst of autosaves before it was submitted
    entry = submitted_entry(contributor, summary="Pools")
    for _ in range(7):
        ContributionEvent.objects.create(contribution=entry, actor=contributor, event="draft_saved")
    client.force_login(contributor)
    # when the author opens their page
    html = client.get(reverse("contributor-status", args=[contributor.username])).content.decode()
    # then the activity shows the submission, not the autosaves
    assert "submitted the entry for review" in html
    assert "saved the draft" not in html
