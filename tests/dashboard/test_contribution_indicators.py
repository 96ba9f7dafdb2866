"""The contribution indicators of the dashboard against a small world counted by hand:

Casa Alfa, the first quarter of 2026 (Q1), today 15 April 2026.
- A: in from 1 January at 300,00; charged Jan, Feb, Mar (900,00); paid 900,00 in Q1.
- B: in from 1 January at 200,00; charged Jan, Feb, Mar (600,00); paid 100,00 on 5 Feb,
  and 50,00 on 10 Feb reversed on 12 Feb (net 100,00). On 31 March it owes the Feb
  (100 of 200 after FIFO) and Mar charges, both past due (10 Feb, 10 Mar): in arrears.
- C: in from 20 March at 310,00: March pro rata, 12 of 31 days = 120,00, due on the
  20th; unpaid, but on 31 March 11 days late: in arrears too.
Casa Beta: one household charged 400,00 in January, nothing paid (not in Alfa's figures).

Charged in Q1 for Alfa: 900 + 600 + 120 = 1.620,00; collected: 900 + 100 = 1.000,00;
rate 1000 / 1620 = 61,7 %. Households in arrears: B and C = 2.
"""

import datetime
from decimal import Decimal

import pytest

from dashboard import indicators
from dashboard.indicators import Dimension, Period
from housing import services
from housing.models import Payment
from tests.conftest import _staff
from tests.factories import HousingUnitFactory
from tests.housing.conftest import make_household, members  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
D = datetime.date
Q1 = Period(D(2026, 1, 1), D(2026, 3, 31))
TODAY = D(2026, 4, 15)


def _place(user, unit, household, start, amount):
    return services.placement_start(
        user=user,
        unit=unit,
        household=household,
        members=members(household),
        start_date=start,
        monthly_contribution=Decimal(amount),
    )


def _charge(user, placement, *months):
    for month in months:
        services.charges_generate(user=user, placement=placement, month=month, today=TODAY)


def _pay(user, placement, day, amount):
    return services.payment_record(
        user=user,
        placement=placement,
        paid_on=day,
        amount=Decimal(amount),
        method=Payment.Method.TRANSFER,
        receipt_number=f"R-{day}",
        today=TODAY,
    )


@pytest.fixture
def world(carla, project_alfa, project_beta, coop_beta, make_household):  # noqa: F811
    unit = HousingUnitFactory(project=project_alfa, capacity=10)
    quarter = [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    a = _place(carla, unit, make_household(), D(2026, 1, 1), "300")
    _charge(carla, a, *quarter)
    _pay(carla, a, D(2026, 1, 10), "300")
    _pay(carla, a, D(2026, 3, 9), "600")
    b = _place(carla, unit, make_household(), D(2026, 1, 1), "200")
    _charge(carla, b, *quarter)
    _pay(carla, b, D(2026, 2, 5), "100")
    wrong = _pay(carla, b, D(2026, 2, 10), "50")
    services.payment_reverse(user=carla, payment=wrong, reason="respinto", today=D(2026, 2, 12))
    c = _place(carla, unit, make_household(), D(2026, 3, 20), "310")
    _charge(carla, c, D(2026, 3, 1))

    beta_coordinator = _staff("beatrice", coop_beta, "coordinator")
    beta_unit = HousingUnitFactory(project=project_beta, capacity=2)
    beta = _place(
        beta_coordinator,
        beta_unit,
        make_household(project=project_beta),
        D(2026, 1, 1),
        "400",
    )
    _charge(beta_coordinator, beta, D(2026, 1, 1))
    return {"alfa": project_alfa, "beta": project_beta}


def test_collection_rate_and_households_in_arrears(world):
    result = indicators.compute(project_ids=[world["alfa"].pk], period=Q1, today=TODAY)[
        "contributions"
    ][indicators.TOTAL]
    assert result == {
        "charged": Decimal("1620.00"),
        "collected": Decimal("1000.00"),
        "households_in_arrears": 2,
    }
    report = indicators.report(projects=[world["alfa"]], period=Q1, today=TODAY)
    assert report.figure("collection_rate").text == "61,7 %"
    assert report.figure("households_in_arrears").value == 2


def test_by_project(world):
    result = indicators.compute(
        project_ids=[world["alfa"].pk, world["beta"].pk],
        period=Q1,
        by=Dimension.PROJECT,
        today=TODAY,
    )["contributions"]
    assert result[world["beta"].pk] == {
        "charged": Decimal("400.00"),
        "collected": Decimal("0.00"),
        "households_in_arrears": 1,
    }
    assert result[world["alfa"].pk]["households_in_arrears"] == 2


def test_the_period_up_to_a_day_counts_only_what_was_late_then(world):
    # On 15 January only January's charges were due (on the 10th): A had paid, B had not.
    january = Period(D(2026, 1, 1), D(2026, 1, 15))
    result = indicators.compute(project_ids=[world["alfa"].pk], period=january, today=TODAY)
    figures = result["contributions"][indicators.TOTAL]
    assert figures["households_in_arrears"] == 1
    assert figures["charged"] == Decimal("500.00")  # A's and B's January
    assert figures["collected"] == Decimal("300.00")
