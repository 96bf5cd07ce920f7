"""Opening an approved entry's pull request: exactly one, with the right commit."""

from __future__ import annotations

import pytest

from contributions.forge import TransientForgeError
from contributions.models import Contribution, PullRequest
from contributions.services import pipeline, pull_request_plan
from contributions.services.validation import entry_for_commit
from contributions.taxonomy import validate_file
from contributions.workflow import Status

from .entries import approved_entry

TAXONOMY = "ceph/ceph-taxonomy"
DOCS = "ceph/ceph-knowledge-docs"


def _approved(contributor, reviewer, kind=Contribution.Kind.SKILL, n=1):
    return approved_entry(author=contributor, reviewer=reviewer, kind=kind, n=n)


@pytest.mark.django_db
def test_a_skill_becomes_one_pull_request_with_one_commit(github, contributor, reviewer):
    # given an approved skill
    entry = _approved(contributor, reviewer)
    github.reset_counters()
    # when the pipeline opens its pull request
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    # then GitHub has one PR from the entry's branch, with one commit holding the two files
    pulls = github.pulls(TAXONOMY)
    assert [(p["number"], p["head_ref"]) for p in pulls] == [
        (pull.number, pull_request_plan.branch_name(entry.pk, 1))
    ]
    log = github.log(TAXONOMY, ref=pull.branch, limit=2)
    main = github.log(TAXONOMY, ref="main", limit=1)["commits"][0]
    assert log["commits"][0]["parents"] == [main["sha"]]
    qna = github.read_file(TAXONOMY, f"{entry.taxonomy_path}/qna.yaml", ref=pull.branch)
    attribution = github.read_file(
        TAXONOMY, f"{entry.taxonomy_path}/attribution.txt", ref=pull.branch
    )
    files = entry_for_commit(entry.current_revision)
    assert (qna, attribution) == (files.qna_yaml, files.attribution)
    report = validate_file(
        qna, path=f"{entry.taxonomy_path}/qna.yaml", attribution_text=attribution
    )
    assert report.ci_valid and report.portal_valid
    # and the portal recorded it and moved the entry on
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN
    assert PullRequest.objects.get(contribution=entry).number == pull.number
    # and it took at most 8 requests (lookup, folder check, branch, tree, commit, ref, PR,
    # labels)
    assert github.counters()["by_user"].get("cephbot", 0) <= 8
    assert github.violations() == 0


@pytest.mark.django_db
def test_the_commit_is_authored_by_the_contributor_and_signed_off(github, contributor, reviewer):
    # given an approved skill whose author has a commit identity
    contributor.profile.commit_name = "Ada Lovelace"
    contributor.profile.commit_email = "ada@example.org"
    contributor.profile.save()
    entry = _approved(contributor, reviewer)
    # when its pull request is opened
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    # then the author is the contributor, the committer the bot, and the DCO sign-off matches
    commit = github.log(TAXONOMY, ref=pull.branch, limit=1)["commits"][0]
    assert commit["author"]["name"] == "Ada Lovelace"
    assert commit["author"]["email"] == "ada@example.org"
    assert commit["committer"]["email"] == "cephportal-bot@users.noreply.github.com"
    trailers = commit["message"].rstrip("\n").split("\n\n")[-1].splitlines()
    assert trailers[0] == "Signed-off-by: Ada Lovelace <ada@example.org>"
    assert f"Cephportal-Entry: {entry.pk}" in trailers


@pytest.mark.django_db
def test_running_twice_still_gives_one_pull_request(github, contributor, reviewer):
    # given an entry whose pull request was opened
    entry = _approved(contributor, reviewer)
    first = pipeline.pull_request_open(contribution_id=entry.pk)
    # when the task runs again
    second = pipeline.pull_request_open(contribution_id=entry.pk)
    # then nothing new is created
    assert second.pk == first.pk
    assert len(github.pulls(TAXONOMY)) == 1
    assert PullRequest.objects.count() == 1


@pytest.mark.django_db
def test_knowledge_documents_go_to_the_docs_repo_first(github, contributor, reviewer):
    # given an approved knowledge entry with one document
    entry = _approved(contributor, reviewer, kind=Contribution.Kind.KNOWLEDGE)
    # when its pull request is opened
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    # then the docs repo has one tagged commit holding the document
    tag = f"refs/tags/{pull_request_plan.branch_name(entry.pk, 1)}"
    docs_sha = github.refs(DOCS)[tag]
    document = entry.current_revision.documents.get()
    path = f"{entry.taxonomy_path}/{document.filename}"
    assert github.read_file(DOCS, path, ref=docs_sha) == document.content
    assert github.log(DOCS, ref=docs_sha, limit=1)["count"] == 2  # the seed commit and ours
    # and the qna.yaml on the PR branch names that commit
    qna = github.read_file(TAXONOMY, f"{entry.taxonomy_path}/qna.yaml", ref=pull.branch)
    assert f"commit: {docs_sha}" in qna
    assert pull.docs_commit_sha == docs_sha
    # and a rerun makes no second documents commit
    pipeline.pull_request_open(contribution_id=entry.pk)
    assert github.refs(DOCS)[tag] == docs_sha


@pytest.mark.django_db
def test_a_branch_left_by_an_interrupted_run_is_used(github, contributor, reviewer):
    # given an approved entry whose first run made the branch, then failed to open the PR
    entry = _approved(contributor, reviewer)
    github.add_fault("error", method="POST", path=r"/pulls$", status=503, count=None)
    with pytest.raises(TransientForgeError):
        pipeline.pull_request_open(contribution_id=entry.pk)
    branch = pull_request_plan.branch_name(entry.pk, 1)
    left = github.refs(TAXONOMY)[f"refs/heads/{branch}"]
    github.clear_faults()
    # when the task runs again
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    # then the PR comes from that branch, which still holds its one commit
    assert pull.branch == branch
    assert github.refs(TAXONOMY)[f"refs/heads/{branch}"] == left
    assert [p["head_sha"] for p in github.pulls(TAXONOMY)] == [left]


