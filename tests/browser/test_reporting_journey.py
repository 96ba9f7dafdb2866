"""The reporting journey (issue 19): the coordinator records the household's ETHOS Light
category when opening its case and again at its exit, sees the movement on the project's
dashboard, and the municipality that referred the household downloads the export for
its Ambito's information system (SIUSS), which holds the household's people."""

import csv
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import Case, CaseExit
from tests.browser.conftest import log_out, open_navigation
from tests.factories import PersonFactory, ReferralFactory, give_consent


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ethos_at_entry_and_exit_then_the_ambitos_export(
    page,
    live_server,
    login_as,
    carla,
    marco,
    alice,
    project_alfa,
    coop_alfa,
    comune_uno,
    tmp_path,
    siuss_codes,
):
    person = PersonFactory(
        household__registered_by=comune_uno,
        first_name="Amina",
        last_name="Diallo",
        codice_fiscale="",
    )
    household = person.household
    referral = ReferralFactory(
        household=household,
        project=project_alfa,
        referring_organisation=comune_uno,
        status="accepted",
        sent_at=timezone.now(),
        ethos_light="1",
    )
    give_consent(household, project_alfa, coop_alfa, comune_uno)

    # 1. The coordinator opens the case: the referral's category is offered, with its
    #    definition beside it; she keeps it.
    login_as("carla")
    page.goto(f"{live_server.url}/segnalazioni/{referral.public_id}/presa-in-carico/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apri la presa in carico")
    street = page.get_by_label("1. Persone che vivono in strada")
    expect(street).to_be_checked()
    expect(page.get_by_text("senza un riparo che si possa definire alloggio")).to_be_visible()
    page.get_by_label("Ente titolare").select_option(label="Cooperativa Alfa")
    # Choosing the organisation reloads its workers; their checkboxes are disabled
    # until the answer is in, so the tick waits for it instead of being wiped out.
    page.get_by_label("Alice Rossi").check()
    expect(page.get_by_label("Alice Rossi")).to_be_checked()
    page.get_by_role("button", name="Apri la presa in carico").click()
    # Opening a case writes the consent check, the audit and the notifications: on a
    # loaded machine it takes longer than the default five seconds.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Presa in carico di Nucleo Amina Diallo", timeout=20000
    )
    case = Case.objects.get(household=household)
    assert case.ethos_light == "1"

    # 2. At the exit she records where the household is now: a home of its own.
    page.goto(f"{live_server.url}/alloggi/prese-in-carico/{case.public_id}/chiusura/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chiusura")
    page.get_by_label("Data di uscita").fill(timezone.localdate().isoformat())
    page.get_by_label("Motivo dell'uscita").select_option(label="Obiettivi del progetto raggiunti")
    page.get_by_label("Dove va a vivere il nucleo").select_option(
        label="Casa in affitto a proprio nome"
    )
    page.get_by_label("Sì", exact=True).check()
    page.get_by_label("Non in condizione di grave esclusione abitativa").check()
    page.get_by_label("Programma i follow-up a 3, 6 e 12 mesi").uncheck()
    page.get_by_role("button", name="Chiudi la presa in carico").click()
    expect(page.get_by_text("Presa in carico chiusa.")).to_be_visible(timeout=20000)
    assert CaseExit.objects.get(case=case).ethos_light == "0"

    # 3. The project's dashboard shows the household moving from the street to a home.
    open_navigation(page).get_by_role("link", name="Cruscotto").click()
    page.get_by_test_id("project-links").get_by_role("link", name="Casa Alfa").click()
    movement = page.get_by_test_id("ethos-exit")
    expect(movement).to_be_visible()
    street_row = movement.locator("tbody tr").filter(has_text="1. Persone che vivono in strada")
    cells = street_row.get_by_test_id("ethos-cell")
    # The seventh column is "not homeless"; the row's total is 1.
    expect(cells.nth(6)).to_have_text("1")
    expect(movement).to_contain_text("1 nucleo")

    # The reporting page and the funder's report carry the same movement (axe checks
    # both pages as they load).
    open_navigation(page).get_by_role("link", name="Cruscotto").click()
    page.get_by_test_id("reporting-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rendicontazione: Housing First ed ETHOS Light"
    )
    improved = page.locator('tr[data-indicator="ethos_improved"]')
    expect(improved.get_by_test_id("figure")).to_have_text("100,0 %")
    page.get_by_test_id("reporting-links").get_by_role("link", name="Casa Alfa").click()
    expect(page.get_by_test_id("funder-report")).to_contain_text("Nucleo Amina Diallo")
    log_out(page)

    # 4. The municipality's referrer downloads the Ambito's export of what it sent.
    login_as("marco")
    page.get_by_test_id("siuss-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SIUSS")
    with page.expect_download() as download_info:
        page.get_by_test_id("siuss-csv").click()
    download = download_info.value
    assert download.suggested_filename.startswith("siuss-comune-uno")
    path = tmp_path / "siuss.csv"
    download.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    assert {row["cognome"] for row in rows} == {"Diallo"}
    assert {row["codice_condizione_abitativa"] for row in rows} == {"ABI-ETHOS-0"}
    assert rows[0]["ente_inviante"] == "Comune Uno"
    # Back to the home page: the pages checked last are not left mid-click.
    page.get_by_role("link", name="Abitare", exact=True).click()
    expect(page.get_by_test_id("siuss-link")).to_be_visible()
