"""After a refused form, focus and title point to the errors (issue 11, item 10): the
error summary takes the focus, its links lead to the fields, and the title says "Errore"."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_form_moves_the_focus_to_the_error_summary(alice, login_as, live_server):
    page = login_as("alice")
    page.goto(f"{live_server.url}/nuclei/nuovo/")
    # The browser's own checks would stop an empty form before the server sees it.
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.locator("main form button[type=submit]").last.click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Errore: ")
    first_link = summary.get_by_role("link").first
    target = first_link.get_attribute("href")
    first_link.click()
    expect(page.locator(target)).to_be_focused()
