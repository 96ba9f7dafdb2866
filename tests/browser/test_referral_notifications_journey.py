"""Issue 15's journey: a referrer sends a referral, the coordinator's bell shows 1, the
coordinator accepts it, and the referrer's bell shows the decision."""

import re

import pytest
from playwright.sync_api import expect

from notifications.kinds import Kind, summary
from tests.browser.conftest import log_out as shared_log_out
from tests.factories import PersonFactory, give_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    # The logout button is in the account menu (tests/browser/conftest.py).
    shared_log_out(page)
    expect(page.get_by_label("Nome utente")).to_be_visible()


def test_the_referral_and_its_decision_ring_the_right_bells(
    settings, page, live_server, login_as, marco, carla, bruno, project_alfa, comune_uno
):
    settings.NOTIFICATION_BELL_POLL_SECONDS = 1
    household = PersonFactory(
        household__registered_by=comune_uno, first_name="Amina", last_name="Diallo"
    ).household
    give_consent(household, project_alfa)  # the consent gate of issue 12

    # The referrer sends it.
    login_as("marco")
    page.goto(live_server.url + household.get_absolute_url())
    page.get_by_role("link", name="Segnala a un progetto").click()
    page.get_by_label("Progetto").select_option(label="Casa Alfa")
    page.get_by_label("Motivo dell'invio").fill("Sfratto esecutivo a fine mese.")
    page.get_by_label("Urgenza").select_option("high")
    page.get_by_role("button", name="Invia", exact=True).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Inviata")
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
    log_out(page)

    # The coordinator's bell shows 1; the notification opens the referral.
    login_as("carla")
    expect(page.get_by_test_id("notification-count")).to_have_text(
        re.compile(r"^1\s*da leggere$"), timeout=10_000
    )
    page.get_by_test_id("notification-bell").click()
    page.get_by_role("button", name=summary(Kind.REFERRAL_SENT, 1), exact=True).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Inviata")
    page.get_by_role("button", name="Avvia la valutazione").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("In valutazione")
    page.get_by_role("button", name="Accogli", exact=True).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Accolta")
    log_out(page)

    # The referrer's bell shows the decision.
    login_as("marco")
    expect(page.get_by_test_id("notification-count")).to_have_text(
        re.compile(r"^1\s*da leggere$"), timeout=10_000
    )
    page.get_by_test_id("notification-bell").click()
    expect(
        page.get_by_role("button", name=summary(Kind.REFERRAL_ACCEPTED, 1), exact=True)
    ).to_be_visible()
    log_out(page)

    # The outsider heard nothing.
    login_as("bruno")
    expect(page.get_by_test_id("notification-bell")).to_be_visible()
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
