"""The household pages in a real browser: the duplicate warning appears when the whole
registration is submitted (never while typing: issue 11), the caseload search keeps names out of the address bar, and the household file
puts a withdrawn consent where nobody can miss it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import Consent
from tests.factories import UserFactory

TABLET = {"width": 1024, "height": 768}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_duplicate_warning_appears_on_submitting_and_links_to_the_existing_file(
    page, live_server, login_as, alice, household_alfa, household_beta
):
    page.set_viewport_size(TABLET)
    login_as("alice")
    page.goto(f"{live_server.url}/nuclei/nuovo/")

    def register(first_name, last_name):
        page.get_by_role("textbox", name=re.compile(r"^Nome")).fill(first_name)
        page.get_by_label("Cognome").fill(last_name)
        page.get_by_label("Data di nascita").fill("1988-05-17")
        page.get_by_label("Sesso").select_option("F")
        page.get_by_role("button", name="Registra nucleo").click()

    # Typing alone asks nothing of the network.
    page.get_by_role("textbox", name=re.compile(r"^Nome")).fill("Fatima")
    page.get_by_label("Cognome").fill("El Amrani")
    page.get_by_label("Data di nascita").fill("1988-05-17")
    page.wait_for_timeout(800)
    expect(page.get_by_test_id("duplicates")).to_have_count(0)

    register("Fatima", "El Amrani")
    warning = page.get_by_test_id("duplicates")
    expect(warning).to_contain_text("potrebbe essere già registrata")
    page.screenshot(path="/tmp/household-duplicates.png", full_page=True)  # noqa: S108

    # Someone of another organisation: only that they exist, nothing of the record.
    register("Giulia", "Ferri")
    expect(page.get_by_test_id("hidden-duplicates")).to_be_visible()
    expect(page.get_by_role("link", name="Apri la scheda esistente")).to_have_count(0)

    register("Fatima", "El Amrani")
    page.get_by_role("link", name="Apri la scheda esistente").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nucleo Fatima El Amrani")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_caseload_search_stays_out_of_the_address_bar(
    page, live_server, login_as, alice, household_alfa
):
    page.set_viewport_size(TABLET)
    login_as("alice")
    page.goto(f"{live_server.url}/casi/")
    page.get_by_label("Cerca").fill("El Amrani")
    page.get_by_role("button", name="Filtra").click()
    expect(page.get_by_test_id("caseload")).to_contain_text("Fatima El Amrani")
    assert "Amrani" not in page.url
    assert page.url == f"{live_server.url}/casi/"
    page.screenshot(path="/tmp/household-caseload.png", full_page=True)  # noqa: S108

    page.get_by_role("button", name="Azzera filtri").click()
    expect(page.get_by_label("Cerca")).to_have_value("")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_withdrawing_a_consent_raises_the_alert_on_the_household_file(
    page, live_server, login_as, alice, household_alfa
):
    consent = Consent.objects.create(
        household=household_alfa,
        purpose=Consent.Purpose.NETWORK_SHARING,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_by=household_alfa.members.get(),
        given_on=timezone.localdate() - datetime.timedelta(days=60),
        recorded_by=UserFactory(),
    )
    consent.organisations.set([household_alfa.registered_by])
    page.set_viewport_size(TABLET)
    login_as("alice")
    page.goto(f"{live_server.url}{household_alfa.get_absolute_url()}")
    expect(page.get_by_test_id("consent-alert")).to_have_count(0)
    # The household also has its case-management consent (the consent gate): withdraw
    # the network-sharing one.
    page.get_by_role("row", name=re.compile("Condivisione con gli enti")).get_by_role(
        "button", name="Registra revoca"
    ).click()
    alert = page.get_by_test_id("consent-alert")
    expect(alert).to_contain_text("Condivisione con gli enti della rete")
    expect(alert).to_contain_text("revocato il")
    page.screenshot(path="/tmp/household-file.png", full_page=True)  # noqa: S108


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_is_added_from_the_household_file_without_leaving_it(
    page, live_server, login_as, alice, household_alfa
):
    page.set_viewport_size(TABLET)
    login_as("alice")
    address = f"{live_server.url}{household_alfa.get_absolute_url()}"
    page.goto(address)
    page.get_by_role("link", name="Aggiungi componente").click()
    form = page.get_by_test_id("new-member-form")
    expect(form).to_be_visible()
    assert page.url == address, "the form opened in place"
    form.get_by_label("Relazione con la persona di riferimento").select_option("child")
    form.get_by_role("textbox", name=re.compile(r"^Nome")).fill("Samir")
    form.get_by_label("Cognome").fill("El Amrani")
    form.get_by_label("Data di nascita").fill("2031-01-01")
    form.get_by_label("Sesso").select_option("M")
    form.get_by_role("button", name="Aggiungi al nucleo").click()
    expect(form).to_contain_text("La data di nascita non può essere nel futuro.")
    form.get_by_label("Data di nascita").fill("2019-03-02")
    form.get_by_role("button", name="Aggiungi al nucleo").click()
    expect(page.get_by_test_id("members")).to_contain_text("Samir El Amrani")
    expect(page.get_by_text("Componente aggiunto al nucleo.")).to_be_visible()
