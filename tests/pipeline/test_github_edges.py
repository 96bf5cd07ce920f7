"""Real GitHub at the edges (issue 12), against the emulator behaving as GitHub does.

Line comments and withdrawn feedback, names in another case, forks made asynchronously,
passing 422s, large documents, and a reconcile that costs one list call.
"""

from __future__ import annotations

import json
import time

import pytest

from contributions.forge import (
    Identity,
    PermanentForgeError,
    TransientForgeError,
    get_forge,
    reset_forge,
)
from contributions.models import Comment, Contribution, PullRequest
from contributions.selectors.contributor import contribution_feedback
from contributions.services import pipeline, pull_request_reconcile, pull_request_tracking
from contributions.services.pull_request_plan import entry_path
from contributions.workflow import Status

from .entries import approved_entry
from .test_tracking import _post

TAXONOMY = "ceph/ceph-taxonomy"
DOCS = "ceph/ceph-knowledge-docs"


def _opened(contributor, reviewer, n=1):
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=n)
    return entry, pipeline.pull_request_open(contribution_id=entry.pk)


def _qna(github, pull):
    path = f"{pull.contribution.taxonomy_path}/qna.yaml"
    return path, github.read_file(TAXONOMY, path, pull.branch)


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def _hook(github):
    """A hook on the taxonomy so the emulator records the deliveries it would send."""
    github.request(
        "POST",
        f"/api/v3/repos/{TAXONOMY}/hooks",
        {"config": {"url": "http://127.0.0.1:9/hook", "content_type": "json"}, "events": ["*"]},
        github.maintainer_token,
    )


def _from_github(entry):
    """What the entry page shows of maintainers' GitHub feedback."""
    return [item for item in contribution_feedback(contribution=entry) if item.on_github]


def _deliver(client, github, event, action):
    """Post the emulator's last delivery of event/action to the portal, as GitHub would."""
    delivery = github.deliveries(event=event, action=action)[-1]
    return _post(client, event, json.loads(delivery["payload"]))


# --- 1. Inline review comments, dismissed and edited feedback ---------------------------------


@pytest.mark.django_db
def test_a_line_comment_is_read_by_the_reconcile_and_shown_at_its_field(
    github, client, contributor, reviewer
):
    # given a PR on which a maintainer leaves a line-only review on example 2's answer
    entry, pull = _opened(contributor, reviewer)
    path, text = _qna(github, pull)
    line = _line_of(text, "case 1.2)")
    github.review_pull(
        TAXONOMY, pull.number, event="COMMENT",
        comments=[{"path": path, "line": line, "body": "Name the command's output."}],
    )  # fmt: skip
    # when the pull request is read again
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    # then the comment is on the entry, at seed example 2's answer
    comment = Comment.objects.get(contribution=entry)
    assert (comment.seed_index, comment.field_label) == (1, "seed example 2, answer")
    assert (comment.github_path, comment.github_line) == (path, line)
    assert "Name the command's output." in comment.body
    shown = _from_github(entry)
    assert [item.field_label for item in shown] == ["seed example 2, answer"]
    # and the entry's page shows it there
    client.force_login(contributor)
    page = client.get(entry_path(entry.pk)).content.decode()
    assert "at seed example 2, answer" in page and "Name the command" in page


