"""The idle-timeout warning in a real browser: it appears before the session ends,
"Resta collegato" keeps the session, and doing nothing ends it. The page raises no
Content Security Policy violation while it runs."""

import re

import pytest
from playwright.sync_api import expect

from core.models import SecurityEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_session(settings):
    # The live server runs in this process, so the overridden limits apply to it.
    settings.SESSION_IDLE_TIMEOUT = 12
    settings.SESSION_TIMEOUT_WARNING = 9


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


def test_warning_appears_and_resta_collegato_keeps_the_session(
    short_session, csp_violations, alice, login_as, live_server
):
    page = login_as("alice")
    expect(page.get_by_test_id("current-user")).to_be_visible()
    dialog = page.get_by_role("alertdialog", name="La sessione sta per scadere")
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=10_000)
    expect(dialog.locator("[data-session-countdown]")).to_have_text(re.compile(r"^0:0\d$"))
    dialog.get_by_role("button", name="Resta collegato").click()
    expect(dialog).to_be_hidden()
    # Past the moment the first deadline would have ended the session: still logged in.
    page.wait_for_timeout(5_000)
    page.reload()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    assert csp_violations == []


def test_doing_nothing_ends_the_session(short_session, csp_violations, alice, login_as):
    page = login_as("alice")
    expect(page.get_by_test_id("current-user")).to_be_visible()
    expect(page.get_by_role("heading", name="Accedi ad Abitare")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("La sessione è scaduta per inattività")).to_be_visible()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.LOGOUT, user=alice, details__reason="idle_timeout"
    ).exists()
    assert csp_violations == []
