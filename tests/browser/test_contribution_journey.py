"""A coordinator charges a month of a placement's contribution, records a partial
payment, sees what is still owed and how late, and finds the collection rate on the
project's dashboard (issue 18 B)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from housing import ledger, services
from housing.models import ContributionCharge, Payment
from tests.factories import CaseFactory, HousingUnitFactory, PersonFactory, ReferralFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coordinator_charges_a_month_records_a_partial_payment_and_sees_the_arrears(
    page, live_server, login_as, carla, coop_alfa, comune_uno, project_alfa
):
    today = timezone.localdate()
    # A month well in the past, so that its charge is late today.
    month = (today.replace(day=1) - datetime.timedelta(days=80)).replace(day=1)
    unit = HousingUnitFactory(
        project=project_alfa, property__name="Casa Aurora", name="Appartamento 1", capacity=3
    )
    reference = PersonFactory(
        household__registered_by=comune_uno, first_name="Anna", last_name="Esposito"
    )
    household = reference.household
    referral = ReferralFactory(household=household, project=project_alfa, status="accepted")
    CaseFactory(
        household=household,
        project=project_alfa,
        referral=referral,
        holding_organisation=coop_alfa,
    )
    placement = services.placement_start(
        user=carla,
        unit=unit,
        household=household,
        members=[reference],
        start_date=month,
        monthly_contribution=Decimal("300.00"),
    )

    login_as("carla")
    page.goto(f"{live_server.url}{placement.get_absolute_url()}")
    page.get_by_role("link", name="Addebiti e pagamenti").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quota di compartecipazione")

    # Charge the month: a whole month at 300,00.
    page.get_by_label("Mese da addebitare").fill(month.strftime("%Y-%m"))
    page.get_by_role("button", name="Addebita il mese").click()
    expect(page.get_by_role("status")).to_contain_text("Addebitato")
    expect(page.get_by_test_id("charges")).to_contain_text("€\u00a0300,00")
    expect(page.get_by_test_id("contribution-balance")).to_have_text("€\u00a0300,00")

    # A partial payment of 100,00 in the same month.
    page.get_by_role("link", name="Registra un pagamento").click()
    page.get_by_label("Data del pagamento").fill(month.replace(day=15).isoformat())
    page.get_by_label("Importo (€)").fill("100,00")
    page.get_by_label("Modalità").select_option(label="Contanti")
    page.get_by_label("Numero di ricevuta").fill("R-2026-001")
    page.get_by_role("button", name="Registra il pagamento").click()
    expect(page.get_by_role("status")).to_contain_text("Pagamento registrato.")
    expect(page.get_by_test_id("contribution-balance")).to_have_text("€\u00a0200,00")
    expect(page.get_by_test_id("payments")).to_contain_text("R-2026-001")

    # The ageing: the 200,00 still owed sits in the bucket of its days late.
    days_late = (today - ledger.due_date(month, placement.start_date)).days
    bucket = ledger.bucket_of(days_late)
    cells = page.get_by_test_id("contribution-ageing").locator("tbody td")
    expect(cells.nth(bucket)).to_have_text("€\u00a0200,00")
    expect(page.get_by_test_id("contribution-overdue")).to_contain_text("€\u00a0200,00")
    page.screenshot(path="/tmp/contribution_ledger.png", full_page=True)  # noqa: S108

    assert ContributionCharge.objects.get(placement=placement).amount == Decimal("300.00")
    assert Payment.objects.get(placement=placement).amount == Decimal("100.00")

    # The dashboard of the project, for that month: a third collected, one household late.
    last = ledger.last_of_month(month)
    page.goto(
        f"{live_server.url}/progetti/{project_alfa.slug}/cruscotto/"
        f"?dal={month.isoformat()}&al={last.isoformat()}"
    )
    table = page.get_by_test_id("indicators")
    expect(
        table.locator('[data-indicator="collection_rate"]').get_by_test_id("figure")
    ).to_have_text("33,3 %")
    expect(
        table.locator('[data-indicator="households_in_arrears"]').get_by_test_id("figure")
    ).to_have_text("1")
