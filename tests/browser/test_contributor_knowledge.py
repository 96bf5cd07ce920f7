"""A newcomer writes a knowledge entry in the browser, from sign-up to "My contributions"."""

import re

import pytest
from playwright.sync_api import expect

from contributions.models import Contribution
from tests.contributor_samples import DOCUMENT, PASSAGES


def _wait_saved(page):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_newcomer_writes_checks_reloads_and_submits_a_knowledge_entry(page, shots):
    # given a visitor who signs up
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("rbd.expert")
    page.get_by_label("Display name").fill("Rita Block")
    page.get_by_label("Email").fill("rita@example.org")
    page.get_by_label("Password", exact=True).fill("a sturdy passphrase 42")
    page.get_by_label("Password (again)").fill("a sturdy passphrase 42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome! Your account is ready.")).to_be_visible()

    # when they start a knowledge entry
    page.get_by_role("link", name="New entry").first.click()
    shots("new-entry")
    page.get_by_label("Knowledge: facts from a document").check()
    page.get_by_label("Summary (optional, you can change it later)").fill("RBD snapshots")
    page.get_by_role("button", name="Start writing").click()
    expect(page.get_by_role("heading", name=re.compile("Knowledge entry"))).to_be_visible()
    entry = Contribution.objects.get(author__username="rbd.expert")

    # and describe it and upload its document
    page.locator("#f-taxonomy_path").fill("knowledge/technology/ceph/rbd_snapshots")
    page.locator("#f-domain").fill("Ceph block storage")
    page.locator("#f-document_outline").fill("How RBD snapshots are taken and rolled back.")
    _wait_saved(page)
    page.locator("#doc-files").set_input_files(
        files=[
            {"name": "rbd_snapshots.md", "mimeType": "text/markdown", "buffer": DOCUMENT.encode()}
        ]
    )
    page.locator("#documents").get_by_role("button", name="Upload").click()
    expect(page.locator("#document-list")).to_contain_text("rbd_snapshots.md")
    expect(page.locator("#issues-documents")).to_be_empty()

    # and write the first examples, repeating a question by mistake
    for i, passage in enumerate(PASSAGES[:3], start=1):
        page.locator(f"#f-seed-{i}-context").fill(passage)
        for j in range(1, 4):
            page.locator(f"#f-seed-{i}-qa-{j}-question").fill(
                f"What does passage {i} say, part {j}?"
            )
            page.locator(f"#f-seed-{i}-qa-{j}-answer").fill(f"It says thing {j} of passage {i}.")
    page.locator("#f-seed-2-qa-1-question").fill("What does passage 1 say, part 1?")
    _wait_saved(page)

    # then the check shows the problem at that very question
    problem = page.locator("#issues-seed-2-qa-1-question")
    expect(problem).to_contain_text("repeats example 1, question 1")
    shots("error-at-its-field")

    # when they fix it
    page.locator("#f-seed-2-qa-1-question").fill("What does passage 2 say, part 1?")
    _wait_saved(page)
    # (the quality check may still note that it is alike to example 1's questions)
    expect(problem).not_to_contain_text("repeats example 1, question 1")
    expect(problem.locator(".issue-error")).to_have_count(0)

    # and reload the page half-way through
    page.reload()
    expect(page.locator("#f-seed-2-qa-1-question")).to_have_value(
        "What does passage 2 say, part 1?"
    )
    expect(page.locator("#f-seed-3-context")).to_have_value(PASSAGES[2])
    expect(page.locator("#f-domain")).to_have_value("Ceph block storage")
    expect(page.locator("#document-list")).to_contain_text("rbd_snapshots.md")

    # and finish the examples and the source
    for i, passage in enumerate(PASSAGES[3:], start=4):
        page.locator(f"#f-seed-{i}-context").fill(passage)
        for j in range(1, 4):
            page.locator(f"#f-seed-{i}-qa-{j}-question").fill(
                f"What does passage {i} say, part {j}?"
            )
            page.locator(f"#f-seed-{i}-qa-{j}-answer").fill(f"It says thing {j} of passage {i}.")
    page.locator("#f-attribution-title").fill("Ceph documentation: snapshots")
    page.locator("#f-attribution-link").fill("https://docs.ceph.com/en/latest/rbd/rbd-snapshot/")
    page.locator("#f-attribution-revision").fill("squid")
    page.locator("#f-attribution-license").select_option("CC-BY-SA-4.0")
    page.locator("#f-attribution-creators").fill("The Ceph authors")
    _wait_saved(page)
    expect(page.locator("#checks")).to_contain_text("Ready to submit")
    shots("ready")

    # and submit, agreeing to the DCO on the way
    page.get_by_label("I have read the Developer Certificate of Origin and I agree to it.").check()
    page.get_by_role("button", name="Submit for review").click()

    # then the entry is waiting for review, and listed in "My contributions"
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    shots("submitted")
    page.get_by_role("link", name="My contributions").first.click()
    listed = page.locator(".entry-list")
    expect(listed).to_contain_text("RBD snapshots")
    expect(listed).to_contain_text("Waiting for review")
    shots("my-contributions")
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert entry.current_revision.documents.get().filename == "rbd_snapshots.md"