@pytest.mark.django_db
def test_a_closed_pull_request_is_never_reused(github, contributor, reviewer):
    # given an approved entry whose earlier PR (opened before the portal recorded it) was closed
    entry = _approved(contributor, reviewer)
    first = pipeline.pull_request_open(contribution_id=entry.pk)
    github.close_pull(TAXONOMY, first.number)
    PullRequest.objects.all().delete()
    Contribution.objects.filter(pk=entry.pk).update(status=Status.APPROVED)
    # when the pipeline runs
    second = pipeline.pull_request_open(contribution_id=entry.pk)
    # then a new pull request is opened from the same branch
    assert second.number != first.number
    states = sorted((p["number"], p["state"]) for p in github.pulls(TAXONOMY))
    assert states == [(first.number, "closed"), (second.number, "open")]


@pytest.mark.django_db
def test_an_open_pull_request_found_by_the_lookup_is_adopted(github, contributor, reviewer):
    # given a PR that exists on GitHub but not in the portal (the worker died after opening it)
    entry = _approved(contributor, reviewer)
    opened = pipeline.pull_request_open(contribution_id=entry.pk)
    PullRequest.objects.all().delete()
    Contribution.objects.filter(pk=entry.pk).update(status=Status.APPROVED)
    github.reset_counters()
    # when the task runs again
    adopted = pipeline.pull_request_open(contribution_id=entry.pk)
    # then the same PR is recorded, with one lookup and no write
    assert adopted.number == opened.number
    assert github.counters()["by_route"] == {"GET /repos/{owner}/{repo}/pulls": 1}


@pytest.mark.django_db
def test_a_pull_request_merged_before_it_was_recorded_moves_the_entry_to_merged(
    github, contributor, reviewer
):
    # given a PR merged by a maintainer before the portal recorded it
    entry = _approved(contributor, reviewer)
    opened = pipeline.pull_request_open(contribution_id=entry.pk)
    github.merge_pull(TAXONOMY, opened.number)
    PullRequest.objects.all().delete()
    Contribution.objects.filter(pk=entry.pk).update(status=Status.APPROVED)
    # when the task runs again
    pipeline.pull_request_open(contribution_id=entry.pk)
    # then the entry went through PR open to merged
    entry.refresh_from_db()
    assert entry.status == Status.MERGED
    assert list(entry.events.filter(to_status__in=["pr_open", "merged"]).values_list(
        "to_status", flat=True
    )).count("merged") == 1  # fmt: skip


@pytest.mark.django_db
def test_fork_mode_pushes_to_the_bots_fork(github, settings, contributor, reviewer):
    # given a bot that may only read the taxonomy
    from contributions.forge import reset_forge

    settings.GITHUB_FORK_MODE = True
    settings.GITHUB_TOKEN = github.fork_bot_token
    reset_forge()
    entry = _approved(contributor, reviewer)
    # when the pipeline opens the PR
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    # then it comes from forkbot's fork, and the taxonomy itself has no new branch
    assert [p["head_label"] for p in github.pulls(TAXONOMY)] == [f"forkbot:{pull.branch}"]
    assert f"refs/heads/{pull.branch}" in github.refs("forkbot/ceph-taxonomy")
    assert f"refs/heads/{pull.branch}" not in github.refs(TAXONOMY)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", [Contribution.Kind.SKILL, Contribution.Kind.KNOWLEDGE])
def test_files_that_fail_the_checks_are_never_committed(github, contributor, reviewer, kind):
    # given an approved entry whose stored revision no longer passes (two examples only)
    entry = _approved(contributor, reviewer, kind=kind)
    content = dict(entry.current_revision.content)
    content["seed_examples"] = content["seed_examples"][:2]
    type(entry.current_revision).objects.filter(pk=entry.current_revision_id).update(
        content=content
    )
    # when the pipeline runs / then it stops before writing anything
    with pytest.raises(pipeline.PipelineStopped, match="do not pass the taxonomy checks"):
        pipeline.pull_request_open(contribution_id=entry.pk)
    assert list(github.refs(TAXONOMY)) == ["refs/heads/main"]
    assert list(github.refs(DOCS)) == ["refs/heads/main"]


@pytest.mark.django_db
def test_an_author_without_dco_consent_is_not_signed_off(github, contributor, reviewer):
    # given an approved entry whose author then withdrew DCO consent
    entry = _approved(contributor, reviewer)
    contributor.profile.dco_consented_at = None
    contributor.profile.save()
    # when / then
    with pytest.raises(pipeline.PipelineStopped, match="DCO"):
        pipeline.pull_request_open(contribution_id=entry.pk)
    assert github.pulls(TAXONOMY) == []


def test_commit_messages_end_with_the_trailers():
    # given an author and a co-author
    from contributions.forge import Identity

    message = pull_request_plan.commit_message(
        subject="Add skill: x",
        paragraphs=["Why."],
        author=Identity("Ada", "ada@example.org"),
        co_authors=(Identity("Grace", "grace@example.org"),),
        contribution_id=7,
        revision_number=2,
    )
    # then the last paragraph is the trailer block, sign-off first
    assert message.split("\n\n")[-1].splitlines() == [
        "Signed-off-by: Ada <ada@example.org>",
        "Co-authored-by: Grace <grace@example.org>",
        "Cephportal-Entry: 7",
        "Cephportal-Revision: 2",
    ]
