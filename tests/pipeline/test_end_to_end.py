"""From approval to merged, with a real worker, the real broker and the GitHub emulator."""

from __future__ import annotations

import pytest

from contributions.models import Contribution, PullRequest
from contributions.tasks.pipeline import reconcile_pull_requests
from contributions.taxonomy import validate_file
from contributions.workflow import Status

from .conftest import wait_for
from .entries import approved_entry

TAXONOMY = "ceph/ceph-taxonomy"
DOCS = "ceph/ceph-knowledge-docs"
KINDS = [
    Contribution.Kind.SKILL,
    Contribution.Kind.KNOWLEDGE,
    Contribution.Kind.SKILL,
    Contribution.Kind.KNOWLEDGE,
]


def _statuses(entries) -> dict[int, str]:
    return dict(
        Contribution.objects.filter(pk__in=[e.pk for e in entries]).values_list("pk", "status")
    )


def _api(emulator, path):
    return emulator.request(
        "GET", f"/api/v3/repos/{TAXONOMY}{path}", token=emulator.maintainer_token
    )[1]


@pytest.mark.django_db(transaction=True)
def test_approved_entries_become_one_pull_request_each_and_are_followed_to_the_end(
    world, contributor, reviewer
):
    emulator = world.emulator
    # given N approved entries, skills and knowledge (each approval queues its task)
    entries = [
        approved_entry(author=contributor, reviewer=reviewer, kind=kind, n=n)
        for n, kind in enumerate(KINDS, start=1)
    ]
    # when the worker has handled them
    wait_for(
        lambda: set(_statuses(entries).values()) == {Status.PR_OPEN},
        timeout=90,
        what="every entry to have its pull request open",
    )
    # then GitHub has exactly N pull requests, one per entry, each one commit with two files
    pulls = emulator.pulls(TAXONOMY)
    assert len(pulls) == len(entries)
    for entry in entries:
        pull = PullRequest.objects.get(contribution=entry)
        assert len(_api(emulator, f"/pulls/{pull.number}/commits")) == 1
        files = {f["filename"] for f in _api(emulator, f"/pulls/{pull.number}/files")}
        path = entry.taxonomy_path
        assert files == {f"{path}/qna.yaml", f"{path}/attribution.txt"}
        # and the committed bytes pass the taxonomy validator
        qna = emulator.read_file(TAXONOMY, f"{path}/qna.yaml", ref=pull.branch)
        attribution = emulator.read_file(TAXONOMY, f"{path}/attribution.txt", ref=pull.branch)
        report = validate_file(qna, path=f"{path}/qna.yaml", attribution_text=attribution)
        assert report.ci_valid and report.portal_valid, report.to_dict()
        if entry.kind == Contribution.Kind.KNOWLEDGE:
            assert f"commit: {pull.docs_commit_sha}" in qna
            assert emulator.refs(DOCS)[f"refs/tags/{pull.branch}"] == pull.docs_commit_sha

    # when a maintainer merges one
    merged = PullRequest.objects.get(contribution=entries[0])
    emulator.merge_pull(TAXONOMY, merged.number)
    # then the webhook shows it merged on the entry
    wait_for(
        lambda: _statuses(entries)[entries[0].pk] == Status.MERGED,
        timeout=30,
        what="the webhook to mark the entry merged",
    )

    # when webhooks are lost and a maintainer closes another
    emulator.add_fault("drop_webhook", event="pull_request", count=None)
    closed = PullRequest.objects.get(contribution=entries[1])
    emulator.close_pull(TAXONOMY, closed.number)
    emulator.wait_for_webhooks()
    assert _statuses(entries)[entries[1].pk] == Status.PR_OPEN
    # then the periodic reconcile catches up
    reconcile_pull_requests.delay()
    wait_for(
        lambda: _statuses(entries)[entries[1].pk] == Status.CLOSED,
        timeout=30,
        what="the reconcile to mark the entry closed",
    )
    # and no request broke GitHub's limits
    assert emulator.violations() == 0
