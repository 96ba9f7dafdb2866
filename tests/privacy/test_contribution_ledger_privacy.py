"""The contribution ledger in a person's export (financial data, only for whom may read
it) and in retention: accounting records keep the household for ten years from their
date (art. 2220 c.c.)."""

import datetime
import json
from decimal import Decimal

import pytest

from housing import services
from housing.models import Payment
from privacy import services as privacy_services
from tests.factories import (
    CaseAssignmentFactory,
    HousingUnitFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(carla, project_alfa, household_alfa):
    unit = HousingUnitFactory(project=project_alfa, capacity=4)
    placement = services.placement_start(
        user=carla,
        unit=unit,
        household=household_alfa,
        members=list(household_alfa.members.all()),
        start_date=datetime.date(2026, 1, 1),
        monthly_contribution=Decimal("250.00"),
    )
    services.charges_generate(user=carla, placement=placement, month=datetime.date(2026, 1, 1))
    services.payment_record(
        user=carla,
        placement=placement,
        paid_on=datetime.date(2026, 1, 9),
        amount=Decimal("250"),
        method=Payment.Method.CASH,
        receipt_number="RIC-77",
    )
    return placement


def test_the_export_carries_the_ledger_for_the_coordinator_not_for_the_referrer(
    carla, marco, coop_beta, paid
):
    person = paid.household.members.get()
    text = json.dumps(privacy_services.person_export(user=carla, person=person), default=str)
    assert "RIC-77" in text and "pagamenti_quota" in text and "addebiti_quota" in text
    # A worker of another organisation assigned to the case sees the placement, not its money.
    gina = UserFactory(username="gina")
    StaffMembershipFactory(user=gina, organisation=coop_beta, role="social_worker")
    CaseAssignmentFactory(case=paid.case, worker=gina)
    assert "RIC-77" not in json.dumps(
        privacy_services.person_export(user=gina, person=person), default=str
    )


def test_ledger_entries_keep_the_household_for_ten_years(paid, carla):
    household = paid.household
    services.placement_end(
        user=carla,
        placement=paid,
        end_date=datetime.date(2026, 1, 31),
        exit_reason="voluntary",
        destination="unknown",
    )
    case = paid.case
    case.closed_on = datetime.date(2026, 2, 1)
    case.save()
    # Arrears collected after the case closed: the last entry is of 1 June 2026.
    services.payment_record(
        user=carla,
        placement=paid,
        paid_on=datetime.date(2026, 6, 1),
        amount=Decimal("10"),
        method=Payment.Method.CASH,
        receipt_number="RIC-78",
    )
    # On 1 March 2036 the case's ten years are over (1 February), the ledger's are not.
    between = datetime.date(2036, 3, 1)
    obstacles = privacy_services.retention_obstacles(household, today=between)
    assert [o.until for o in obstacles] == [datetime.date(2036, 6, 1)]
    assert "2220" in obstacles[0].reason
    assert household not in privacy_services.due_for_retention(today=between)
    later = datetime.date(2036, 6, 2)
    assert privacy_services.retention_obstacles(household, today=later) == []
    assert household in privacy_services.due_for_retention(today=later)
