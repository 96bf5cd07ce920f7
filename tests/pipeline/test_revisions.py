"""After the pull request opens: maintainers ask for changes, the author revises, GitHub merges."""

from __future__ import annotations

from unittest import mock

import pytest

from contributions.forge import TransientForgeError
from contributions.forge.github import GitHubForge
from contributions.models import (
    Comment,
    ContributionEvent,
    Notification,
    PullRequest,
    PullRequestCommit,
    ServiceStatus,
)
from contributions.services import pipeline, pull_request_plan, pull_request_tracking
from contributions.services.admin_ops import contribution_abandon
from contributions.services.core import ServiceError
from contributions.services.validation import entry_for_commit
from contributions.taxonomy import validate_file
from contributions.workflow import Status

from .entries import approved_entry
from .revisions import TAXONOMY, branch_commits, changed_files, resubmit, revise, show_file


def _opened(contributor, reviewer, n=1, kind="skill"):
    entry = approved_entry(author=contributor, reviewer=reviewer, kind=kind, n=n)
    return entry, pipeline.pull_request_open(contribution_id=entry.pk)


def _request_changes(github, pull, body="Say which command shows the details."):
    github.review_pull(TAXONOMY, pull.number, event="REQUEST_CHANGES", body=body)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)


@pytest.mark.django_db
def test_a_maintainers_change_request_lets_the_author_act(github, contributor, reviewer):
    # given an entry with an open pull request
    entry, pull = _opened(contributor, reviewer)
    # when a maintainer requests changes on GitHub (seen by the reconcile)
    _request_changes(github, pull)
    # then the entry says so, can be edited, and the author is told with the words, linked
    # to the editor
    entry.refresh_from_db()
    assert entry.status == Status.PR_CHANGES_REQUESTED
    assert entry.status_label == "Maintainer asked for changes"
    note = Notification.objects.get(recipient=contributor, kind="comment")
    assert "Say which command shows the details." in note.message
    assert note.url == f"/contributions/{entry.pk}/edit/"
    move = ContributionEvent.objects.get(contribution=entry, event="maintainer_changes_requested")
    assert (move.from_status, move.to_status) == (Status.PR_OPEN, Status.PR_CHANGES_REQUESTED)
    revise(entry)  # the draft can be saved again


@pytest.mark.django_db
def test_a_revision_is_one_new_commit_on_the_same_pull_request(github, contributor, reviewer):
    # given a pull request on which a maintainer requested changes
    entry, pull = _opened(contributor, reviewer)
    _request_changes(github, pull)
    first = branch_commits(github, pull.branch)
    # when the author revises, a portal reviewer approves and the pipeline runs
    entry = resubmit(entry, reviewer=reviewer)
    assert entry.status == Status.APPROVED
    result = pipeline.pull_request_open(contribution_id=entry.pk)
    # then there is still one pull request, now with two commits
    assert len(github.pulls(TAXONOMY)) == 1
    assert result.pk == pull.pk
    commits = branch_commits(github, pull.branch)
    assert len(commits) == 2 and commits[0] == first[0]
    # and both commits pass the taxonomy's checks; the second changes only qna.yaml
    path = f"{entry.taxonomy_path}/qna.yaml"
    for sha in commits:
        qna = show_file(github, sha, path)
        attribution = show_file(github, sha, f"{entry.taxonomy_path}/attribution.txt")
        assert validate_file(qna, path=path, attribution_text=attribution).ci_valid
    assert changed_files(github, commits[1]) == [path]
    assert show_file(github, commits[1], path) == entry_for_commit(entry.current_revision).qna_yaml
    assert "Then run `ceph health detail` again." in show_file(github, commits[1], path)
    # and the commit keeps the author, the sign-off and the trailers
    message = github.github().get_repo(TAXONOMY).get_git_commit(commits[1]).message
    assert "Signed-off-by: " in message and "Cephportal-Revision: 2" in message
    # and the description was updated, and the entry follows the pull request again
    body = github.github().get_repo(TAXONOMY).get_pull(pull.number).body
    assert "revision 2" in body
    entry.refresh_from_db()
    pull.refresh_from_db()
    assert entry.status == Status.PR_OPEN
    assert pull.revision_id == entry.current_revision_id
    assert list(
        PullRequestCommit.objects.filter(pull_request=pull).values_list("reason", flat=True)
    ) == ["opened", "revision"]
    # and running the pipeline again adds nothing
    pipeline.pull_request_open(contribution_id=entry.pk)
    assert branch_commits(github, pull.branch) == commits


