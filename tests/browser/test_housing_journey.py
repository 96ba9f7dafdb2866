"""A coordinator fills a free place: she sees it on the occupancy board, picks a household
from the matching list and places it; the board updates."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from beneficiaries.models import Case, Person, Referral, WaitingListEntry
from housing import services
from housing.models import Placement
from tests.browser.conftest import open_navigation
from tests.factories import (
    CaseFactory,
    HousingUnitFactory,
    PersonFactory,
    ReferralFactory,
    WaitingListEntryFactory,
)

TABLET = {"width": 1024, "height": 768}


def _household(comune, project, last_name, size, *, case_holder=None, urgency="high"):
    reference = PersonFactory(
        household__registered_by=comune, first_name="Anna", last_name=last_name
    )
    for i in range(size - 1):
        PersonFactory(
            household=reference.household,
            relationship=Person.Relationship.CHILD,
            last_name=last_name,
            birth_date=datetime.date(2016 + i, 6, 1),
        )
    referral = ReferralFactory(
        household=reference.household, project=project, status="accepted", urgency=urgency
    )
    WaitingListEntryFactory(referral=referral, added_on=datetime.date(2026, 2, 1))
    if case_holder:
        CaseFactory(
            household=reference.household,
            project=project,
            referral=referral,
            holding_organisation=case_holder,
        )
    return reference.household


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_fills_a_free_place_from_the_matching_list(
    page, live_server, login_as, carla, alice, coop_alfa, comune_uno, project_alfa
):
    today = timezone.localdate()
    unit = HousingUnitFactory(
        project=project_alfa,
        property__name="Casa Aurora",
        property__managing_organisation=coop_alfa,
        name="Appartamento 1",
        capacity=3,
        step_free=True,
    )
    already_in = _household(comune_uno, project_alfa, "Presenti", 2, case_holder=coop_alfa)
    services.placement_start(
        user=carla,
        unit=unit,
        household=already_in,
        members=list(already_in.members.all()),
        start_date=today - datetime.timedelta(days=60),
    )
    waiting = _household(comune_uno, project_alfa, "Esposito", 1, urgency="emergency")
    _household(comune_uno, project_alfa, "Numerosi", 4)  # does not fit one place

    page.set_viewport_size(TABLET)
    login_as("carla")
    nav = open_navigation(page)
    nav.get_by_role("link", name="Alloggi").click()
    page.get_by_role("link", name="Casa Alfa").click()

    # The board: one free place in the apartment.
    expect(page.get_by_role("heading", level=1)).to_have_text("Posti di Casa Alfa")
    row = page.get_by_test_id(f"unit-row-{unit.pk}")
    expect(row.get_by_test_id("free-today")).to_have_text("1")
    expect(row).to_contain_text("2/3")
    expect(page.get_by_test_id("total-free-today")).to_have_text("1")
    page.screenshot(path="/tmp/housing_board_before.png", full_page=True)  # noqa: S108

    # The matching list: who fits, in priority order; the large family does not.
    page.get_by_role("link", name="Trova un nucleo per il posto libero in Appartamento 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Chi può entrare in Casa Aurora · Appartamento 1"
    )
    fitting = page.get_by_test_id("match-fitting")
    expect(fitting).to_contain_text("Esposito")
    expect(fitting).not_to_contain_text("Numerosi")
    expect(page.get_by_test_id("match-not-fitting")).to_contain_text(
        "Il nucleo è di 4 persone, i posti liberi sono 1."
    )
    page.screenshot(path="/tmp/housing_match.png", full_page=True)  # noqa: S108
    fitting.get_by_role("link", name="Inserisci Nucleo Anna Esposito").click()

    # The placement form: the case is opened with the placement.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Inserimento di Nucleo Anna Esposito in Casa Aurora · Appartamento 1"
    )
    expect(page.get_by_label("Anna Esposito")).to_be_checked()
    page.get_by_label("Ente titolare della presa in carico").select_option(label="Cooperativa Alfa")
    page.get_by_label("Operatori assegnati").select_option(label="Alice Rossi · Cooperativa Alfa")
    page.get_by_label("Quota di compartecipazione mensile (€)").fill("40")
    page.get_by_role("button", name="Conferma l'inserimento").click()

    # Back on the board: the place is taken.
    expect(page.get_by_role("heading", level=1)).to_have_text("Posti di Casa Alfa")
    expect(page.get_by_role("status")).to_contain_text(
        "Nucleo Anna Esposito è inserito in «Casa Aurora · Appartamento 1»"
    )
    row = page.get_by_test_id(f"unit-row-{unit.pk}")
    expect(row.get_by_test_id("free-today")).to_have_text("0")
    expect(row).to_contain_text("3/3")
    expect(page.get_by_test_id("total-free-today")).to_have_text("0")
    expect(
        page.get_by_role("link", name="Trova un nucleo per il posto libero in Appartamento 1")
    ).to_have_count(0)
    page.screenshot(path="/tmp/housing_board_after.png", full_page=True)  # noqa: S108

    placement = Placement.objects.get(household=waiting)
    assert placement.unit == unit and str(placement.monthly_contribution) == "40.00"
    assert Case.objects.get(household=waiting).holding_organisation == coop_alfa
    assert WaitingListEntry.objects.get(household=waiting).removal_reason == "placed"
    assert Referral.objects.get(household=waiting).status == "accepted"
