"""Nothing typed is lost when the session ends: log in elsewhere, or get the text back later."""

import re

import pytest
from playwright.sync_api import expect

from contributions.services.contributions import contribution_create_draft
from tests.browser.conftest import log_in
from tests.contributor_samples import skill_draft

PASSWORD = "correct-horse-battery"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_text_typed_after_the_session_ended_is_not_lost(page, shots, contributor):
    # given a draft open in the editor
    entry = contribution_create_draft(
        author=contributor, kind="skill", summary="Status", draft=skill_draft()
    )
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, contributor.username, PASSWORD)
    page.goto(f"/contributions/{entry.pk}/edit/")
    task = page.locator("#f-task_description")

    # when the session ends while they type
    page.context.clear_cookies(name="sessionid")
    task.fill("Typed after the session ended.")

    # then the page says so, keeps the text, and points to a login in another tab
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "logged-out")
    expect(status).to_contain_text("Log in again in a new tab")
    expect(task).to_have_value("Typed after the session ended.")
    shots("logged-out")

    # when they log in in another tab and come back to save
    other = page.context.new_page()
    log_in(other, contributor.username, PASSWORD)
    other.close()
    page.get_by_role("button", name="Save now").click()

    # then it is saved
    expect(status).to_have_attribute("data-state", "saved")
    entry.refresh_from_db()
    assert entry.draft["entry"]["task_description"] == "Typed after the session ended."

    # when the session and its security token both go, and they leave before logging in
    page.context.clear_cookies()
    task.fill("Typed, then the tab was closed.")
    expect(status).to_have_attribute("data-state", "logged-out")
    page.goto(f"/contributions/{entry.pk}/edit/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(contributor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # then the editor offers the text this browser kept, and puts it back
    banner = page.locator("#restore-banner")
    expect(banner).to_be_visible()
    shots("offered-back")
    banner.get_by_role("button", name="Put it back").click()
    expect(page.locator("#f-task_description")).to_have_value("Typed, then the tab was closed.")
    expect(page.locator("#restore-banner")).to_be_hidden()
    entry.refresh_from_db()
    assert entry.draft["entry"]["task_description"] == "Typed, then the tab was closed."
