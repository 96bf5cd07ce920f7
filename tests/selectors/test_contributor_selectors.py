"""Reads behind the contributor's pages, each with a fixed number of queries."""

import pytest
from django.utils import timezone

from contributions.models import Comment, Contribution, ContributionEvent, Review, TaxonomyTree
from contributions.selectors import contributor as selectors
from contributions.workflow import Status
from tests.factories import ContributionFactory, PullRequestFactory, RevisionFactory


@pytest.mark.django_db
def test_contribution_access_reveals_only_the_authors_own(contributor, other_contributor):
    entry = ContributionFactory(author=contributor)
    assert selectors.contribution_access(user=contributor, contribution_id=entry.pk) == entry
    with pytest.raises(Contribution.DoesNotExist):
        selectors.contribution_access(user=other_contributor, contribution_id=entry.pk)
    with pytest.raises(Contribution.DoesNotExist):
        selectors.contribution_access(user=contributor, contribution_id=entry.pk + 100)


@pytest.mark.django_db
def test_my_contributions_in_one_query_plus_one_for_pull_requests(
    contributor, django_assert_num_queries
):
    # given
    for _ in range(5):
        entry = ContributionFactory(author=contributor, status=Status.PR_OPEN)
        PullRequestFactory(contribution=entry)
    ContributionFactory()  # someone else's
    # when / then
    with django_assert_num_queries(2):
        entries = list(selectors.my_contributions(user=contributor))
        assert all(e.pull_request_list for e in entries)
    assert len(entries) == 5


@pytest.mark.django_db
def test_counts_by_status_in_one_query(contributor, django_assert_num_queries):
    ContributionFactory.create_batch(3, author=contributor)
    ContributionFactory(author=contributor, status=Status.MERGED)
    with django_assert_num_queries(1):
        counts = selectors.my_status_counts(user=contributor)
    assert [(c.status, c.count) for c in counts] == [("draft", 3), ("merged", 1)]


@pytest.mark.django_db
def test_the_timeline_leaves_out_autosaves_and_checks(contributor, django_assert_num_queries):
    entry = ContributionFactory(author=contributor)
    for event in ("draft_created", "draft_saved", "draft_saved", "validated", "submitted"):
        ContributionEvent.objects.create(contribution=entry, actor=contributor, event=event)
    with django_assert_num_queries(1):
        events = [e.event for e in selectors.contribution_timeline(contribution=entry)]
    assert events == ["draft_created", "submitted"]


@pytest.mark.django_db
def test_feedback_merges_decisions_and_comments_in_two_queries(
    contributor, reviewer, django_assert_num_queries
):
    entry = ContributionFactory(author=contributor)
    revision = RevisionFactory(contribution=entry, number=1)
    Review.objects.create(
        contribution=entry, revision=revision, reviewer=reviewer, decision="reject", reason="no"
    )
    Comment.objects.create(contribution=entry, author=reviewer, body="first", revision=revision)
    Comment.objects.create(contribution=entry, external_author="gh-user", external_id="9", body="x")
    with django_assert_num_queries(2):
        feedback = selectors.contribution_feedback(contribution=entry)
        who = [(f.who, f.decision, f.on_github) for f in feedback]
    assert who[0][1] == "reject"
    assert who[2] == ("gh-user on GitHub", "", True)


@pytest.mark.django_db
def test_tree_levels_and_search(django_assert_num_queries):
    TaxonomyTree.objects.create(
        repo="ceph/ceph-taxonomy",
        branch="main",
        synced_at=timezone.now(),
        folders={
            "knowledge": {"has_qna": False},
            "knowledge/b": {"has_qna": False},
            "knowledge/b/deep/deeper": {"has_qna": True},
            "knowledge/a": {"has_qna": True},
            "compositional_skills/x": {"has_qna": False},
        },
    )
    with django_assert_num_queries(1):
        top = selectors.taxonomy_tree_level(root="knowledge")
    assert [(f.name, f.has_entry, f.has_children) for f in top.folders] == [
        ("a", True, False),
        ("b", False, True),
    ]
    # a folder only known through a deeper one still shows, with its children
    deep = selectors.taxonomy_tree_level(root="knowledge", parent="knowledge/b")
    assert [(f.path, f.has_children) for f in deep.folders] == [("knowledge/b/deep", True)]
    # a parent outside the root falls back to the root
    assert selectors.taxonomy_tree_level(root="knowledge", parent="elsewhere").parent == "knowledge"
    found = selectors.taxonomy_tree_level(root="knowledge", query="deep")
    assert [f.path for f in found.folders] == ["knowledge/b/deep/deeper"]


@pytest.mark.django_db
def test_no_tree_yet():
    view = selectors.taxonomy_tree_level(root="knowledge")
    assert view.loaded is False and view.folders == []
