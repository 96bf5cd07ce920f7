"""When the taxonomy's base branch moves: conflicts, rebases, folders taken, entries re-checked."""

from __future__ import annotations

import pytest

from contributions.models import (
    Comment,
    Contribution,
    ContributionEvent,
    Notification,
    PullRequest,
    PullRequestCommit,
)
from contributions.services import pipeline, pull_request_revise, pull_request_tracking, recheck
from contributions.services.contributions import contribution_create_draft, contribution_submit
from contributions.services.core import ServiceError
from contributions.services.reviews import review_approve
from contributions.services.taxonomy_tree import taxonomy_tree_sync
from contributions.services.validation import contribution_validate
from contributions.workflow import Status

from .entries import ATTRIBUTION, approved_entry, skill_entry
from .revisions import TAXONOMY, branch_commits, commit_upstream, resubmit

EXISTING = "compositional_skills/technology/ceph/cli/status_summary"


def _sync(pull):
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    pull.refresh_from_db()
    return pull


def _replacing_entry(author, reviewer):
    """An approved skill that knowingly replaces the sample taxonomy's status_summary entry."""
    taxonomy_tree_sync()
    entry = contribution_create_draft(
        author=author,
        kind=Contribution.Kind.SKILL,
        summary="A better status summary",
        taxonomy_path=EXISTING,
        draft={"entry": skill_entry(1), "attribution": ATTRIBUTION},
    )
    contribution_submit(contribution_id=entry.pk, actor=author)
    assert contribution_validate(contribution_id=entry.pk)["can_submit"]
    review_approve(contribution_id=entry.pk, reviewer=reviewer)
    entry.refresh_from_db()
    assert entry.current_revision.replaces_existing
    return entry


@pytest.mark.django_db
def test_a_conflicting_base_is_detected_and_the_entry_rebased(
    github, contributor, reviewer, admin_user
):
    # given an open pull request that replaces an existing qna.yaml
    entry = _replacing_entry(contributor, reviewer)
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    assert _sync(pull).mergeable is True
    # when a maintainer changes the same file on main
    commit_upstream(github, f"{EXISTING}/qna.yaml", "version: 3\n# changed upstream\n")
    pull = _sync(pull)
    # then the portal sees the conflict and tells the author and the admins, once
    assert (pull.mergeable, pull.conflict) == (False, PullRequest.Conflict.CONFLICT)
    assert (
        Notification.objects.filter(
            recipient=contributor, message__contains="can no longer merge"
        ).count()
        == 1
    )
    assert Notification.objects.filter(recipient=admin_user, kind="pipeline_alert").exists()
    _sync(pull)
    assert ContributionEvent.objects.filter(event="pull_request_conflict").count() == 1
    # when the author asks to bring it up to date (the task runs inline here)
    before = branch_commits(github, pull.branch)
    pull_request_revise.pull_request_request_rebase(pull_request_id=pull.pk, actor=contributor)
    pull_request_revise.pull_request_rebase(pull_request_id=pull.pk)
    pull_request_revise.pull_request_rebase(pull_request_id=pull.pk)  # a rerun changes nothing
    # then the branch is one new commit on top of main, the PR stays and merges again
    after = branch_commits(github, pull.branch)
    main = github.log(TAXONOMY, ref="main", limit=1)["commits"][0]["sha"]
    repo = github.github().get_repo(TAXONOMY)
    assert len(after) == 1 and after != before
    assert [p.sha for p in repo.get_git_commit(after[0]).parents] == [main]
    assert len(github.pulls(TAXONOMY)) == 1
    assert repo.get_pull(pull.number).mergeable is True
    pull = _sync(pull)
    assert (pull.mergeable, pull.conflict) == (True, PullRequest.Conflict.NONE)
    assert PullRequestCommit.objects.filter(pull_request=pull, reason="rebase").count() == 1


@pytest.mark.django_db
def test_only_the_author_or_an_admin_can_ask_for_a_rebase(github, contributor, reviewer):
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    with pytest.raises(ServiceError, match="author or an admin"):
        pull_request_revise.pull_request_request_rebase(pull_request_id=pull.pk, actor=reviewer)


