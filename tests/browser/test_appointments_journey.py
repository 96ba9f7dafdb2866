"""A social worker's appointments in the browser (issue 18 A): she schedules an interview
with an Arabic interpreter, is warned when she schedules a second one at the same time,
sees both in her week marked as overlapping, records the first as held with the
interpreter, and finds the diary entry it became."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import Appointment, CaseNote

TABLET = {"width": 1024, "height": 768}


def _fill_appointment(page, day, time):
    page.get_by_label("Tipo").select_option(label="Colloquio")
    page.locator("#id_day").fill(day)
    page.get_by_label("Ora di inizio").fill(time)
    page.get_by_label("Durata (minuti)").fill("60")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_worker_schedules_sees_the_week_and_records_the_outcome(
    page, live_server, login_as, alice, case_alfa
):
    # Yesterday, so that the outcome can be recorded at once.
    day = timezone.localdate() - datetime.timedelta(days=1)
    page.set_viewport_size(TABLET)
    login_as("alice")

    page.goto(live_server.url + case_alfa.get_absolute_url())
    expect(page.get_by_test_id("case-missed-count")).to_have_text("0 mancati")
    page.get_by_test_id("case-appointments-link").click()
    page.get_by_role("link", name="Nuovo appuntamento").click()

    # The first, with an interpreter needed and booked.
    _fill_appointment(page, day.isoformat(), "10:00")
    page.get_by_label("Serve un interprete o un mediatore culturale").check()
    page.get_by_label("Lingua dell'interprete").fill("arabo")
    page.get_by_label("Interprete o mediatore prenotato").check()
    page.get_by_label("Interprete o mediatore (nome o ente)").fill("Mediatrice Amina")
    page.get_by_role("button", name="Salva l'appuntamento").click()
    expect(page.get_by_text("Appuntamento fissato.")).to_be_visible()
    expect(page.get_by_test_id("interpreter")).to_contain_text("prenotato: Mediatrice Amina")

    # A second at the same time: a warning, saved only once confirmed.
    page.goto(live_server.url + f"/prese-in-carico/{case_alfa.public_id}/appuntamenti/nuovo/")
    _fill_appointment(page, day.isoformat(), "10:30")
    page.get_by_role("button", name="Salva l'appuntamento").click()
    warning = page.get_by_test_id("conflict-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Alice Rossi ha già un appuntamento")
    assert Appointment.objects.count() == 1
    page.get_by_label("Salva comunque").check()
    page.get_by_role("button", name="Salva l'appuntamento").click()
    expect(page.get_by_text("un operatore ha un altro impegno")).to_be_visible()
    assert Appointment.objects.count() == 2

    # The week: both there, marked as overlapping.
    page.goto(live_server.url + f"/prese-in-carico/{case_alfa.public_id}/appuntamenti/")
    page.get_by_role("link", name="La mia settimana").click()
    if day.isocalendar()[:2] != timezone.localdate().isocalendar()[:2]:
        page.get_by_test_id("previous-week").click()
    expect(page.get_by_test_id("week-appointment")).to_have_count(2)
    expect(page.get_by_test_id("worker-clash")).to_have_count(2)
    expect(page.get_by_test_id("week-conflicts")).to_be_visible()

    # The outcome of the first: held, with the interpreter.
    page.get_by_test_id("week-appointment").first.get_by_role("link").click()
    page.get_by_label("Sì, si è svolto").check()
    page.get_by_label("Sì", exact=True).check()
    page.get_by_label("Resoconto per il diario").fill("Colloquio sulla ricerca di lavoro.")
    page.get_by_role("button", name="Registra l'esito").click()
    expect(page.get_by_text("Esito registrato: la nota è nel diario.")).to_be_visible()
    entry = page.get_by_test_id("diary-entry").first
    expect(entry).to_contain_text("Colloquio sulla ricerca di lavoro.")
    expect(entry).to_contain_text("Interprete o mediatore (arabo): presente.")
    note = CaseNote.objects.get()
    assert note.appointment.status == Appointment.Status.HELD
    assert note.appointment.interpreter_used is True
