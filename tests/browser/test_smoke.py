"""The browser harness works: the home page renders and a visitor can sign up."""

import pytest

from contributions.models import ContributorProfile


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_visitor_signs_up_in_the_browser(page, shots):
    # given the home page
    page.goto("/")
    assert "Teach" in page.locator("h1").inner_text()
    # when the visitor signs up with the form
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("browser.person")
    page.get_by_label("Email").fill("browser@example.org")
    page.get_by_label("Password", exact=True).fill("a sturdy passphrase 42")
    page.get_by_label("Password (again)").fill("a sturdy passphrase 42")
    shots("signup-form")
    page.get_by_role("button", name="Create account").click()
    # then they are logged in and have a profile
    page.wait_for_selector("text=Welcome! Your account is ready.")
    shots("signed-up")
    assert ContributorProfile.objects.filter(user__username="browser.person").exists()
