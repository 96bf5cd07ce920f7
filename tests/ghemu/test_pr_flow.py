"""The portal's pull-request flow through PyGithub, checked against the bare repositories."""

from __future__ import annotations

import subprocess
import threading

import github
import pytest
from github import InputGitAuthor, InputGitTreeElement

from ghemu.config import AppSpec
from ghemu.testing import EmulatorHandle, running_emulator

from .conftest import DOCS, TAXONOMY, Recorder, make_client

ENTRY_DIR = "compositional_skills/technology/ceph/cli/pool_usage"


def git(gh: EmulatorHandle, full_name: str, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(gh.git_dir(full_name)), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def open_entry_pr(
    repo, branch: str, *, head_owner: str = "ceph", base_repo=None
) -> github.PullRequest.PullRequest:
    """What the portal does per entry: one commit with two files on a fresh branch, then a PR."""
    base_repo = base_repo or repo
    ref = repo.get_git_ref("heads/main")
    base = repo.get_git_commit(ref.object.sha)
    tree = repo.create_git_tree(
        [
            InputGitTreeElement(
                f"{ENTRY_DIR}/qna.yaml", "100644", "blob", content="version: 3\ncreated_by: alice\n"
            ),
            InputGitTreeElement(
                f"{ENTRY_DIR}/attribution.txt", "100644", "blob", content="Title of work: x\n"
            ),
        ],
        base_tree=base.tree,
    )
    message = (
        "Add pool usage skill\n\nSigned-off-by: Alice Example <alice@example.org>\nPortal-Entry: 42"
    )
    commit = repo.create_git_commit(
        message,
        tree,
        [base],
        author=InputGitAuthor("Alice Example", "alice@example.org"),
    )
    repo.create_git_ref(f"refs/heads/{branch}", commit.sha)
    return base_repo.create_pull(
        base="main",
        head=f"{head_owner}:{branch}",
        title="Add pool usage skill",
        body="From the portal",
    )


def test_direct_mode_flow_creates_one_commit_and_a_pr(
    gh: EmulatorHandle, bot: github.Github, recorder: Recorder
):
    # given
    repo = bot.get_repo(TAXONOMY)
    branch = "portal/entry-42-r1"
    main_before = git(gh, TAXONOMY, "rev-parse", "main")

    # when
    existing = list(repo.get_pulls(state="all", head=f"ceph:{branch}"))
    pr = open_entry_pr(repo, branch)
    pr.add_to_labels("skill", "portal")
    pr.create_review_request(reviewers=["reviewer"])
    found = list(repo.get_pulls(state="all", head=f"ceph:{branch}"))

    # then
    assert existing == []
    assert [p.number for p in found] == [pr.number]
    log = git(gh, TAXONOMY, "log", "--format=%an|%ae|%cn|%s", f"main..{branch}").splitlines()
    assert log == ["Alice Example|alice@example.org|Ceph Portal Bot|Add pool usage skill"]
    assert git(gh, TAXONOMY, "rev-parse", f"{branch}^") == main_before
    assert (
        git(gh, TAXONOMY, "show", f"{branch}:{ENTRY_DIR}/qna.yaml")
        == "version: 3\ncreated_by: alice"
    )
    assert "Signed-off-by: Alice Example" in git(gh, TAXONOMY, "log", "-1", "--format=%B", branch)
    assert git(gh, TAXONOMY, "rev-parse", f"refs/pull/{pr.number}/head") == git(
        gh, TAXONOMY, "rev-parse", branch
    )
    [summary] = gh.pulls(TAXONOMY)
    assert summary["labels"] == ["skill", "portal"]
    assert summary["requested_reviewers"] == ["reviewer"]
    assert pr.changed_files == 2 and pr.mergeable is True and pr.head.label == f"ceph:{branch}"
    assert gh.violations() == 0
    recorder.assert_valid()


def test_merge_by_maintainer_records_merge_fields(
    gh: EmulatorHandle, bot: github.Github, maintainer: github.Github
):
    # given
    pr = open_entry_pr(bot.get_repo(TAXONOMY), "portal/entry-7-r1")
    main_before = git(gh, TAXONOMY, "rev-parse", "main")

    # when
    result = maintainer.get_repo(TAXONOMY).get_pull(pr.number).merge(merge_method="merge")
    merged = maintainer.get_repo(TAXONOMY).get_pull(pr.number)
    listed = next(iter(bot.get_repo(TAXONOMY).get_pulls(state="closed")))

    # then
    main_after = git(gh, TAXONOMY, "rev-parse", "main")
    assert result.merged and result.sha == main_after
    assert git(gh, TAXONOMY, "rev-parse", f"{main_after}^1") == main_before
    assert git(gh, TAXONOMY, "rev-parse", f"{main_after}^2") == git(
        gh, TAXONOMY, "rev-parse", "portal/entry-7-r1"
    )
    assert merged.merged and merged.state == "closed"
    assert merged.merged_by.login == "maintainer" and merged.merge_commit_sha == main_after
    assert merged.merged_at is not None and listed.merged_at is not None
    assert bot.get_repo(TAXONOMY).get_pull(pr.number).is_merged()


@pytest.mark.parametrize("method", ["squash", "rebase"])
def test_squash_and_rebase_merges_are_linear(gh: EmulatorHandle, bot: github.Github, method: str):
    # given
    pr = open_entry_pr(bot.get_repo(TAXONOMY), f"portal/entry-{method}")
    main_before = git(gh, TAXONOMY, "rev-parse", "main")

    # when
    gh.merge_pull(TAXONOMY, pr.number, method=method)

    # then
    assert git(gh, TAXONOMY, "rev-parse", "main^") == main_before
    assert git(gh, TAXONOMY, "show", f"main:{ENTRY_DIR}/attribution.txt") == "Title of work: x"


def test_rerun_after_success_meets_already_exists(bot: github.Github):
    # given
    repo = bot.get_repo(TAXONOMY)
    branch = "portal/entry-9-r1"
    pr = open_entry_pr(repo, branch)
    sha = repo.get_git_ref(f"heads/{branch}").object.sha

    # when
    with pytest.raises(github.GithubException) as ref_error:
        repo.create_git_ref(f"refs/heads/{branch}", sha)
    with pytest.raises(github.GithubException) as pull_error:
        repo.create_pull(base="main", head=f"ceph:{branch}", title="again")

    # then
    assert (
        ref_error.value.status == 422
        and ref_error.value.data["message"] == "Reference already exists"
    )
    assert pull_error.value.status == 422
    assert pull_error.value.data["message"] == "Validation Failed"
    assert pull_error.value.data["errors"] == [
        {
            "resource": "PullRequest",
            "code": "custom",
            "message": f"A pull request already exists for ceph:{branch}.",
        }
    ]
    assert [p.number for p in repo.get_pulls(state="all")] == [pr.number]


def test_head_filter_without_owner_is_ignored(bot: github.Github):
    # given
    repo = bot.get_repo(TAXONOMY)
    first = open_entry_pr(repo, "portal/a")
    second = open_entry_pr(repo, "portal/b")

    # when
    bare = [p.number for p in repo.get_pulls(state="all", head="portal/a")]
    qualified = [p.number for p in repo.get_pulls(state="all", head="ceph:portal/a")]
    by_base = [p.number for p in repo.get_pulls(state="all", base="other")]

    # then
    assert sorted(bare) == sorted([first.number, second.number])
    assert qualified == [first.number]
    assert by_base == []


def test_fork_mode_flow(gh: EmulatorHandle, recorder: Recorder):
    # given
    forkbot = make_client(gh, gh.fork_bot_token)
    upstream = forkbot.get_repo(TAXONOMY)

    # when
    fork = upstream.create_fork()
    again = upstream.create_fork()
    gh.request(
        "PUT",
        f"/api/v3/repos/{TAXONOMY}/contents/NEWS.md",
        {"message": "news", "content": "bmV3cwo="},
        gh.maintainer_token,
    )
    synced = fork.merge_upstream("main")
    not_behind = fork.merge_upstream("main")
    pr = open_entry_pr(fork, "portal/entry-5-r1", head_owner="forkbot", base_repo=upstream)
    with pytest.raises(github.GithubException) as direct_write:
        upstream.create_git_ref("refs/heads/direct", pr.head.sha)
    with pytest.raises(github.GithubException) as labels:
        pr.add_to_labels("skill")
    listed = [p.number for p in upstream.get_pulls(state="open", head="forkbot:portal/entry-5-r1")]
    gh.merge_pull(TAXONOMY, pr.number)

    # then
    assert upstream.permissions.push is False
    assert fork.full_name == again.full_name == "forkbot/ceph-taxonomy" and fork.fork
    assert fork.parent.full_name == TAXONOMY
    assert synced.merge_type == "fast-forward" and not_behind.merge_type == "none"
    assert git(gh, fork.full_name, "rev-parse", "main") != git(
        gh, fork.full_name, "rev-parse", "portal/entry-5-r1"
    )
    assert (
        pr.head.label == "forkbot:portal/entry-5-r1"
        and pr.head.repo.full_name == "forkbot/ceph-taxonomy"
    )
    assert direct_write.value.status == 404 and labels.value.status == 403
    assert listed == [pr.number]
    assert git(gh, TAXONOMY, "rev-parse", "main^2") == pr.head.sha
    recorder.assert_valid()


def test_contents_api_makes_one_commit_per_file(gh: EmulatorHandle, bot: github.Github):
    # given
    repo = bot.get_repo(DOCS)
    count_before = gh.commit_count(DOCS)

    # when
    first = repo.create_file("ceph/a.md", "add a", "A\n", branch="main")
    second = repo.create_file("ceph/b.md", "add b", "B\n", branch="main")
    updated = repo.update_file("ceph/a.md", "update a", "A2\n", first["content"].sha, branch="main")
    with pytest.raises(github.GithubException) as stale:
        repo.update_file("ceph/a.md", "stale", "A3\n", first["content"].sha, branch="main")

    # then
    assert gh.commit_count(DOCS) == count_before + 3
    assert gh.read_file(DOCS, "ceph/a.md") == "A2\n" and gh.read_file(DOCS, "ceph/b.md") == "B\n"
    assert updated["commit"].sha == git(gh, DOCS, "rev-parse", "main")
    assert second["content"].path == "ceph/b.md"
    assert stale.value.status == 409
    assert repo.get_contents("ceph/a.md").decoded_content == b"A2\n"
    assert sorted(c.name for c in repo.get_contents("ceph")) == ["a.md", "b.md"]


def test_tag_ref_marks_a_docs_commit(gh: EmulatorHandle, bot: github.Github):
    # given
    repo = bot.get_repo(DOCS)
    commit = repo.create_file("entries/42.md", "doc for entry 42", "text\n", branch="main")[
        "commit"
    ]

    # when
    repo.create_git_ref("refs/tags/portal-entry-42", commit.sha)
    tags = [r.ref for r in repo.get_git_matching_refs("tags/portal-entry-")]

    # then
    assert tags == ["refs/tags/portal-entry-42"]
    assert git(gh, DOCS, "rev-parse", "portal-entry-42") == commit.sha


def test_concurrent_writers_keep_every_commit(gh: EmulatorHandle):
    # given
    workers = 8
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            client = make_client(gh, gh.bot_token, lazy=True)
            client.get_repo(DOCS).create_file(
                f"parallel/{index}.md", f"file {index}", f"{index}\n", branch="main"
            )
            open_entry_pr(client.get_repo(TAXONOMY), f"portal/parallel-{index}")
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    before = gh.commit_count(DOCS)

    # when
    threads = [threading.Thread(target=write, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then
    assert errors == []
    assert gh.commit_count(DOCS) == before + workers
    numbers = sorted(p["number"] for p in gh.pulls(TAXONOMY))
    assert numbers == list(range(1, workers + 1))
    assert git(gh, DOCS, "fsck", "--no-progress") == ""


def test_reviews_and_close_reopen(
    gh: EmulatorHandle, bot: github.Github, maintainer: github.Github
):
    # given
    pr = open_entry_pr(bot.get_repo(TAXONOMY), "portal/entry-3-r1")
    as_maintainer = maintainer.get_repo(TAXONOMY).get_pull(pr.number)

    # when
    as_maintainer.create_review(body="Please cite the source.", event="REQUEST_CHANGES")
    with pytest.raises(github.GithubException) as own_approval:
        bot.get_repo(TAXONOMY).get_pull(pr.number).create_review(event="APPROVE")
    as_maintainer.edit(state="closed")
    closed = maintainer.get_repo(TAXONOMY).get_pull(pr.number)
    as_maintainer.edit(state="open")
    reopened = maintainer.get_repo(TAXONOMY).get_pull(pr.number)

    # then
    reviews = list(bot.get_repo(TAXONOMY).get_pull(pr.number).get_reviews())
    assert [(r.user.login, r.state, r.body) for r in reviews] == [
        ("maintainer", "CHANGES_REQUESTED", "Please cite the source.")
    ]
    assert own_approval.value.status == 422
    assert closed.state == "closed" and closed.merged is False and closed.merged_at is None
    assert reopened.state == "open"


def test_installation_token_exchange(tmp_path):
    # given
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    app = AppSpec(
        app_id=1001,
        slug="cephportal",
        installation_id=2001,
        account="ceph",
        public_key_pem=public_pem,
    )

    with running_emulator(tmp_path / "ghemu", apps=[app]) as gh:
        auth = github.Auth.AppAuth(1001, private_pem).get_installation_auth(2001)
        client = github.Github(
            auth=auth, base_url=gh.base_url, seconds_between_requests=0, seconds_between_writes=0
        )

        # when
        repo = client.get_repo(TAXONOMY)
        main = repo.get_git_ref("heads/main").object.sha
        repo.create_git_ref("refs/heads/from-app", main)
        installation = github.GithubIntegration(
            auth=github.Auth.AppAuth(1001, private_pem), base_url=gh.base_url
        )
        found = installation.get_repo_installation("ceph", "ceph-taxonomy")

        # then
        assert repo.permissions.push is True
        assert git(gh, TAXONOMY, "rev-parse", "from-app") == main
        assert found.id == 2001
        counters = gh.counters()
        assert any(user.startswith("cephportal[bot]") for user in counters["by_user"])
