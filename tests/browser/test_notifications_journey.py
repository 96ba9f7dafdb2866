"""The bell in a real browser: a notification made while the page is open shows up in
the count without a reload (htmx polling under the CSP), the notifications page opens
it where it is dealt with, and the count goes."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from notifications import services
from notifications.kinds import Kind, summary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_violations(page):
    seen = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def test_the_bell_counts_without_a_reload_and_the_page_opens_it(
    settings, csp_violations, alice, login_as, live_server
):
    settings.NOTIFICATION_BELL_POLL_SECONDS = 1
    page = login_as("alice")
    bell = page.get_by_test_id("notification-bell")
    expect(bell).to_be_visible()
    expect(bell).to_contain_text("Notifiche")
    expect(page.get_by_test_id("notification-count")).to_have_count(0)

    caseload = reverse("beneficiaries:caseload")
    services.notify(recipients=[alice], kind=Kind.WORKER_ASSIGNED, link=caseload)
    expect(page.get_by_test_id("notification-count")).to_have_text(
        re.compile(r"^1\s*da leggere$"), timeout=10_000
    )

    bell.click()
    expect(page).to_have_url(re.compile(r"/notifiche/$"))
    page.get_by_role("button", name=summary(Kind.WORKER_ASSIGNED, 1), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(caseload) + "$"))
    expect(page.get_by_test_id("notification-bell")).to_be_visible()
    page.wait_for_timeout(1_500)
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
    assert csp_violations == []


def test_a_login_from_another_browser_rings_the_first_ones_bell(
    settings, alice, login_as, browser, live_server
):
    settings.NOTIFICATION_BELL_POLL_SECONDS = 1
    page = login_as("alice")
    expect(page.get_by_test_id("notification-bell")).to_be_visible()
    other = browser.new_context(locale="it-IT", reduced_motion="reduce")
    try:
        second = other.new_page()
        second.goto(f"{live_server.url}/accesso/")
        second.get_by_label("Nome utente").fill("alice")
        second.get_by_label("Password").fill("correct-horse-battery")
        second.get_by_role("button", name="Accedi").click()
        expect(second.get_by_test_id("current-user")).to_be_visible()
    finally:
        other.close()
    expect(page.get_by_test_id("notification-count")).to_have_text(
        re.compile(r"^1"), timeout=10_000
    )
