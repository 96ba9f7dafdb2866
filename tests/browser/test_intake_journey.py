"""The intake through the browser: a municipal referrer registers a household and sends it
to a project, the project's coordinator accepts it, finds it on the waiting list and
opens the case assigning a social worker, and the social worker finds the household on
their caseload and opens the case."""

import re

import pytest
from playwright.sync_api import expect

from beneficiaries.models import Case, Referral
from partners.models import StaffMembership
from tests.browser.conftest import log_out, open_navigation
from tests.factories import (
    OrganisationFactory,
    ParticipationFactory,
    StaffMembershipFactory,
    UserFactory,
)

TABLET = {"width": 1024, "height": 768}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_referrer_sends_coordinator_accepts_and_opens_worker_sees_the_case(
    page, live_server, login_as, marco, carla, alice, project_alfa
):
    # A partner cooperative works in the project too, so the coordinator has to choose
    # the holding organisation and its workers come and go with the choice.
    gamma = OrganisationFactory(name="Cooperativa Gamma")
    ParticipationFactory(project=project_alfa, organisation=gamma)
    gino = UserFactory(username="gino", first_name="Gino", last_name="Galli")
    StaffMembershipFactory(user=gino, organisation=gamma, role=StaffMembership.Role.SOCIAL_WORKER)
    page.set_viewport_size(TABLET)

    # 1. The municipal referrer registers the household...
    login_as("marco")
    open_navigation(page).get_by_role("link", name="Nuovo nucleo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuovo nucleo familiare")
    page.get_by_label("Situazione abitativa prima dell'ingresso").select_option("eviction")
    page.get_by_role("textbox", name=re.compile(r"^Nome")).fill("Amina")
    page.get_by_label("Cognome").fill("Diallo")
    page.get_by_label("Data di nascita").fill("1990-04-12")
    page.get_by_label("Sesso").select_option("F")
    page.get_by_role("button", name="Registra nucleo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nucleo Amina Diallo")

    # ...and sends it to the project.
    page.get_by_role("link", name="Segnala a un progetto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova segnalazione")
    page.get_by_label("Progetto").select_option(label="Casa Alfa")
    page.get_by_label("Motivo dell'invio").fill("Sfratto esecutivo a fine mese, nessuna rete.")
    page.get_by_label("Urgenza").select_option("high")
    page.get_by_role("button", name="Invia", exact=True).click()
    # Without the household's consent the referral does not go: the page says what is
    # missing and leads to the consent form (issue 12).
    expect(page.get_by_test_id("consent-missing-gate")).to_contain_text("Cooperativa Alfa")
    assert not Referral.objects.exists()
    page.get_by_test_id("consent-form-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consenso o base giuridica del trattamento"
    )
    page.get_by_label("Finalità").select_option("case_management")
    page.get_by_label("Base giuridica").select_option("consent")
    page.get_by_label("Espresso da").select_option(label="Amina Diallo")
    page.get_by_label("Cooperativa Alfa").check()
    page.get_by_role("button", name="Registra", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nucleo Amina Diallo")
    page.get_by_role("link", name="Segnala a un progetto").click()
    page.get_by_label("Progetto").select_option(label="Casa Alfa")
    page.get_by_label("Motivo dell'invio").fill("Sfratto esecutivo a fine mese, nessuna rete.")
    page.get_by_label("Urgenza").select_option("high")
    page.get_by_role("button", name="Invia", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Segnalazione a Casa Alfa")
    expect(page.get_by_test_id("referral-status")).to_have_text("Inviata")
    log_out(page)

    # 2. The coordinator finds it among the incoming referrals and accepts it.
    login_as("carla")
    open_navigation(page).get_by_role("link", name="Segnalazioni").click()
    expect(page.get_by_test_id("count-sent")).to_have_text("1")
    page.get_by_role("link", name="Nucleo Amina Diallo").click()
    expect(page.get_by_test_id("reason")).to_contain_text("Sfratto esecutivo")
    page.get_by_role("button", name="Avvia la valutazione").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("In valutazione")
    page.get_by_label("Note (facoltative)").fill("Colloquio svolto, requisiti presenti.")
    page.get_by_role("button", name="Accogli", exact=True).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Accolta")
    history = page.get_by_test_id("history")
    expect(history.get_by_role("row")).to_have_count(5)  # header + 4 changes
    expect(history).to_contain_text("Marco Verdi")
    expect(history).to_contain_text("Carla Bianchi")
    page.screenshot(path="/tmp/intake-referral.png", full_page=True)  # noqa: S108

    # The household is on the waiting list, with the reasons of its place.
    page.get_by_role("link", name="Abitare").click()
    page.get_by_role("region", name="Progetti che coordini").get_by_role(
        "link", name="Lista d'attesa"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lista d'attesa di Casa Alfa")
    row = page.get_by_test_id("waiting-row").filter(has_text="Amina Diallo")
    expect(row.get_by_test_id("position")).to_have_text("1")
    expect(row.get_by_test_id("why")).to_contain_text("Urgenza: Alta: +25")
    page.screenshot(path="/tmp/intake-waiting-list.png", full_page=True)  # noqa: S108
    row.get_by_role("link", name="Apri la presa in carico").click()

    # 3. The coordinator opens the case: choosing the organisation brings its workers.
    expect(page.get_by_role("heading", level=1)).to_have_text("Apri la presa in carico")
    page.get_by_label("Ente titolare").select_option(label="Cooperativa Gamma")
    expect(page.get_by_label("Gino Galli")).to_be_visible()
    expect(page.get_by_label("Alice Rossi")).to_have_count(0)
    # While the workers reload their checkboxes are disabled: a tick given then would be
    # wiped out by the answer. The test holds the answer back to see it.
    held = []
    page.route("**/presa-in-carico/?holding_organisation=*", lambda route: held.append(route))
    page.get_by_label("Gino Galli").check()
    page.get_by_label("Ente titolare").select_option(label="Cooperativa Alfa")
    expect(page.get_by_label("Gino Galli")).to_be_disabled()
    for _ in range(100):  # the held request reaches the handler within a few ticks
        if held:
            break
        page.wait_for_timeout(50)
    assert "workers=" in held[0].request.url, "the ticks go with the request"
    held[0].continue_()
    page.unroute("**/presa-in-carico/?holding_organisation=*")
    expect(page.get_by_label("Alice Rossi")).to_be_enabled()
    expect(page.get_by_label("Gino Galli")).to_have_count(0)
    page.get_by_label("Alice Rossi").check()
    page.get_by_role("button", name="Apri la presa in carico").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Presa in carico di Nucleo Amina Diallo"
    )
    expect(page.get_by_test_id("workers")).to_have_text("Alice Rossi")
    log_out(page)

    # 4. The social worker finds the household on her caseload and opens the case.
    login_as("alice")
    open_navigation(page).get_by_role("link", name="Prese in carico").click()
    page.get_by_role("link", name="Amina Diallo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nucleo Amina Diallo")
    page.get_by_test_id("cases").get_by_role("link", name="Casa Alfa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Presa in carico di Nucleo Amina Diallo"
    )
    expect(page.get_by_text("Cooperativa Alfa")).to_be_visible()
    page.screenshot(path="/tmp/intake-case.png", full_page=True)  # noqa: S108

    # What the pages did is what the database holds.
    referral = Referral.objects.get(household__members__last_name="Diallo")
    assert referral.status == Referral.Status.ACCEPTED
    case = Case.objects.get(household=referral.household)
    assert list(case.workers.all()) == [alice]
    assert case.holding_organisation.name == "Cooperativa Alfa"
