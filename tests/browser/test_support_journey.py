"""A social worker's support journey in the browser: she writes the individual plan
with two goals, records two autonomy assessments and sees the chart change, writes a
diary entry, uploads a document, finds what is due in "La mia giornata", and closes the
case with follow-ups scheduled."""

import datetime
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import Consent, Document, FollowUp
from tests.beneficiaries.pathway_helpers import PDF_BYTES

TABLET = {"width": 1024, "height": 768}
SCREENSHOTS = os.environ.get("SUPPORT_JOURNEY_SCREENSHOTS")  # a folder, to look at the pages


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def _assess(page, level_of, moment, taken_on):
    """Fill the assessment form: level_of(domain) gives the level of each domain."""
    from beneficiaries import autonomy

    page.get_by_role("link", name="Nuova valutazione").click()
    _shot(page, "assessment-form")
    page.locator(f"input[name=moment][value={moment}]").check()
    page.get_by_label("Data della valutazione").fill(taken_on)
    for domain in autonomy.DOMAINS:
        page.locator(f"input[name=level_{domain.value}][value='{level_of(domain.value)}']").check()
    page.get_by_role("button", name="Salva la valutazione").click()
    expect(page.get_by_text("Valutazione dell'autonomia registrata.")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_follows_a_household_from_plan_to_exit(
    page, live_server, login_as, alice, case_alfa, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    Consent.objects.create(
        household=case_alfa.household,
        purpose=Consent.Purpose.FOLLOW_UP,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_on=datetime.date(2026, 1, 15),
    )
    today = timezone.localdate()
    page.set_viewport_size(TABLET)
    login_as("alice")

    # The plan, agreed with the household, with two goals.
    page.goto(live_server.url + case_alfa.household.get_absolute_url())
    page.get_by_role("link", name="Progetto individualizzato").click()
    expect(
        page.get_by_role("heading", name="Il progetto non è ancora stato scritto")
    ).to_be_visible()
    page.get_by_label("Concordato con il nucleo il").fill("2026-02-01")
    page.get_by_label("Frequenza delle verifiche").select_option(label="Ogni tre mesi")
    page.get_by_label("Obiettivo generale").fill("Una casa propria entro un anno.")
    page.get_by_role("button", name="Salva il progetto").click()
    expect(page.get_by_text("Progetto individualizzato salvato.")).to_be_visible()

    page.get_by_role("link", name="Aggiungi un obiettivo").click()
    page.get_by_label("Ambito").select_option(label="Lavoro")
    page.get_by_role("textbox", name=re.compile(r"^Obiettivo")).fill("Trovare un lavoro stabile")
    page.get_by_role("button", name="Salva e aggiungi un altro").click()
    page.get_by_label("Ambito").select_option(label="Casa")
    page.get_by_role("textbox", name=re.compile(r"^Obiettivo")).fill("Trovare una casa in affitto")
    page.get_by_role("button", name="Salva l'obiettivo").click()
    expect(page.get_by_test_id("goal")).to_have_count(2)

    # An action of the first goal, already late.
    page.get_by_test_id("goal").first.get_by_role("link", name="Aggiungi un'azione").click()
    page.get_by_role("textbox", name="Azione*").fill("Iscrizione al centro per l'impiego")
    # Wrong twice (a date before the plan, nobody responsible): both errors at once.
    page.get_by_label("Entro il").fill("2026-01-20")
    owner = page.get_by_role("combobox", name=re.compile(r"^Chi è responsabile"))
    owner.select_option("")
    page.get_by_role("button", name="Salva l'azione").click()
    # On the form (the error summary at the top repeats them as links to the fields).
    form = page.locator("main form")
    expect(
        form.get_by_text("La scadenza non può precedere l'inizio del progetto (01/02/2026).")
    ).to_be_visible()
    expect(form.get_by_text("Scegli chi è responsabile dell'azione.")).to_be_visible()
    expect(page.get_by_test_id("error-summary").get_by_role("link")).to_have_count(2)
    page.get_by_label("Entro il").fill("2026-03-01")
    owner.select_option(label="Alice Rossi")
    page.get_by_role("button", name="Salva l'azione").click()
    expect(page.get_by_test_id("action")).to_contain_text("in ritardo")
    _shot(page, "1-plan")

    # Two assessments: the chart changes from one series to two.
    page.get_by_role("link", name="Valutazioni").click()
    expect(page.get_by_test_id("no-assessments")).to_be_visible()
    _assess(page, lambda domain: 1, "entry", "2026-02-01")
    chart = page.get_by_test_id("autonomy-chart")
    expect(chart.locator("rect.bar")).to_have_count(10)
    expect(chart.get_by_test_id("chart-legend")).to_have_count(1)
    _assess(page, lambda domain: 4 if domain == "work" else 3, "review", "2026-05-02")
    expect(chart.locator("rect.bar")).to_have_count(20)
    expect(chart.get_by_test_id("chart-legend")).to_have_count(2)
    expect(chart.locator("svg[role=img] > title")).to_contain_text("2 valutazioni")
    expect(page.get_by_test_id("assessment-table")).to_contain_text("3,1")
    _shot(page, "2-assessments")

    # A diary entry.
    page.get_by_role("link", name="Diario").click()
    page.get_by_role("link", name="Nuova nota").click()
    page.get_by_label("Data").fill((today - datetime.timedelta(days=2)).isoformat())
    page.get_by_label("Tipo").select_option(label="Visita domiciliare")
    page.get_by_label("Durata (minuti)").fill("45")
    page.get_by_label("Resoconto").fill("Visita a casa: tutto in ordine, i bambini studiano.")
    page.get_by_role("button", name="Salva la nota").click()
    expect(page.get_by_test_id("diary-entry")).to_contain_text("Visita a casa: tutto in ordine")
    _shot(page, "diary")

    # A document, expiring soon; it downloads through the checked view.
    page.get_by_role("link", name="Documenti").click()
    page.get_by_role("link", name="Carica un documento").click()
    page.get_by_label("Tipo di documento").select_option(label="Documento d'identità")
    page.get_by_label("Scade il").fill((today + datetime.timedelta(days=12)).isoformat())
    page.get_by_label("File").set_input_files(
        files=[{"name": "carta-identita.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Carica").click()
    expect(page.get_by_text("Documento caricato.")).to_be_visible()
    expect(page.get_by_test_id("document")).to_contain_text("in scadenza")
    _shot(page, "documents")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Scarica carta-identita.pdf").click()
    assert download_info.value.suggested_filename == "carta-identita.pdf"
    assert Document.objects.get().case == case_alfa

    # La mia giornata lists what is due, each with a link to where it is handled.
    page.get_by_role("link", name="Abitare", exact=True).click()
    my_day = page.get_by_test_id("my-day")
    expect(my_day.get_by_test_id("my-day-overdue-actions")).to_contain_text(
        "Iscrizione al centro per l'impiego"
    )
    expect(my_day.get_by_test_id("my-day-reviews")).to_contain_text("Fatima El Amrani")
    expect(my_day.get_by_test_id("my-day-documents")).to_contain_text("Documento d'identità")
    _shot(page, "3-my-day")
    my_day.get_by_test_id("my-day-overdue-actions").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progetto individualizzato")

    # Closing the case: without an outcome nothing happens; then with follow-ups.
    page.get_by_role("link", name="Chiusura").click()
    page.get_by_role("button", name="Chiudi la presa in carico").click()
    expect(page.locator("main form").get_by_text("Indica il motivo dell'uscita.")).to_be_visible()
    _shot(page, "close-errors")
    page.get_by_label("Data di uscita").fill(today.isoformat())
    page.get_by_label("Motivo dell'uscita").select_option(label="Obiettivi del progetto raggiunti")
    page.get_by_label("Dove va a vivere il nucleo").select_option(
        label="Casa in affitto a proprio nome"
    )
    page.get_by_label("In parte").check()
    expect(page.get_by_label("Programma i follow-up a 3, 6 e 12 mesi")).to_be_checked()
    page.get_by_role("button", name="Chiudi la presa in carico").click()
    expect(page.get_by_text("Presa in carico chiusa.")).to_be_visible()
    expect(page.get_by_test_id("follow-up")).to_have_count(3)
    expect(page.get_by_test_id("exit")).to_contain_text("In parte")
    _shot(page, "4-exit")
    assert sorted(FollowUp.objects.values_list("months_after_exit", flat=True)) == [3, 6, 12]
