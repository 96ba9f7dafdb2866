"""What PostgreSQL refuses by itself, whatever code writes to it (housing/postgres.py).

Each guarantee has its SQLite counterpart in the services, tested on both databases in
test_services.py: over capacity (test_the_place_beyond_capacity_is_refused_...), a
person in two places (test_a_person_cannot_be_in_two_overlapping_placements), capacity
below the people there (test_capacity_cannot_drop_below_the_people_there).
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from beneficiaries.models import ExitDestination
from housing import postgres, services
from housing.models import HousingUnit, Placement, PlaceOccupancy

from .conftest import members

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's own constraints; on SQLite the services keep these rules "
        "(see test_services.py)",
    ),
]
DAY = datetime.timedelta(days=1)


@pytest.fixture
def placed(carla, unit_alfa, make_household, today):
    household = make_household(size=2)
    return services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=members(household),
        start_date=today,
    )


def _raw_placement(unit, household, start):
    return Placement.objects.create(
        household=household, case=household.cases.get(), unit=unit, start_date=start
    )


def test_two_people_on_one_place_on_the_same_day_are_refused(
    placed, unit_alfa, make_household, today
):
    other = make_household()
    placement = _raw_placement(unit_alfa, other, today)
    with pytest.raises(IntegrityError, match=postgres.NO_DOUBLE_BOOKED_PLACE), transaction.atomic():
        PlaceOccupancy.objects.create(
            unit=unit_alfa,
            slot=1,  # taken by the placed household since today, open-ended
            placement=placement,
            person=members(other)[0],
            start_date=today + 100 * DAY,
            end_date=today + 120 * DAY,
        )
    # The day after someone's last night the place is free again.
    PlaceOccupancy.objects.filter(placement=placed, slot=1).update(end_date=today + 99 * DAY)
    PlaceOccupancy.objects.create(
        unit=unit_alfa,
        slot=1,
        placement=placement,
        person=members(other)[0],
        start_date=today + 100 * DAY,
    )


def test_a_person_on_two_places_on_the_same_day_is_refused(placed, unit_alfa_small, today):
    person = members(placed.household)[0]
    placement = _raw_placement(unit_alfa_small, placed.household, today + 10 * DAY)
    with pytest.raises(IntegrityError, match=postgres.ONE_PLACE_PER_PERSON), transaction.atomic():
        PlaceOccupancy.objects.create(
            unit=unit_alfa_small,
            slot=1,
            placement=placement,
            person=person,
            start_date=today + 10 * DAY,
        )


def test_a_place_beyond_the_capacity_is_refused(placed, unit_alfa, make_household, today):
    other = make_household()
    placement = _raw_placement(unit_alfa, other, today)
    with pytest.raises(IntegrityError, match="beyond its capacity of 4"), transaction.atomic():
        PlaceOccupancy.objects.create(
            unit=unit_alfa, slot=5, placement=placement, person=members(other)[0], start_date=today
        )


def test_capacity_below_an_occupied_place_is_refused(placed, unit_alfa):
    # The placed household is on places 1 and 2.
    refused = pytest.raises(IntegrityError, match="still has people on places beyond 1")
    with refused, transaction.atomic():
        HousingUnit.objects.filter(pk=unit_alfa.pk).update(capacity=1)
    HousingUnit.objects.filter(pk=unit_alfa.pk).update(capacity=2)


def test_capacity_may_drop_below_places_used_only_in_the_past(
    carla, unit_alfa, make_household, today
):
    household = make_household(size=4)
    placement = services.placement_start(
        user=carla,
        unit=unit_alfa,
        household=household,
        members=members(household),
        start_date=today - 30 * DAY,
    )
    services.placement_end(
        user=carla,
        placement=placement,
        end_date=today - DAY,
        exit_reason=Placement.ExitReason.AUTONOMY,
        destination=ExitDestination.OWN_RENTED_HOME,
    )
    HousingUnit.objects.filter(pk=unit_alfa.pk).update(capacity=1)