@pytest.mark.django_db
def test_direct_mode_sends_a_revision_without_portal_review(
    github, contributor, reviewer, settings
):
    # given direct revisions and a change request
    settings.PR_REVISION_REVIEW = "direct"
    entry, pull = _opened(contributor, reviewer)
    _request_changes(github, pull)
    # when the author submits a revision
    entry = resubmit(entry)
    # then it is handed over at once, and lands on the same pull request
    assert entry.status == Status.APPROVED
    assert entry.handed_over_at is not None
    pipeline.pull_request_open(contribution_id=entry.pk)
    assert len(branch_commits(github, pull.branch)) == 2
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN


@pytest.mark.django_db
def test_a_revision_push_cut_short_is_finished_by_the_rerun_with_one_commit(
    github, contributor, reviewer
):
    # given an approved revision for an open pull request
    entry, pull = _opened(contributor, reviewer)
    _request_changes(github, pull)
    entry = resubmit(entry, reviewer=reviewer)
    # when the worker dies after making the commit, before moving the branch
    real = GitHubForge.move_branch
    with (
        mock.patch.object(GitHubForge, "move_branch", side_effect=TransientForgeError("killed")),
        pytest.raises(TransientForgeError),
    ):
        pipeline.pull_request_open(contribution_id=entry.pk)
    assert len(branch_commits(github, pull.branch)) == 1
    # and the task runs again, twice
    with mock.patch.object(GitHubForge, "move_branch", autospec=True, side_effect=real) as moves:
        pipeline.pull_request_open(contribution_id=entry.pk)
        pipeline.pull_request_open(contribution_id=entry.pk)
    # then the pull request has exactly one new commit, and the second run moved nothing
    assert len(branch_commits(github, pull.branch)) == 2
    assert moves.call_count == 1


@pytest.mark.django_db
def test_a_merge_while_a_revision_waits_in_review_merges_the_entry(github, contributor, reviewer):
    # given a revision in portal review for an open pull request
    entry, pull = _opened(contributor, reviewer)
    _request_changes(github, pull)
    entry = resubmit(entry)
    assert entry.status == Status.SUBMITTED
    # when the maintainer merges the pull request as it is
    github.merge_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the entry is merged, and says the later revision was not part of it
    entry.refresh_from_db()
    assert entry.status == Status.MERGED
    event = ContributionEvent.objects.get(contribution=entry, event="pr_merged")
    assert "was not part of it" in event.note


@pytest.mark.django_db
def test_a_closed_pull_request_can_be_revised_into_a_new_one(github, contributor, reviewer):
    # given a pull request closed with a reason
    entry, pull = _opened(contributor, reviewer)
    github.comment_pull(TAXONOMY, pull.number, body="Closing: this duplicates osd_flags.")
    github.close_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    entry.refresh_from_db()
    assert entry.status == Status.CLOSED
    assert "duplicates osd_flags" in Comment.objects.get(contribution=entry).body
    # when the author revises, resubmits, and a reviewer approves
    entry = resubmit(entry, reviewer=reviewer)
    new = pipeline.pull_request_open(contribution_id=entry.pk)
    # then a second pull request is open, linked to the first, on a branch of its own
    assert new.pk != pull.pk and new.number != pull.number
    assert new.follows_id == pull.pk
    assert new.branch == pull_request_plan.branch_name(entry.pk, 2)
    body = github.github().get_repo(TAXONOMY).get_pull(new.number).body
    assert pull.url in body
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN
    assert ContributionEvent.objects.filter(
        contribution=entry, event="resubmitted_after_close"
    ).exists()


@pytest.mark.django_db
def test_an_admin_can_abandon_an_entry_whose_pull_request_was_closed(
    github, contributor, reviewer, admin_user
):
    # given an entry whose pull request was closed
    entry, pull = _opened(contributor, reviewer)
    github.close_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # when someone who is not an admin tries, and then an admin does, with a reason
    with pytest.raises(ServiceError):
        contribution_abandon(contribution_id=entry.pk, actor=reviewer, reason="stale")
    with pytest.raises(ServiceError, match="Say why"):
        contribution_abandon(contribution_id=entry.pk, actor=admin_user, reason=" ")
    contribution_abandon(contribution_id=entry.pk, actor=admin_user, reason="Superseded.")
    # then the entry is abandoned for good and its author told why
    entry.refresh_from_db()
    assert entry.status == Status.ABANDONED
    assert Notification.objects.filter(
        recipient=contributor, message__contains="Superseded."
    ).exists()