@pytest.mark.django_db
def test_a_line_comment_webhook_reaches_the_entry(
    github, client, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given a PR, and a maintainer's single line comment on example 1's question
    entry, pull = _opened(contributor, reviewer)
    _hook(github)
    path, text = _qna(github, pull)
    line = _line_of(text, "case 1.1?")
    github.request(
        "POST", f"/api/v3/repos/{TAXONOMY}/pulls/{pull.number}/comments",
        {"path": path, "line": line, "body": "Shorter, please.", "commit_id": pull.head_sha},
        github.maintainer_token,
    )  # fmt: skip
    # when GitHub's pull_request_review_comment delivery arrives
    with django_capture_on_commit_callbacks(execute=True):
        response = _deliver(client, github, "pull_request_review_comment", "created")
    # then it is queued and stored at the question of seed example 1
    assert response.status_code == 202
    comment = Comment.objects.get(contribution=entry)
    assert (comment.seed_index, comment.field_label) == (0, "seed example 1, question")


@pytest.mark.django_db
def test_dismissed_reviews_and_edited_or_deleted_line_comments_update_the_entry(
    github, client, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given a change request with a line comment, both shown on the entry
    entry, pull = _opened(contributor, reviewer)
    _hook(github)
    path, text = _qna(github, pull)
    review = github.review_pull(
        TAXONOMY, pull.number, event="REQUEST_CHANGES", body="Two things.",
        comments=[{"path": path, "line": _line_of(text, "case 1.3?"), "body": "Typo here."}],
    )  # fmt: skip
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    line_id = github.request(
        "GET", f"/api/v3/repos/{TAXONOMY}/pulls/{pull.number}/comments", None,
        github.bot_token,
    )[1][0]["id"]  # fmt: skip
    assert Comment.objects.filter(contribution=entry, withdrawn=False).count() == 2
    # when the maintainer edits the line comment (seen by the reconcile) and dismisses the
    # review (seen by its webhook)
    github.edit_line_comment(TAXONOMY, line_id, github.maintainer_token, "Typo: 'hte'.")
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    github.dismiss_review(TAXONOMY, pull.number, review["id"], github.maintainer_token)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, github, "pull_request_review", "dismissed")
    # then the entry shows the new text, and no longer the dismissed review
    shown = _from_github(entry)
    assert len(shown) == 1 and "Typo: 'hte'." in shown[0].body
    # when the line comment is deleted as well (its webhook)
    github.delete_line_comment(TAXONOMY, line_id, github.maintainer_token)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, github, "pull_request_review_comment", "deleted")
    # then nothing of it is shown
    assert _from_github(entry) == []


@pytest.mark.django_db
def test_a_conversation_comment_webhook_from_the_emulator_reaches_the_entry(
    github, client, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given a PR and a maintainer's comment on it (the emulator sends issue_comment)
    entry, pull = _opened(contributor, reviewer)
    _hook(github)
    github.comment_pull(TAXONOMY, pull.number, body="Thanks, looking at it.")
    # when the delivery arrives / then the comment is on the entry
    with django_capture_on_commit_callbacks(execute=True):
        assert _deliver(client, github, "issue_comment", "created").status_code == 202
    assert "Thanks, looking at it." in Comment.objects.get(contribution=entry).body


# --- 2. Names in another case ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_rerun_with_the_repository_named_in_another_case_finds_its_pull_request(
    github, settings, contributor, reviewer
):
    # given TAXONOMY_REPO in another case than GitHub's, and a PR opened but never recorded
    settings.TAXONOMY_REPO = "Ceph/Ceph-Taxonomy"
    entry, pull = _opened(contributor, reviewer)
    PullRequest.objects.filter(pk=pull.pk).delete()
    Contribution.objects.filter(pk=entry.pk).update(status=Status.APPROVED)
    # when the task runs again
    again = pipeline.pull_request_open(contribution_id=entry.pk)
    # then it finds and records the same PR, in GitHub's spelling; no second PR
    assert again.number == pull.number and again.repo == TAXONOMY
    assert len(github.pulls(TAXONOMY)) == 1


@pytest.mark.django_db
def test_a_webhook_matches_its_pull_request_whatever_the_case_of_the_settings(
    github, client, settings, contributor, reviewer, django_capture_on_commit_callbacks
):
    # given TAXONOMY_REPO in another case, and a PR the maintainer merges
    settings.TAXONOMY_REPO = "CEPH/ceph-TAXONOMY"
    entry, pull = _opened(contributor, reviewer)
    _hook(github)
    github.merge_pull(TAXONOMY, pull.number)
    # when GitHub's delivery (canonical names) arrives
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(client, github, "pull_request", "closed")
    # then the entry follows it
    entry.refresh_from_db()
    assert entry.status == Status.MERGED


@pytest.mark.django_db
def test_fork_mode_accepts_its_fork_whatever_the_case_of_the_settings(
    github, settings, contributor, reviewer
):
    # given fork mode with the upstream named in another case, and the fork already made
    settings.GITHUB_FORK_MODE = True
    settings.GITHUB_TOKEN = github.fork_bot_token
    settings.TAXONOMY_REPO = "Ceph/Ceph-Taxonomy"
    reset_forge()
    _opened(contributor, reviewer, n=1)
    reset_forge()  # another worker: it finds the fork instead of making it
    # when a second entry goes through
    second = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=2)
    pull = pipeline.pull_request_open(contribution_id=second.pk)
    # then it opens from the fork, named as GitHub names it
    assert pull.repo == TAXONOMY
    assert [p["head_label"].split(":")[0] for p in github.pulls(TAXONOMY)] == ["forkbot"] * 2


