"""The contribution ledger in "La mia giornata" and on the caseloads page: households more
than 60 days late and repayment instalments due, for whom may read the ledger only."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import caseloads, my_day
from housing import services
from tests.factories import (
    CaseAssignmentFactory,
    HousingUnitFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(carla, project_alfa, household_alfa):
    """household_alfa placed four months ago at 300,00; its first month charged, unpaid;
    a repayment plan whose first instalment falls due in three days."""
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=100)).replace(day=1)
    unit = HousingUnitFactory(project=project_alfa, capacity=4)
    placement = services.placement_start(
        user=carla,
        unit=unit,
        household=household_alfa,
        members=list(household_alfa.members.all()),
        start_date=start,
        monthly_contribution=Decimal("300.00"),
    )
    services.charges_generate(user=carla, placement=placement, month=start)
    services.repayment_plan_create(
        user=carla,
        placement=placement,
        agreed_on=today,
        total=Decimal("300"),
        instalments=2,
        first_due_on=today + datetime.timedelta(days=3),
    )
    return placement


def test_arrears_over_60_days_and_instalments_due_in_my_day(alice, late):
    box = my_day.my_day_contributions(user=alice)
    assert [p.pk for p in box["arrears"]["rows"]] == [late.pk]
    assert box["arrears"]["rows"][0].arrears == Decimal("300.00")
    assert [i.number for i in box["instalments_due"]["rows"]] == [1]


def test_a_worker_of_another_organisation_assigned_to_the_case_sees_none_of_it(coop_beta, late):
    gina = UserFactory(username="gina")
    StaffMembershipFactory(user=gina, organisation=coop_beta, role="social_worker")
    CaseAssignmentFactory(case=late.case, worker=gina)
    box = my_day.my_day_contributions(user=gina)
    assert box["arrears"]["rows"] == [] and box["instalments_due"]["rows"] == []


def test_the_home_page_shows_them(client_for, alice, late):
    client = client_for(alice)
    client.get(reverse("home"))
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-day-arrears"' in page
    assert "€\u00a0300,00 da oltre 60 giorni" in page


def test_the_caseloads_count_the_cases_in_arrears(carla, late):
    (row,) = caseloads.per_project(user=carla)
    assert row["in_arrears"] == 1


def test_two_queries_for_the_two_boxes(alice, late, django_assert_num_queries):
    my_day.my_day_contributions(user=alice)  # the access object, once per request
    with django_assert_num_queries(2):
        box = my_day.my_day_contributions(user=alice)
        list(box["arrears"]["rows"]), list(box["instalments_due"]["rows"])
