"""The contributor's side of the loop after the pull request opens, in the browser: a maintainer
asks for changes on GitHub, the contributor sees it in the editor, revises and resubmits, and the
pull request's page shows the new commit."""

import re

import pytest
from playwright.sync_api import expect

from contributions.models import PullRequest
from contributions.services import pipeline, pull_request_tracking
from contributions.services.reviews import review_approve
from contributions.workflow import Status
from tests.browser.conftest import ARTIFACTS, log_in
from tests.pipeline.entries import approved_entry

PASSWORD = "correct-horse-battery"
TAXONOMY = "ceph/ceph-taxonomy"
ASKED = "Example 1 should say to run the command again after fixing the cause."
LINE_NOTE = "This answer could name the health check codes."


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_maintainers_request_is_answered_with_a_new_commit(
    page, shots, github, contributor, reviewer
):
    # given an entry whose pull request is open, and a maintainer's request for changes on it
    entry = approved_entry(author=contributor, reviewer=reviewer, kind="skill", n=1)
    pull = pipeline.pull_request_open(contribution_id=entry.pk)
    qna_path = f"{entry.taxonomy_path}/qna.yaml"
    qna = github.read_file(TAXONOMY, qna_path, ref=pull.branch)
    line = next(n for n, text in enumerate(qna.splitlines(), 1) if "(case 1.2)" in text)
    github.review_pull(
        TAXONOMY,
        pull.number,
        event="REQUEST_CHANGES",
        body=ASKED,
        comments=[{"path": qna_path, "line": line, "body": LINE_NOTE}],
    )
    pull_request_tracking.pull_request_sync(pull_request_id=pull.pk)

    # when the contributor follows the notification
    log_in(page, contributor.username, PASSWORD)
    page.get_by_role("link", name=re.compile("Notifications")).click()
    note = page.locator(".note-item", has_text="requested changes").first
    expect(note).to_contain_text(ASKED)
    shots("notified")
    note.get_by_role("link", name="Open").click()

    # then the editor opens with the maintainer's words, and says where a revision goes
    page.wait_for_url(re.compile(rf".*/contributions/{entry.pk}/edit/$"))
    expect(page.locator("h1 .status")).to_have_text("Maintainer asked for changes")
    feedback = page.locator("#answer-feedback")
    expect(feedback).to_contain_text(ASKED)
    expect(feedback).to_contain_text("maintainer on GitHub")
    expect(page.locator(".editor-head .notice")).to_contain_text("same pull request")
    # and the maintainer's comment on a line of qna.yaml stands at the example it concerns
    at_field = page.locator("#seed-2-feedback")
    expect(at_field).to_contain_text(LINE_NOTE)
    expect(at_field).to_contain_text("answer")
    expect(page.locator("#seed-1-feedback")).to_have_count(0)
    shots("editor-with-feedback")
    page.locator("#seed-2").screenshot(path=str(ARTIFACTS / f"{shots.prefix}-example-2.png"))

    # when they change the answer of example 1 and submit
    answer = page.locator("#f-seed-1-answer")
    answer.fill(answer.input_value() + " Then run `ceph health detail` again.")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    page.locator("#submit-button").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    entry.refresh_from_db()
    assert (entry.status, entry.current_revision.number) == (Status.SUBMITTED, 2)

    # and a portal reviewer approves the revision (the pipeline runs inline in tests)
    review_approve(contribution_id=entry.pk, reviewer=reviewer)
    entry.refresh_from_db()
    assert entry.status == Status.PR_OPEN

    # then the entry's page lists the pull request's two commits
    page.goto(f"/contributions/{entry.pk}/")
    commits = page.locator(".pull-commits li")
    expect(commits).to_have_count(2)
    expect(commits.nth(1)).to_contain_text("revision 2")
    expect(commits.nth(1)).to_contain_text("New revision")
    shots("entry-two-commits")

    # and the commit's link opens the pull request on GitHub, showing the new commit
    sha = PullRequest.objects.get(pk=pull.pk).head_sha
    commits.nth(1).get_by_role("link").click()
    page.wait_for_url(re.compile(rf".*/pull/{pull.number}/commits/{sha}$"))
    expect(page.get_by_role("heading", name="Commits (2)")).to_be_visible()
    expect(page.locator(f"#commit-{sha[:12]}")).to_contain_text("Revise skill:")
    expect(page.locator("pre")).to_contain_text("Then run `ceph health detail` again.")
    shots("pull-request-new-commit")
