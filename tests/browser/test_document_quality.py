"""From a PDF to grounded examples: convert, correct, pick a passage, see the quality warnings."""

import re

import pytest
from playwright.sync_api import expect

from contributions.services import quality
from contributions.services.contributions import contribution_create_draft
from contributions.workflow import Status
from tests.browser.conftest import log_in
from tests.contributor_samples import knowledge_draft
from tests.conversion import documents
from tests.factories import ContributionFactory, UserFactory, skill_content

PASSWORD = "correct-horse-battery"
ASKED_BEFORE = "How does CRUSH map each placement group to an ordered list of OSDs?"


def _wait_saved(page):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pdf_to_passage_with_grounding_and_duplicate_warnings(page, shots, contributor):
    # given an entry under review by someone else that already asks a question
    quality.quality_index_reset()
    asked = {"entry": skill_content(), "attribution": {}}
    asked["entry"]["seed_examples"][0]["question"] = ASKED_BEFORE
    other = ContributionFactory(
        author=UserFactory(), draft=asked, status=Status.SUBMITTED.value, summary="CRUSH basics"
    )
    # and a knowledge draft open in the editor
    entry = contribution_create_draft(
        author=contributor,
        kind="knowledge",
        summary="Placement groups",
        taxonomy_path="knowledge/technology/ceph/placement_groups",
        draft=knowledge_draft(),
    )
    log_in(page, contributor.username, PASSWORD)
    page.goto(f"/contributions/{entry.pk}/edit/")

    # when they upload a PDF
    page.locator("#doc-files").set_input_files(
        files=[
            {"name": "guide.pdf", "mimeType": "application/pdf", "buffer": documents.make_pdf(2)}
        ]
    )
    page.locator("#documents").get_by_role("button", name="Upload").click()

    # then its markdown is shown for checking, and they correct a heading
    markdown = page.get_by_label("Markdown", exact=True)
    expect(markdown).to_be_visible()
    text = markdown.input_value()
    assert "# 1: Placement groups" in text and "| size | 3 | replicas |" in text
    markdown.fill(text.replace("# 1: Placement groups", "# Placement groups in Ceph"))
    shots("converted-markdown-to-check")
    page.get_by_role("button", name="Add as a document").click()
    expect(page.locator("#document-list")).to_contain_text("guide.md")

    # when they select a paragraph of the document and make it example 1's passage
    page.locator("#document-list summary", has_text="guide.md").click()
    paragraph = page.locator(".doc-pick-area .markdown-preview p", has_text="Objects are hashed")
    paragraph.first.click(click_count=3)
    picker = page.locator(".passage-picker").first
    picker.locator("select").select_option("1")
    picker.get_by_role("button", name="Use the selected text").click()

    # then the passage field holds the selected text, and says where it sits in the document
    expect(page.locator("#f-seed-1-context")).to_have_value(
        re.compile(r"^Objects are hashed into placement groups, and CRUSH maps")
    )
    _wait_saved(page)
    expect(page.locator("#issues-seed-1-context")).to_contain_text("Found in guide.md, line")
    shots("passage-picked-from-the-document")

    # when they write an answer the passage does not support, and a question already asked
    page.locator("#f-seed-1-qa-1-question").fill("What does CRUSH do with placement groups?")
    page.locator("#f-seed-1-qa-1-answer").fill("Bananas ripen faster next to apples in summer.")
    page.locator("#f-seed-1-qa-2-question").fill(ASKED_BEFORE)
    _wait_saved(page)

    # then the unsupported answer is warned about at its field, with the words marked
    answer_issues = page.locator("#issues-seed-1-qa-1-answer")
    expect(answer_issues).to_contain_text("of this answer's words are in its passage")
    expect(answer_issues.locator("mark.unsupported", has_text="Bananas")).to_be_visible()
    # and the repeated question links to the entry that asks it already
    duplicate = page.locator("#issues-seed-1-qa-2-question")
    expect(duplicate).to_contain_text("nearly repeats one in entry")
    expect(duplicate.locator("a.duplicate-link")).to_have_attribute("href", f"/review/{other.pk}/")
    page.locator("#f-seed-1-qa-2-question").scroll_into_view_if_needed()
    shots("unsupported-answer-and-duplicate-warnings")
