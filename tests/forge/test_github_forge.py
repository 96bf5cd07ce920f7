"""The GitHub forge against the emulator: idempotent writes, conditional reads, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from github import Auth

from contributions.forge import Identity, PermanentForgeError, TransientForgeError
from contributions.forge.github import GitHubForge

from .conftest import make_forge

REPO = "ceph/ceph-taxonomy"
WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
AUTHOR = Identity("Ada Lovelace", "ada@example.org")
BOT = Identity("cephportal bot", "bot@example.org")


def _commit(forge, repo=REPO, path="compositional_skills/x/qna.yaml", parent=None):
    parent = parent or forge.branch_head(repo=repo, branch="main")
    return forge.commit_files(
        repo=repo,
        parent=parent,
        files={path: "version: 3\n"},
        message="Add x\n\nSigned-off-by: Ada Lovelace <ada@example.org>\n",
        author=AUTHOR,
        committer=BOT,
        authored_at=WHEN,
        committed_at=WHEN,
    )


def _open(forge, branch="cephportal/entry-1-r1", owner="ceph"):
    return forge.open_pull_request(
        repo=REPO, head_owner=owner, branch=branch, base="main", title="Add x", body="body"
    )


def test_the_same_commit_twice_is_the_same_object(forge, emulator):
    # given a commit with fixed dates
    first = _commit(forge)
    # when it is made again
    second = _commit(forge)
    # then GitHub returns the same SHA, with the contributor as author and the bot as committer
    assert first == second
    branch_head = forge.ensure_ref(repo=REPO, ref="heads/topic", sha=first)
    commit = emulator.log(REPO, ref="topic", limit=1)["commits"][0]
    assert branch_head == first
    assert (commit["author"]["email"], commit["committer"]["email"]) == (AUTHOR.email, BOT.email)


def test_an_existing_ref_is_left_alone_and_reported(forge):
    # given a branch at one commit
    sha = _commit(forge)
    forge.ensure_ref(repo=REPO, ref="heads/cephportal/entry-1-r1", sha=sha)
    # when it is "created" again at another commit
    other = forge.branch_head(repo=REPO, branch="main").commit_sha
    found = forge.ensure_ref(repo=REPO, ref="heads/cephportal/entry-1-r1", sha=other)
    # then the branch still points where it did, and that is what comes back
    assert found == sha
    assert forge.get_ref(repo=REPO, ref="heads/cephportal/entry-1-r1") == sha
    assert forge.get_ref(repo=REPO, ref="heads/no-such-branch") is None


def test_opening_a_pull_request_twice_gives_the_open_one(forge, emulator):
    # given a branch with a pull request
    forge.ensure_ref(repo=REPO, ref="heads/cephportal/entry-1-r1", sha=_commit(forge))
    first = _open(forge)
    # when it is opened again
    second = _open(forge)
    # then it is the same pull request, found by owner:branch
    assert second.number == first.number
    assert [p.number for p in forge.find_pull_requests(
        repo=REPO, head_owner="ceph", branch="cephportal/entry-1-r1"
    )] == [first.number]  # fmt: skip
    assert len(emulator.pulls(REPO)) == 1


def test_a_lookup_never_returns_another_branchs_pull_request(forge):
    # given a pull request from one branch
    forge.ensure_ref(repo=REPO, ref="heads/cephportal/entry-1-r1", sha=_commit(forge))
    _open(forge)
    # when another branch is looked up / then nothing is found
    assert forge.find_pull_requests(repo=REPO, head_owner="ceph", branch="cephportal/other") == []


def test_an_unchanged_pull_request_answers_not_modified(forge, emulator):
    # given a pull request read once
    forge.ensure_ref(repo=REPO, ref="heads/b", sha=_commit(forge))
    number = _open(forge, branch="b").number
    first = forge.get_pull_request(repo=REPO, number=number)
    # when it is read with its ETag / then nothing comes back
    assert forge.get_pull_request(repo=REPO, number=number, etag=first.etag) is None
    # when a maintainer merges it / then the conditional read sees the change
    emulator.merge_pull(REPO, number)
    merged = forge.get_pull_request(repo=REPO, number=number, etag=first.etag)
    assert merged.state == "merged" and merged.merged_at is not None


def test_reviews_and_comments_are_read_conditionally(forge, emulator):
    # given a pull request with a change request and a comment
    forge.ensure_ref(repo=REPO, ref="heads/b", sha=_commit(forge))
    number = _open(forge, branch="b").number
    emulator.review_pull(REPO, number, event="REQUEST_CHANGES", body="Please rename the folder.")
    emulator.comment_pull(REPO, number, body="Thanks!")
    # when they are read, then read again with their ETags
    reviews = forge.list_reviews(repo=REPO, number=number)
    comments = forge.list_comments(repo=REPO, number=number)
    again = forge.list_reviews(repo=REPO, number=number, etag=reviews.etag)
    # then the first read has them, the second says nothing changed
    assert [(r.author, r.state, r.body) for r in reviews.items] == [
        ("maintainer", "CHANGES_REQUESTED", "Please rename the folder.")
    ]
    assert [c.body for c in comments.items] == ["Thanks!"]
    assert not again.changed


def test_the_tree_lists_folders_and_files_unless_unchanged(forge):
    # given the sample taxonomy
    listing = forge.list_tree(repo=REPO, branch="main")
    # then folders and files are there, and an unchanged branch is not read again
    assert "compositional_skills" in listing.folders
    assert any(f.endswith("/qna.yaml") for f in listing.files)
    assert forge.list_tree(repo=REPO, branch="main", known_commit=listing.commit_sha) is None


def test_missing_things_and_bad_credentials_are_permanent(forge, emulator, tmp_path):
    # given / when / then
    with pytest.raises(PermanentForgeError):
        forge.branch_head(repo="ceph/no-such-repo", branch="main")
    stranger = make_forge(emulator, tmp_path, token="not-a-token")
    with pytest.raises(PermanentForgeError) as raised:
        stranger.branch_head(repo=REPO, branch="main")
    assert raised.value.status == 401


def test_a_reader_without_push_rights_gets_a_permanent_error(emulator, tmp_path):
    # given the fork bot, which may only read the taxonomy
    forkbot = make_forge(emulator, tmp_path, token=emulator.fork_bot_token)
    # when it tries to create a branch there / then it is refused for good
    head = forkbot.branch_head(repo=REPO, branch="main")
    with pytest.raises(PermanentForgeError):
        forkbot.ensure_ref(repo=REPO, ref="heads/x", sha=head.commit_sha)


def test_a_single_server_error_is_retried_within_the_call(forge, emulator):
    # given one 502 on the branch read
    emulator.add_fault("error", method="GET", path="/branches/", status=502, count=1)
    # when the branch is read / then the retry gets it
    assert forge.branch_head(repo=REPO, branch="main").commit_sha
    assert emulator.counters()["by_status"].get("502") == 1


def test_lasting_server_errors_are_transient(forge, emulator):
    # given a server that fails every time
    emulator.add_fault("error", method="GET", path="/branches/", status=503, count=None)
    # when / then
    with pytest.raises(TransientForgeError) as raised:
        forge.branch_head(repo=REPO, branch="main")
    assert not raised.value.rate_limited


def test_a_post_that_worked_but_answered_502_still_gives_one_pull_request(forge, emulator):
    # given a PR creation that succeeds but answers 502
    forge.ensure_ref(repo=REPO, ref="heads/b", sha=_commit(forge))
    emulator.add_fault("error_after_success", method="POST", path=r"/pulls$", status=502)
    # when the PR is opened
    pull = _open(forge, branch="b")
    # then the retried POST found it already there and it is the one PR
    assert [p["number"] for p in emulator.pulls(REPO)] == [pull.number]


def test_a_secondary_limit_is_not_slept_on(forge, emulator):
    # given GitHub's secondary-limit answer with a minute's Retry-After
    emulator.add_fault(
        "error",
        method="GET",
        path="/branches/",
        status=403,
        headers={"retry-after": "60"},
        body={"message": "You have exceeded a secondary rate limit. Please retry your request "
              "again later."},
    )  # fmt: skip
    # when / then it comes back at once as a transient error saying how long to wait
    with pytest.raises(TransientForgeError) as raised:
        forge.branch_head(repo=REPO, branch="main")
    assert raised.value.rate_limited and raised.value.retry_after == 60
    assert emulator.counters()["by_route"]["GET /repos/{owner}/{repo}/branches/{branch:path}"] == 1


def test_the_budget_stops_a_session_before_github_would(emulator, tmp_path):
    # given GitHub and the budget both allowing 4 content-creating requests a minute
    emulator.set_limits(secondary_per_minute=4)
    forge = make_forge(emulator, tmp_path, limits="4/60")
    with forge.content_session(expected=4):
        forge.ensure_ref(repo=REPO, ref="heads/b", sha=_commit(forge))
        _open(forge, branch="b")
    # when a second pull request is started / then it is told to come back in about a minute
    with pytest.raises(TransientForgeError) as raised, forge.content_session(expected=4):
        pass
    assert raised.value.rate_limited and 50 < raised.value.retry_after <= 62
    assert emulator.violations() == 0


def test_fork_mode_opens_the_pull_request_from_the_bots_fork(emulator, tmp_path):
    # given the fork bot, which cannot push to the taxonomy
    forkbot = make_forge(emulator, tmp_path, token=emulator.fork_bot_token)
    # when it forks, syncs, commits on its fork and opens the PR upstream
    fork = forkbot.ensure_fork(upstream=REPO, owner="forkbot")
    forkbot.sync_fork(fork=fork, branch="main")
    sha = _commit(forkbot, repo=fork)
    forkbot.ensure_ref(repo=fork, ref="heads/cephportal/entry-1-r1", sha=sha)
    pull = _open(forkbot, owner="forkbot")
    # then the PR comes from forkbot:branch, and a second fork call reuses the fork
    assert fork == "forkbot/ceph-taxonomy"
    assert pull.head_owner == "forkbot"
    assert forkbot.ensure_fork(upstream=REPO, owner="forkbot") == fork
    found = forkbot.find_pull_requests(repo=REPO, head_owner="forkbot", branch=pull.head_ref)
    assert [p.number for p in found] == [pull.number]


def test_a_github_app_installation_can_commit(tmp_path):
    # given an emulator with the portal's app (and its public key) installed on the org
    from ghemu.config import AppSpec
    from ghemu.testing import running_emulator

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    app = AppSpec(app_id=1001, slug="cephportal", installation_id=2001, account="ceph",
                  public_key_pem=public_pem)  # fmt: skip
    with running_emulator(tmp_path / "ghemu", apps=[app]) as emulator:
        auth = Auth.AppAuth(1001, private_pem).get_installation_auth(2001)
        forge = GitHubForge(base_url=emulator.base_url, auth=auth, seconds_between_requests=0,
                            seconds_between_writes=0)  # fmt: skip
        # when it commits and creates a branch
        sha = _commit(forge)
        forge.ensure_ref(repo=REPO, ref="heads/app-branch", sha=sha)
        # then the branch is there
        assert emulator.refs(REPO)["refs/heads/app-branch"] == sha


def test_rate_limit_readings_come_from_headers_and_on_request(forge):
    # given a request made
    forge.branch_head(repo=REPO, branch="main")
    # when the readings are taken
    from_headers = forge.rate_limit()
    asked = forge.rate_limit(fetch=True)
    # then both report the primary limit and our content budget
    assert from_headers.limit == asked.limit == 5000
    assert "content_creating_60s" in asked.to_dict()["resources"]