# --- 3. Forks are made asynchronously ------------------------------------------------------


@pytest.mark.django_db
def test_the_first_fork_mode_entry_waits_for_the_fork_by_retrying(
    github, settings, contributor, reviewer
):
    # given fork mode, and GitHub taking a moment to copy a new fork
    settings.GITHUB_FORK_MODE = True
    settings.GITHUB_TOKEN = github.fork_bot_token
    reset_forge()
    github.set_limits(fork_ready_delay=1.5)
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    # when the task first runs / then it asks to be retried (no sleeping in the worker)
    started = time.monotonic()
    with pytest.raises(TransientForgeError) as early:
        pipeline.pull_request_open(contribution_id=entry.pk)
    assert time.monotonic() - started < 1.5
    assert early.value.retry_after and "still being made" in str(early.value)
    # when it runs again once the fork is ready / then the PR opens from the fork
    time.sleep(1.6)
    reset_forge()  # the retry may run in another worker
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    assert github.pulls(TAXONOMY)[0]["head_label"] == f"forkbot:{pull.branch}"


def test_a_new_fork_has_no_branch_until_it_is_ready(github):
    # given a fork GitHub is still copying
    github.set_limits(fork_ready_delay=0.5)
    github.request("POST", f"/api/v3/repos/{TAXONOMY}/forks", {}, github.fork_bot_token)
    path = "/api/v3/repos/forkbot/ceph-taxonomy/branches/main"
    # when its branch is read / then 404 "Branch not found", as on GitHub
    with pytest.raises(Exception) as early:
        github.request("GET", path, None, github.fork_bot_token)
    assert early.value.status == 404 and "Branch not found" in str(early.value.body)
    time.sleep(0.6)
    assert github.request("GET", path, None, github.fork_bot_token)[0] == 200


# --- 4. Passing 422s ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "path"),
    [("head_invalid", "/pulls$"), ("reference_update_failed", "/git/refs$")],
)
def test_a_passing_422_is_tried_again(github, contributor, reviewer, name, path):
    # given GitHub answering one passing 422
    github.add_fault("error", method="POST", path=path, github_error=name, count=1)
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    # when the PR is opened / then it opens, once
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    assert pull.number and len(github.pulls(TAXONOMY)) == 1
    assert github.counters()["injected_faults"]["error"] == 1


@pytest.mark.django_db
def test_a_passing_422_of_the_fork_sync_is_tried_again(github, settings, contributor, reviewer):
    # given fork mode and one failed merge-upstream
    settings.GITHUB_FORK_MODE = True
    settings.GITHUB_TOKEN = github.fork_bot_token
    reset_forge()
    github.add_fault(
        "error", method="POST", path="/merge-upstream$", github_error="merge_upstream_failed"
    )
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    # when / then the PR opens
    assert pipeline.pull_request_open(contribution_id=entry.pk).number


@pytest.mark.django_db
def test_a_422_that_persists_is_retried_a_bounded_number_of_times(github, contributor, reviewer):
    # given GitHub answering "head invalid" to every try
    github.add_fault(
        "error", method="POST", path="/pulls$", github_error="head_invalid", count=None
    )
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    # when the PR is opened / then it gives up after a few tries, to be retried by the task
    with pytest.raises(TransientForgeError):
        pipeline.pull_request_open(contribution_id=entry.pk)
    assert github.counters()["injected_faults"]["error"] == get_forge().retry_total + 1


def test_a_plain_422_stays_permanent(github, settings):
    # given a 422 GitHub does not give for a moment only
    settings.GITHUB_API_URL, settings.GITHUB_TOKEN = github.base_url, github.bot_token
    reset_forge()
    github.add_fault("error", method="POST", path="/git/refs$", status=422, count=None)
    # when / then
    with pytest.raises(PermanentForgeError):
        get_forge().ensure_ref(repo=TAXONOMY, ref="heads/x", sha="a" * 40)
    assert github.counters()["injected_faults"]["error"] == 1


