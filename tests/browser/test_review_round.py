"""A reviewer asks for changes, the contributor resubmits in the editor, the reviewer approves."""

import re

import pytest
from playwright.sync_api import expect

from contributions.models import ContributionEvent
from contributions.services import reviews
from contributions.services.contributions import contribution_create_draft, contribution_submit
from contributions.workflow import Status
from tests.browser.conftest import log_in
from tests.factories import skill_content
from tests.review_factories import ATTRIBUTION, scoped_reviewer

PASSWORD = "correct-horse-battery"


def log_out(page) -> None:
    page.get_by_role("button", name=re.compile("Log out")).click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_changes_requested_resubmitted_and_approved(page, shots, contributor, monkeypatch):
    # given a submitted skill, and a reviewer of compositional skills
    handed_over: list[int] = []
    monkeypatch.setattr(reviews, "_queue_pull_request", handed_over.append)
    entry = contribution_create_draft(
        author=contributor,
        kind="skill",
        summary="Check Ceph cluster health",
        taxonomy_path="compositional_skills/technology/ceph/health",
        draft={"entry": skill_content(), "attribution": ATTRIBUTION},
    )
    contribution_submit(contribution_id=entry.pk, actor=contributor)
    reviewer = scoped_reviewer("compositional_skills")

    # when the reviewer finds it in the queue and claims it
    log_in(page, reviewer.username, PASSWORD)
    page.get_by_role("link", name="Review queue").click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    item = page.locator(f"#entry-{entry.pk}")
    expect(item).to_contain_text("Check Ceph cluster health")
    shots("queue")
    item.get_by_role("button", name=re.compile("Claim")).click()
    expect(page.get_by_text("The entry is yours to review")).to_be_visible()
    page.locator(f"#entry-{entry.pk}").get_by_role("link", name="Review", exact=True).click()

    # and comments on the second example and asks for changes, first forgetting the reason
    expect(page.get_by_role("heading", name="Check Ceph cluster health")).to_be_visible()
    seed = page.locator("#seed-2")
    seed.locator("summary", has_text="Comment on this example").click()
    seed.get_by_label("Your comment on example 2").fill("Say what HEALTH_WARN means here.")
    seed.get_by_role("button", name="Add comment").click()
    expect(page.locator("#seed-2 .comment")).to_contain_text("Say what HEALTH_WARN means")
    page.get_by_label("Request changes").check()
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_text("Say what the author should change")).to_be_visible()
    page.get_by_label("Reason").fill("Explain the warning states in example 2.")
    shots("request-changes")
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_text("Sent back to the author")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == Status.CHANGES_REQUESTED
    log_out(page)

    # then the contributor is told, and edits and resubmits from the entry's page
    log_in(page, contributor.username, PASSWORD)
    expect(page.locator(".nav-links .badge")).to_have_text("2")
    page.get_by_role("link", name=re.compile("Notifications")).click()
    expect(page.locator(".note-item").first).to_contain_text("asked for changes")
    shots("notified")
    page.locator(".note-item").first.get_by_role("link", name="Open").click()
    expect(page.get_by_text("Explain the warning states in example 2.", exact=True)).to_be_visible()
    page.goto(f"/contributions/{entry.pk}/edit/")
    answer = page.locator("#f-seed-2-answer")
    answer.fill("Run `ceph health detail`; HEALTH_WARN means degraded but serving I/O.")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")
    page.locator("#submit-button").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    entry.refresh_from_db()
    assert (entry.status, entry.current_revision.number) == (Status.SUBMITTED, 2)
    log_out(page)

    # when the reviewer sees what changed and approves
    log_in(page, reviewer.username, PASSWORD)
    page.goto(f"/review/{entry.pk}/")
    changes = page.locator("#changes")
    expect(changes).to_contain_text("Changes since revision 1")
    expect(changes).to_contain_text("Example 2 · Answer")
    expect(changes.locator("ins", has_text="HEALTH_WARN")).to_be_visible()
    page.get_by_label("Approve").check()
    shots("approve")
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_text("Approved. Thank you!")).to_be_visible()

    # then the entry is approved and handed to the pull-request pipeline once
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.handed_over_at is not None
    assert handed_over == [entry.pk]
    assert ContributionEvent.objects.filter(contribution=entry, event="approved").count() == 1
    shots("queue-after")
