"""The pathway as one story (issue 12, "Done when"), in the browser: the municipal
referrer sends a household that the network already followed once; the consent gate
refuses until the household's consent is recorded; the coordinator sees the return at
evaluation, accepts, and places the household out of the waiting list's order with a
reason, prints the plan (goals, no diary), closes the case and its placement in one
step and sees the place free the next day; three months later the social worker
records the follow-up; the referrer's timeline shows each step and none of the
confidential content."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import (
    Action,
    Case,
    CaseAssignment,
    CaseExit,
    CaseNote,
    Consent,
    FollowUp,
    Goal,
    Person,
    Referral,
    ReferralEvent,
    SupportPlan,
    Vulnerability,
    WaitingListEntry,
)
from housing.models import ContributionCharge, Placement, PlaceOccupancy
from tests.browser.conftest import log_out, open_navigation
from tests.factories import (
    ActionFactory,
    CaseFactory,
    CaseNoteFactory,
    GoalFactory,
    HousingUnitFactory,
    PersonFactory,
    ReferralFactory,
    SupportPlanFactory,
    WaitingListEntryFactory,
)

TABLET = {"width": 1024, "height": 768}

# What the referrer must never read, planted where each kind of confidential content
# lives: a confidential diary note, a special-category fact (health, GDPR art. 9), a
# health goal of the plan, the plan's general objective, the unit's street address and
# the reason given to place the household before another one.
DIARY = "Nota riservata MARCATORE-DIARIO"
SPECIAL = "MARCATORE-SALUTE terapia in corso"
HEALTH_GOAL = "Seguire la terapia MARCATORE-OBIETTIVO-SALUTE"
PLAN_SUMMARY = "MARCATORE-PROGETTO Una casa propria entro un anno"
ADDRESS = "Via dei Segreti 7"
OUT_OF_ORDER = "MARCATORE-FUORI-ORDINE la bambina ha la scuola vicino all'alloggio"
SECRETS = (DIARY, SPECIAL, HEALTH_GOAL, PLAN_SUMMARY, ADDRESS, OUT_OF_ORDER, "Esposito")

# How far the story is moved back before the follow-up (see _three_months_pass).
SHIFT = datetime.timedelta(days=92)


def _household_with_an_earlier_case(comune_uno, coop_alfa, project_alfa):
    """Samira Benali and her daughter, followed by Casa Alfa in 2023–2024 (a return when
    referred again). The consent she gave then has expired; the one to be contacted
    after an exit is still in force."""
    samira = PersonFactory(
        household__registered_by=comune_uno,
        first_name="Samira",
        last_name="Benali",
        birth_date=datetime.date(1987, 9, 3),
    )
    household = samira.household
    PersonFactory(
        household=household,
        relationship=Person.Relationship.CHILD,
        first_name="Lina",
        last_name="Benali",
        birth_date=datetime.date(2016, 4, 20),
    )
    earlier = CaseFactory(
        household=household,
        project=project_alfa,
        holding_organisation=coop_alfa,
        opened_on=datetime.date(2023, 3, 1),
        closed_on=datetime.date(2024, 2, 15),
        consent=False,
    )
    CaseExit.objects.create(
        case=earlier,
        closed_on=datetime.date(2024, 2, 15),
        reason=CaseExit.Reason.VOLUNTARY,
        destination="family_or_friends",
        autonomy_reached="no",
    )
    expired = Consent.objects.create(
        household=household,
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_by=samira,
        given_on=datetime.date(2023, 2, 20),
        expires_on=datetime.date(2024, 2, 15),
    )
    expired.organisations.set([coop_alfa])
    Consent.objects.create(
        household=household,
        purpose=Consent.Purpose.FOLLOW_UP,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_by=samira,
        given_on=datetime.date(2023, 2, 20),
    )
    return household


def _first_in_line(comune_uno, project_alfa):
    """A household accepted earlier, more urgent, that fits the unit: the first
    compatible one of the waiting list."""
    reference = PersonFactory(
        household__registered_by=comune_uno, first_name="Anna", last_name="Esposito"
    )
    referral = ReferralFactory(
        household=reference.household,
        project=project_alfa,
        status=Referral.Status.ACCEPTED,
        urgency=Referral.Urgency.EMERGENCY,
    )
    WaitingListEntryFactory(referral=referral, added_on=datetime.date(2026, 6, 1))
    return reference.household


def _plant_the_casework(case):
    """What the team writes while it follows the household (not the subject of this
    journey, so written directly): a plan with a goal and an action, a health goal, a
    confidential diary note and a special-category fact."""
    today = timezone.localdate()
    plan = SupportPlanFactory(case=case, agreed_on=today, summary=PLAN_SUMMARY)
    ActionFactory(
        goal=GoalFactory(plan=plan, domain="work", description="Trovare un lavoro stabile"),
        description="Iscrizione al centro per l'impiego",
        due_on=today + datetime.timedelta(days=10),
    )
    GoalFactory(plan=plan, domain="health", description=HEALTH_GOAL)
    CaseNoteFactory(case=case, happened_on=today, text=DIARY, is_confidential=True)
    Vulnerability.objects.create(household=case.household, kind="health", notes=SPECIAL)


def _shifted(model, queryset, *fields, delta=SHIFT):
    for row in queryset:
        values = {f: getattr(row, f) - delta for f in fields if getattr(row, f) is not None}
        if values:
            model.objects.filter(pk=row.pk).update(**values)


def _three_months_pass(referral, case):
    """A follow-up can be recorded from two weeks before it falls due, three months after
    the exit (issue 12, item 8), and a browser journey cannot wait three months; the
    exit form refuses an exit before the placement began, and backdating the placement
    would place the household before it was referred. So the story, once played through
    today, is moved as a whole three months back: every date of this referral, its case,
    plan, diary, placement and occupancy and the consent given today, by the same
    amount, as if it had all happened then. Nothing else is touched."""
    assert not ContributionCharge.objects.filter(placement__case=case).exists()
    _shifted(Referral, Referral.objects.filter(pk=referral.pk), "sent_at", "decided_at")
    _shifted(ReferralEvent, referral.events.all(), "at")
    _shifted(
        WaitingListEntry,
        WaitingListEntry.objects.filter(referral=referral),
        "added_on",
        "removed_on",
    )
    _shifted(Case, Case.objects.filter(pk=case.pk), "opened_on", "closed_on")
    _shifted(CaseAssignment, CaseAssignment.objects.filter(case=case), "assigned_on")
    _shifted(CaseExit, CaseExit.objects.filter(case=case), "closed_on")
    _shifted(FollowUp, FollowUp.objects.filter(case=case), "due_on")
    _shifted(SupportPlan, SupportPlan.objects.filter(case=case), "agreed_on")
    _shifted(Goal, Goal.objects.filter(plan__case=case), "closed_on")
    _shifted(Action, Action.objects.filter(goal__plan__case=case), "due_on", "done_on")
    _shifted(CaseNote, CaseNote.objects.filter(case=case), "happened_on")
    placements = Placement.objects.filter(case=case)
    _shifted(
        Placement,
        placements,
        "start_date",
        "end_date",
        "planned_end_date",
        "agreement_signed_on",
    )
    _shifted(
        PlaceOccupancy,
        PlaceOccupancy.objects.filter(placement__in=placements),
        "start_date",
        "end_date",
    )
    _shifted(
        Consent,
        Consent.objects.filter(household=case.household, given_on=timezone.localdate()),
        "given_on",
    )


def _send_referral(page):
    page.get_by_role("link", name="Segnala a un progetto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuova segnalazione")
    page.get_by_label("Progetto").select_option(label="Casa Alfa")
    page.get_by_label("Motivo dell'invio").fill("Di nuovo senza casa: il contratto è scaduto.")
    page.get_by_label("Urgenza").select_option("high")
    page.get_by_role("button", name="Invia", exact=True).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pathway_is_one_story_from_referral_to_follow_up(
    page, live_server, login_as, marco, carla, alice, coop_alfa, comune_uno, project_alfa
):
    today = timezone.localdate()
    household = _household_with_an_earlier_case(comune_uno, coop_alfa, project_alfa)
    _first_in_line(comune_uno, project_alfa)
    unit = HousingUnitFactory(
        project=project_alfa,
        property__name="Casa Aurora",
        property__address=ADDRESS,
        property__town="Pozzuolo Martesana",
        property__managing_organisation=coop_alfa,
        name="Appartamento 1",
        capacity=2,
    )
    page.set_viewport_size(TABLET)

    # 1. The referrer sends the household again. The consent it gave last time has
    # expired: the gate refuses and leads to the consent form; with the consent
    # recorded the referral goes.
    login_as("marco")
    page.goto(live_server.url + household.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Nucleo Samira Benali")
    _send_referral(page)
    expect(page.get_by_test_id("consent-missing-gate")).to_contain_text("Cooperativa Alfa")
    assert not Referral.objects.filter(household=household).exists()
    page.get_by_test_id("consent-form-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consenso o base giuridica del trattamento"
    )
    page.get_by_label("Finalità").select_option("case_management")
    page.get_by_label("Base giuridica").select_option("consent")
    page.get_by_label("Espresso da").select_option(label="Samira Benali")
    page.get_by_label("Cooperativa Alfa").check()
    page.get_by_role("button", name="Registra", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nucleo Samira Benali")
    _send_referral(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Segnalazione a Casa Alfa")
    expect(page.get_by_test_id("referral-status")).to_have_text("Inviata")
    referral = Referral.objects.get(household=household)
    log_out(page)

    # 2. The coordinator evaluates it and sees the return: the earlier case, its dates,
    # why it ended and where the household went.
    login_as("carla")
    open_navigation(page).get_by_role("link", name="Segnalazioni").click()
    page.get_by_role("link", name="Nucleo Samira Benali").click()
    page.get_by_role("button", name="Avvia la valutazione").click()
    expect(page.get_by_test_id("referral-status")).to_have_text("In valutazione")
    earlier = page.get_by_test_id("earlier-cases")
    expect(earlier).to_contain_text("Un rientro: il nucleo è già stato seguito nella rete")
    expect(earlier.get_by_test_id("earlier-case")).to_have_count(1)
    expect(earlier).to_contain_text("dal 01/03/2023 al 15/02/2024")
    expect(earlier).to_contain_text("Uscita volontaria del nucleo")
    expect(earlier).to_contain_text("Presso familiari o amici")
    page.get_by_label("Note (facoltative)").fill("Colloquio svolto, requisiti presenti.")
    page.get_by_role("button", name="Accogli", exact=True).click()
    expect(page.get_by_test_id("referral-status")).to_have_text("Accolta")

    # 3. She places the household in the free unit, although another household comes
    # first on the list: without a reason the placement is refused, nothing saved.
    open_navigation(page).get_by_role("link", name="Alloggi").click()
    page.get_by_role("link", name="Casa Alfa").click()
    page.get_by_role("link", name="Trova un nucleo per i 2 posti liberi in Appartamento 1").click()
    fitting = page.get_by_test_id("match-fitting")
    expect(fitting).to_contain_text("Esposito")
    fitting.get_by_role("link", name="Inserisci Nucleo Samira Benali").click()
    expect(page.get_by_test_id("out-of-order")).to_contain_text("Nucleo Anna Esposito")
    page.get_by_label("Ente titolare della presa in carico").select_option(label="Cooperativa Alfa")
    page.get_by_label("Operatori assegnati").select_option(label="Alice Rossi · Cooperativa Alfa")
    page.get_by_role("button", name="Conferma l'inserimento").click()
    expect(
        page.locator("main form").get_by_text(
            re.compile(r"Il primo nucleo compatibile della lista d'attesa è .*scrivi il motivo")
        )
    ).to_be_visible()
    assert not Placement.objects.filter(household=household).exists()
    assert not Case.objects.filter(referral=referral).exists()
    page.get_by_label("Motivo dell'inserimento fuori ordine").fill(OUT_OF_ORDER)
    page.get_by_role("button", name="Conferma l'inserimento").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Nucleo Samira Benali è inserito in «Casa Aurora · Appartamento 1»"
    )
    placement = Placement.objects.get(household=household)
    assert placement.out_of_order and placement.out_of_order_reason == OUT_OF_ORDER
    case = Case.objects.get(referral=referral)
    assert case.opened_on == today and list(case.workers.all()) == [alice]
    _plant_the_casework(case)

    # Her "La mia giornata" sums the project: the plan's action falls due within 14
    # days, and the number leads to the project's own box, where the action is. The
    # sums are figures computed once (dashboard/figures.py): those of her first visit
    # today do not know the action yet, the box does; "Ricalcola ora" counts it.
    page.get_by_role("link", name="Abitare", exact=True).click()
    sums = page.get_by_test_id("my-day-project-casa-alfa")
    expect(sums.get_by_test_id("sum-actions")).to_contain_text("0 in scadenza")
    expect(page.get_by_test_id("my-day-actions-due")).to_contain_text(
        "Iscrizione al centro per l'impiego"
    )
    page.get_by_role("button", name="Ricalcola ora").click()
    expect(page.get_by_role("status")).to_contain_text("Cifre ricalcolate ora.")
    sums.get_by_test_id("sum-actions").get_by_role("link", name="1 in scadenza").click()
    expect(page).to_have_url(re.compile(r"\?progetto=casa-alfa#my-day-actions-due$"))
    expect(page.get_by_test_id("my-day-project")).to_contain_text("Solo il progetto Casa Alfa")
    expect(page.get_by_test_id("my-day-actions-due")).to_contain_text(
        "Iscrizione al centro per l'impiego"
    )

    # 4. She prints the plan for the household: the goals and actions, no diary, no
    # health goal, no special category.
    page.goto(live_server.url + reverse("beneficiaries:plan_detail", args=[case.public_id]))
    page.get_by_role("link", name="Stampa per il nucleo").click()
    expect(page).to_have_url(re.compile(r"/stampa/?$"))
    goals = page.get_by_test_id("goal")
    expect(goals).to_have_count(1)
    expect(goals).to_contain_text("Trovare un lavoro stabile")
    expect(goals).to_contain_text("Iscrizione al centro per l'impiego")
    expect(page.get_by_test_id("health-left-out")).to_be_visible()
    printed = page.content()
    for secret in (DIARY, SPECIAL, HEALTH_GOAL):
        assert secret not in printed, secret

    # 5. She closes the case (the exit from a unit is the project coordination's to
    # record, so the social worker could not): the same step ends the placement, on the
    # same day.
    page.goto(live_server.url + reverse("beneficiaries:plan_detail", args=[case.public_id]))
    page.get_by_role("link", name="Chiusura").click()
    expect(
        page.get_by_label("Registra anche l'uscita dall'alloggio alla stessa data")
    ).to_be_checked()
    page.get_by_label("Data di uscita").fill(today.isoformat())
    page.get_by_label("Motivo dell'uscita").select_option(label="Obiettivi del progetto raggiunti")
    page.get_by_label("Dove va a vivere il nucleo").select_option(
        label="Casa in affitto a proprio nome"
    )
    page.get_by_label("In parte").check()
    page.get_by_role("button", name="Chiudi la presa in carico").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Presa in carico chiusa e uscita dall'alloggio registrata."
    )
    expect(page.get_by_test_id("follow-up")).to_have_count(3)
    placement.refresh_from_db()
    case.refresh_from_db()
    assert case.closed_on == today and placement.end_date == today
    assert placement.destination == "own_rented_home"

    # 6. The unit: the household is there until the evening of its exit, and the two
    # places are free the next day.
    page.goto(live_server.url + unit.get_absolute_url())
    expect(page.get_by_test_id("people-today")).to_have_text("2")
    expect(page.get_by_test_id("free-today")).to_have_text("0")
    tomorrow = today + datetime.timedelta(days=1)
    page.get_by_label("Guarda un altro giorno").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Mostra").click()
    expect(page).to_have_url(re.compile(rf"giorno={tomorrow.isoformat()}"))
    expect(page.get_by_test_id("people-today")).to_have_text("0")
    expect(page.get_by_test_id("free-today")).to_have_text("2")
    expect(page.get_by_test_id("unit-placements")).to_have_count(0)

    log_out(page)

    # 7. Three months later the social worker makes the 3-month follow-up: the household
    # still has a home.
    _three_months_pass(referral, case)
    login_as("alice")
    page.goto(live_server.url + reverse("beneficiaries:case_exit", args=[case.public_id]))
    three_months = page.get_by_test_id("follow-up").first
    expect(three_months).to_contain_text("da fare")
    three_months.get_by_role("link", name="Registra l'esito").click()
    page.get_by_label("Data del contatto").fill(today.isoformat())
    page.get_by_label("Sì, ha ancora una casa").check()
    page.get_by_label("Dove vive").select_option(label="Casa in affitto a proprio nome")
    page.get_by_role("button", name=re.compile("Registra|Salva")).click()
    expect(page.get_by_role("status")).to_contain_text("Follow-up registrato.")
    done = FollowUp.objects.get(case=case, months_after_exit=3)
    assert done.done_on == today and done.still_housed == "yes"
    log_out(page)

    # 8. The referrer follows the household: each step, none of the confidential content.
    login_as("marco")
    followed = page.get_by_test_id("followed-referral").filter(has_text="Samira Benali")
    followed.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Il percorso di Nucleo Samira Benali")
    timeline = page.get_by_test_id("timeline")
    for step in ("sent", "under_assessment", "accepted", "waiting", "case", "placed", "exited"):
        expect(timeline.get_by_test_id(f"step-{step}")).to_have_count(1)
    expect(timeline.get_by_test_id("step-case")).to_contain_text("Cooperativa Alfa")
    expect(timeline.get_by_test_id("step-placed")).to_contain_text("Comune: Pozzuolo Martesana")
    expect(timeline.get_by_test_id("step-exited")).to_contain_text(
        "Destinazione: Soluzione stabile · autonomia raggiunta: In parte"
    )
    expect(timeline.get_by_test_id("step-follow_up")).to_contain_text("Sì, ha ancora una casa")
    exited_on = (today - SHIFT).strftime("%d/%m/%Y")
    expect(timeline.get_by_test_id("step-exited")).to_contain_text(exited_on)
    shown = page.content()
    for secret in SECRETS:
        assert secret not in shown, secret