# --- 5. Large documents ---------------------------------------------------------------------


def test_large_documents_go_as_blobs_and_the_emulator_refuses_them_inline(github, settings):
    # given three documents of 900 kB each (2.7 MB: more than GitHub takes in one tree)
    settings.GITHUB_API_URL, settings.GITHUB_TOKEN = github.base_url, github.bot_token
    reset_forge()
    forge = get_forge()
    files = {f"big/doc-{i}.md": (f"# Part {i}\n" + "word " * 180_000) for i in range(3)}
    inline = [{"path": p, "mode": "100644", "type": "blob", "content": c} for p, c in files.items()]
    # when they are sent inline, as before / then the emulator refuses, as GitHub does
    with pytest.raises(Exception) as refused:
        github.request(
            "POST", f"/api/v3/repos/{DOCS}/git/trees", {"tree": inline}, github.bot_token
        )
    assert refused.value.status == 422
    # when the forge commits them
    parent = forge.branch_head(repo=DOCS, branch="main")
    who = Identity("Tester", "tester@example.org")
    sha = forge.commit_files(
        repo=DOCS, parent=parent, files=files, message="Big", author=who, committer=who,
        authored_at=_now(), committed_at=_now(),
    )  # fmt: skip
    forge.ensure_ref(repo=DOCS, ref="heads/big", sha=sha)
    # then every byte is there
    assert github.read_file(DOCS, "big/doc-2.md", "big") == files["big/doc-2.md"]
    assert github.counters()["by_route"].get("POST /repos/{owner}/{repo}/git/blobs", 0) == 3


def _now():
    from django.utils import timezone

    return timezone.now()


# --- 6. The reconcile, whatever the token ----------------------------------------------------


def test_etags_are_tied_to_the_token(github):
    # given a read by the bot, with its ETag
    path = f"/api/v3/repos/{TAXONOMY}"
    gh = github.server.emu  # noqa: F841 - in-process emulator
    import urllib.request

    def get(token, etag=""):
        headers = {"Authorization": f"token {token}"}
        if etag:
            headers["If-None-Match"] = etag
        request = urllib.request.Request(github.root_url + path, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers["etag"]
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("etag")

    status, etag = get(github.bot_token)
    # when the same ETag is sent with the same token, and with another
    same, _ = get(github.bot_token, etag)
    other, other_etag = get(github.token("reviewer"), etag)
    # then only the same token gets 304
    assert (status, same, other) == (200, 304, 200)
    assert other_etag != etag


@pytest.mark.django_db
def test_a_quiet_reconcile_costs_one_list_call_and_reads_only_what_changed(
    github, contributor, reviewer
):
    # given three open PRs, each read once, then a comment on one of them
    pulls = [_opened(contributor, reviewer, n=n)[1] for n in (1, 2, 3)]
    for pull in pulls:
        pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    pull_request_reconcile.pull_requests_to_reconcile()  # the first cycle learns the base's head
    github.reset_counters()
    # when the reconcile looks for work with nothing new
    quiet = pull_request_reconcile.pull_requests_to_reconcile()
    quiet_requests = github.counters()["total"]
    time.sleep(1.1)  # updated_at has whole seconds
    github.comment_pull(TAXONOMY, pulls[1].number, body="One question.")
    busy = pull_request_reconcile.pull_requests_to_reconcile()
    # then two requests (the base branch, the list) find nothing to read; then only the PR
    # that changed
    assert (quiet, quiet_requests) == ([], 2)
    assert busy == [pulls[1].pk]


@pytest.mark.django_db
def test_the_reconcile_reads_every_open_pull_request_when_the_base_branch_moves(
    github, contributor, reviewer
):
    # given two open PRs read once, and a quiet cycle
    pulls = [_opened(contributor, reviewer, n=n)[1] for n in (1, 2)]
    for pull in pulls:
        pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)
    pull_request_reconcile.pull_requests_to_reconcile()
    assert pull_request_reconcile.pull_requests_to_reconcile() == []
    # when a maintainer merges the first: the base moves, the second's updated_at does not
    github.merge_pull(TAXONOMY, pulls[0].number)
    # then both are read again (the second may no longer merge)
    assert sorted(pull_request_reconcile.pull_requests_to_reconcile()) == sorted(
        p.pk for p in pulls
    )