@pytest.mark.django_db
def test_a_folder_taken_upstream_is_caught_before_anything_is_pushed(github, contributor, reviewer):
    # given an approved entry whose folder someone else's merge takes meanwhile
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    commit_upstream(github, f"{entry.taxonomy_path}/qna.yaml", "version: 3\n# someone else\n")
    refs_before = github.refs(TAXONOMY)
    # when the pipeline runs
    result = pipeline.pull_request_open(contribution_id=entry.pk)
    # then nothing was pushed, and the author is asked, in words, to choose another folder
    assert result is None
    assert github.pulls(TAXONOMY) == []
    assert {r for r in github.refs(TAXONOMY) if "cephportal" in r} == {
        r for r in refs_before if "cephportal" in r
    }
    entry.refresh_from_db()
    assert entry.status == Status.CHANGES_REQUESTED
    comment = Comment.objects.get(contribution=entry)
    assert "Choose another folder" in comment.body and entry.taxonomy_path in comment.body
    assert Notification.objects.filter(
        recipient=contributor, message__contains="needs a new folder"
    ).exists()
    # and once the entry moves, it goes through
    entry = resubmit(entry, reviewer=reviewer, taxonomy_path=entry.taxonomy_path + "_v2")
    assert pipeline.pull_request_open(contribution_id=entry.pk) is not None
    assert len(github.pulls(TAXONOMY)) == 1


@pytest.mark.django_db
def test_a_folder_taken_while_the_pull_request_is_open_sends_it_back(github, contributor, reviewer):
    # given an open pull request whose folder an upstream merge takes
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    commit_upstream(github, f"{entry.taxonomy_path}/qna.yaml", "version: 3\n# someone else\n")
    # when the reconcile reads it
    pull = _sync(pull)
    # then the author must move the entry; a rebase is refused (it would overwrite theirs)
    entry.refresh_from_db()
    assert entry.status == Status.PR_CHANGES_REQUESTED
    assert pull.conflict == PullRequest.Conflict.PATH_TAKEN
    with pytest.raises(ServiceError, match="took this entry's folder"):
        pull_request_revise.pull_request_request_rebase(pull_request_id=pull.pk, actor=contributor)
    # when the author moves it to a new folder and the revision is approved
    old_path = entry.taxonomy_path
    entry = resubmit(entry, reviewer=reviewer, taxonomy_path=old_path + "_v2")
    pipeline.pull_request_open(contribution_id=entry.pk)
    # then the same pull request moves the files (old ones removed) and merges again
    repo = github.github().get_repo(TAXONOMY)
    files = sorted(f.filename for f in repo.get_pull(pull.number).get_files())
    assert files == [f"{old_path}_v2/attribution.txt", f"{old_path}_v2/qna.yaml"]
    assert repo.get_pull(pull.number).mergeable is True
    assert len(branch_commits(github, pull.branch)) == 2


@pytest.mark.django_db
def test_open_entries_are_checked_again_when_the_rules_change(
    github, contributor, reviewer, settings
):
    # given an entry in review that passes, checked once under the current rules
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    pipeline.pull_request_open(contribution_id=entry.pk)
    recheck.open_entries_recheck()
    # when the portal's policy changes so that its licence is no longer allowed
    settings.TAXONOMY_ALLOWED_LICENSES = ["MIT"]
    first = recheck.open_entries_recheck()
    again = recheck.open_entries_recheck()
    # then the entry is flagged, once, and the second run does nothing
    entry.refresh_from_db()
    assert first == {"checked": 1, "regressed": 1, "recovered": 0}
    assert again == {"checked": 0, "regressed": 0, "recovered": 0}
    assert entry.checks_regressed_at is not None
    assert ContributionEvent.objects.filter(contribution=entry, event="checks_regressed").count()
    # when the rule comes back, it is cleared
    settings.TAXONOMY_ALLOWED_LICENSES = ["CC-BY-SA-4.0", "MIT"]
    assert recheck.open_entries_recheck()["recovered"] == 1
    entry.refresh_from_db()
    assert entry.checks_regressed_at is None


@pytest.mark.django_db
def test_an_entry_that_no_longer_passes_is_flagged_in_the_queue(client, contributor, settings):
    # given an entry waiting for review, checked again after a policy change
    from tests.review_factories import scoped_reviewer, submitted_entry

    entry = submitted_entry(contributor, summary="Pools")
    reviewer = scoped_reviewer("compositional_skills")
    recheck.open_entries_recheck()
    settings.TAXONOMY_ALLOWED_LICENSES = ["MIT"]
    assert recheck.open_entries_recheck()["regressed"] == 1
    # when a reviewer opens the queue and the entry
    client.force_login(reviewer)
    queue = client.get("/review/").content.decode()
    page = client.get(f"/review/{entry.pk}/").content.decode()
    # then both say it no longer passes
    assert "No longer passes after a rules or taxonomy change" in queue
    assert 'id="checks-regressed"' in page
    entry.refresh_from_db()
    assert entry.validation_state == Contribution.Validation.FAILED
