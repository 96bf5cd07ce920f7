"""The forge against the emulator at the edges: long conditional lists, labels, line comments."""

from __future__ import annotations

from contributions.forge.github import transport

from .test_github_forge import _commit, _open

REPO = "ceph/ceph-taxonomy"


def _pull(forge):
    sha = _commit(forge)
    forge.ensure_ref(repo=REPO, ref="heads/cephportal/entry-1-r1", sha=sha)
    return _open(forge)


def test_a_conditional_read_past_the_first_page_sees_new_comments(emulator, forge, monkeypatch):
    # given pages of two, and three comments: the kept etag is the last page's
    monkeypatch.setattr(transport, "PER_PAGE", 2)
    pull = _pull(forge)
    for text in ("one", "two", "three"):
        emulator.comment_pull(REPO, pull.number, body=text)
    first = forge.list_comments(repo=REPO, number=pull.number)
    assert [c.body for c in first.items] == ["one", "two", "three"]
    assert first.etag.endswith(";page=2")
    # when nothing changed / then 304, nothing read
    assert not forge.list_comments(repo=REPO, number=pull.number, etag=first.etag).changed
    # when a fourth comment lands on the last page
    emulator.comment_pull(REPO, pull.number, body="four")
    later = forge.list_comments(repo=REPO, number=pull.number, etag=first.etag)
    # then it is read (with what shares its page), though the first page did not change
    assert later.changed and [c.body for c in later.items] == ["three", "four"]
    # when a fifth starts a new page / then it is read too
    emulator.comment_pull(REPO, pull.number, body="five")
    last = forge.list_comments(repo=REPO, number=pull.number, etag=later.etag)
    assert [c.body for c in last.items] == ["five"]


def test_labels_are_sent_as_an_object(emulator, forge, monkeypatch):
    # given a pull request, and every request body recorded
    pull = _pull(forge)
    sent = []
    real = forge._send

    def recording(verb, path, **options):
        sent.append((verb, path, options.get("body")))
        return real(verb, path, **options)

    monkeypatch.setattr(forge, "_send", recording)
    # when labels are added
    forge.add_labels(repo=REPO, number=pull.number, labels=["cephportal"])
    # then GitHub's documented shape was sent, and the label is on the pull request
    assert sent[-1][0] == "POST" and sent[-1][2] == {"labels": ["cephportal"]}
    assert forge.get_pull_request(repo=REPO, number=pull.number).labels == ("cephportal",)


def test_line_comments_are_read_with_their_file_and_line(emulator, forge):
    # given a review whose comment is on line 1 of the PR's qna.yaml
    pull = _pull(forge)
    path = "compositional_skills/x/qna.yaml"
    emulator.review_pull(
        REPO, pull.number, event="COMMENT", comments=[{"path": path, "line": 1, "body": "Why 3?"}]
    )
    # when / then
    page = forge.list_review_comments(repo=REPO, number=pull.number)
    [item] = page.items
    assert (item.kind, item.path, item.line, item.body) == ("line", path, 1, "Why 3?")
    assert not forge.list_review_comments(repo=REPO, number=pull.number, etag=page.etag).changed


def test_the_emulator_refuses_a_line_comment_outside_the_file(emulator, forge):
    # given a pull request whose qna.yaml has one line
    pull = _pull(forge)
    path = f"/api/v3/repos/{REPO}/pulls/{pull.number}/comments"
    # when a comment names line 2, or a file the PR does not have / then 422, as on GitHub
    for body in (
        {"path": "compositional_skills/x/qna.yaml", "line": 2, "body": "x"},
        {"path": "nowhere.txt", "line": 1, "body": "x"},
    ):
        try:
            emulator.request("POST", path, body, emulator.maintainer_token)
        except Exception as error:  # EmulatorHTTPError
            assert error.status == 422
        else:
            raise AssertionError("accepted")
