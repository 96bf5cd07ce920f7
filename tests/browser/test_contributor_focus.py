"""Moving keyboard focus onto a button never presses it, and the editor fits a phone."""

import pytest
from playwright.sync_api import expect

from contributions.services.contributions import contribution_create_draft
from contributions.workflow import Status
from tests.browser.conftest import log_in
from tests.contributor_samples import skill_draft

PASSWORD = "correct-horse-battery"


def _autosave_after_focus(page, field_selector: str, text: str, button_selector: str) -> None:
    """Type in a field, move the focus onto a button, and wait for the autosave to answer."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator(field_selector).fill(text)
        page.locator(field_selector).focus()
        page.keyboard.press("End")
        page.locator(button_selector).focus()
    assert answer.value.ok
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_focusing_submit_or_remove_does_not_press_them(page, shots, contributor):
    # given a draft with five examples open in the editor
    entry = contribution_create_draft(
        author=contributor, kind="skill", summary="Focus", draft=skill_draft()
    )
    examples = len(entry.draft["entry"]["seed_examples"])
    log_in(page, contributor.username, PASSWORD)
    page.goto(f"/contributions/{entry.pk}/edit/")

    # when they type, then tab onto "Submit for review" and let the autosave run
    _autosave_after_focus(page, "#f-attribution-creators", "Ada Lovelace", "#submit-button")

    # then the text is saved but nothing was submitted
    entry.refresh_from_db()
    assert entry.status == Status.DRAFT
    assert entry.draft["attribution"]["creators"] == "Ada Lovelace"
    expect(page.locator("#save-status")).not_to_contain_text("Entry details")
    assert page.url.endswith(f"/contributions/{entry.pk}/edit/")

    # when they type in an example, then tab onto its "Remove" and let the autosave run
    _autosave_after_focus(page, "#f-seed-2-answer", "A new answer.", "#seed-2-remove")

    # then the example is still there, with the new text
    entry.refresh_from_db()
    assert len(entry.draft["entry"]["seed_examples"]) == examples
    assert entry.draft["entry"]["seed_examples"][1]["answer"] == "A new answer."
    expect(page.locator("fieldset.seed")).to_have_count(examples)

    # when they tab onto "Add another example" and "Up" while saving
    _autosave_after_focus(page, "#f-seed-3-answer", "Third answer.", "#add-seed")
    _autosave_after_focus(page, "#f-seed-3-question", "Third question?", "#seed-3-up")

    # then nothing was added or moved
    entry.refresh_from_db()
    seeds = entry.draft["entry"]["seed_examples"]
    assert len(seeds) == examples
    assert seeds[2]["question"] == "Third question?"
    assert seeds[2]["answer"] == "Third answer."
    shots("after-focus")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_does_not_scroll_sideways_on_a_phone(page, shots, contributor):
    # given a draft by someone with a long user name (so a long commit e-mail), on a phone
    contributor.username = "rita.block.storage.expert"
    contributor.save()
    entry = contribution_create_draft(
        author=contributor, kind="skill", summary="Phone", draft=skill_draft()
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, contributor.username, PASSWORD)

    # when the editor opens
    page.goto(f"/contributions/{entry.pk}/edit/")
    expect(page.locator("#submit-heading")).to_be_attached()

    # then nothing is wider than the screen, not even the long commit e-mail address
    shots("phone")
    identity = page.locator("#submit p", has_text="recorded in the taxonomy")
    assert identity.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