@pytest.mark.django_db
def test_an_entry_with_an_open_pull_request_cannot_be_withdrawn(github, contributor, reviewer):
    # given a revision in review for an open pull request
    entry, _ = _opened(contributor, reviewer)
    entry = resubmit(entry)
    # when the author tries to withdraw / then it is refused in plain words
    from contributions.services.contributions import contribution_withdraw

    with pytest.raises(ServiceError, match="open pull request"):
        contribution_withdraw(contribution_id=entry.pk, actor=contributor)


@pytest.mark.django_db
def test_branch_names_carry_an_instance_name_that_a_new_database_changes(
    github, contributor, reviewer
):
    # given the instance name made up on first use
    first = pull_request_plan.instance_id()
    assert first and pull_request_plan.branch_name(7, 1) == f"cephportal/{first}/entry-7-r1"
    # when the database is reset (the stored name is gone)
    ServiceStatus.objects.filter(key=pull_request_plan.INSTANCE_KEY).delete()
    # then a new entry 7 gets another branch, so it cannot adopt the old entry 7's PR
    assert pull_request_plan.branch_name(7, 1) != f"cephportal/{first}/entry-7-r1"


@pytest.mark.django_db
def test_a_configured_instance_name_is_used_as_written(settings):
    settings.PORTAL_INSTANCE_ID = "Ceph Portal"
    assert pull_request_plan.branch_name(3, 2) == "cephportal/ceph-portal/entry-3-r2"


@pytest.mark.django_db
def test_a_later_approval_on_github_settles_the_change_request(github, contributor, reviewer):
    # given a change request
    entry, pull = _opened(contributor, reviewer)
    _request_changes(github, pull)
    # when the maintainer approves after all
    github.review_pull(TAXONOMY, pull.number, event="APPROVE", body="Fine as it is.")
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the entry is back to waiting for the merge
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN


@pytest.mark.django_db
def test_a_configured_comment_counts_as_a_change_request(github, contributor, reviewer, settings):
    # given a pattern for change requests in plain comments
    settings.GITHUB_CHANGES_COMMENT_PATTERN = r"(?im)^/request-changes"
    entry, pull = _opened(contributor, reviewer)
    # when a maintainer comments with it
    github.comment_pull(TAXONOMY, pull.number, body="/request-changes\nPlease cite the docs.")
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then it is a change request
    entry.refresh_from_db()
    assert entry.status == Status.PR_CHANGES_REQUESTED
    assert PullRequest.objects.get(pk=pull.pk).state == "open"


@pytest.mark.django_db
def test_an_abandoned_entry_follows_a_reopen_and_a_merge_on_github(
    github, contributor, reviewer, admin_user
):
    # given an entry abandoned after its pull request was closed
    entry, pull = _opened(contributor, reviewer)
    github.close_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    contribution_abandon(contribution_id=entry.pk, actor=admin_user, reason="Stale.")
    # when a maintainer reopens it after all, and merges it
    github.reopen_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    entry.refresh_from_db()
    reopened = entry.status
    github.merge_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the entry followed GitHub both times
    entry.refresh_from_db()
    assert (reopened, entry.status) == (Status.PR_OPEN, Status.MERGED)


@pytest.mark.django_db
def test_the_review_page_says_a_closed_pull_request_gets_a_new_one(
    github, client, contributor, reviewer
):
    # given a closed pull request and a new revision waiting for review
    entry, pull = _opened(contributor, reviewer)
    github.close_pull(TAXONOMY, pull.number)
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    resubmit(entry)
    # when a reviewer opens it
    client.force_login(reviewer)
    page = client.get(f"/review/{entry.pk}/").content.decode()
    # then it says a new pull request will be opened, not a commit on the closed one
    assert "opens a new pull request" in page
    assert "adds it to this pull request" not in page


@pytest.mark.django_db
def test_a_merge_refreshes_the_taxonomy_tree_at_once(
    github, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given an open pull request that a maintainer merges
    _, pull = _opened(contributor, reviewer)
    github.merge_pull(TAXONOMY, pull.number)
    # when the portal sees the merge
    with (
        mock.patch("contributions.tasks.pipeline.sync_taxonomy_tree.delay") as sync,
        django_capture_on_commit_callbacks(execute=True),
    ):
        pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the taxonomy tree is read again (the folder is taken now)
    assert sync.call_count == 1
