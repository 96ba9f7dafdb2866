"""Placements: the rules a coordinator meets when placing, moving and ending."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from beneficiaries.models import Case, ExitDestination, WaitingListEntry
from core.models import AuditEvent
from housing import services
from housing.models import HousingUnit, Placement, PlaceOccupancy
from tests.factories import HousingUnitFactory, ProjectFactory

from .conftest import members

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def place(user, unit, household, start, **kwargs):
    # Tests place in whatever order they need; the reason is kept only when it is needed.
    kwargs.setdefault("out_of_order_reason", "Ordine scelto dal test.")
    return services.placement_start(
        user=user,
        unit=unit,
        household=household,
        members=kwargs.pop("people", None) or members(household),
        start_date=start,
        **kwargs,
    )


def people_in(unit, day):
    return (
        PlaceOccupancy.objects.filter(unit=unit, start_date__lte=day)
        .exclude(end_date__lt=day)
        .count()
    )


# Starting a placement ----------------------------------------------------------------


def test_coordinator_places_a_household_with_the_project_maximum_stay(
    carla, unit_alfa, make_household, today
):
    household = make_household(size=3)
    placement = place(carla, unit_alfa, household, today, monthly_contribution=Decimal("50"))

    assert placement.case == Case.objects.get(household=household)
    assert set(placement.members.all()) == set(household.members.all())
    # project_alfa's maximum stay is 18 months (ProjectFactory).
    assert placement.planned_end_date.year * 12 + placement.planned_end_date.month == (
        today.year * 12 + today.month + 18
    )
    assert people_in(unit_alfa, today) == 3
    assert sorted(PlaceOccupancy.objects.values_list("slot", flat=True)) == [1, 2, 3]
    assert AuditEvent.objects.filter(
        household=household, model_label="housing.Placement", action="create"
    ).exists()


def test_some_members_only(carla, unit_alfa, make_household, today):
    household = make_household(size=3)
    mother = members(household)[0]
    placement = place(carla, unit_alfa, household, today, people=[mother])
    assert list(placement.members.all()) == [mother]
    assert people_in(unit_alfa, today) == 1


def test_the_place_beyond_capacity_is_refused_and_nothing_is_saved(
    carla, unit_alfa, make_household, today
):
    place(carla, unit_alfa, make_household(size=3), today)
    family_of_two = make_household(size=2)

    with pytest.raises(ValidationError) as error:
        place(carla, unit_alfa, family_of_two, today + 10 * DAY)

    assert "ne restano liberi 1 su 4, ne servono 2" in str(error.value)
    assert not Placement.objects.filter(household=family_of_two).exists()
    assert people_in(unit_alfa, today + 10 * DAY) == 3


def test_a_future_booking_counts_against_an_earlier_open_ended_placement(
    carla, unit_alfa, make_household, today
):
    # Three people arrive next month; an open placement from today would still be
    # there then, so only one more person fits from today.
    place(carla, unit_alfa, make_household(size=3), today + 30 * DAY)
    with pytest.raises(ValidationError, match="ne servono 2"):
        place(carla, unit_alfa, make_household(size=2), today)
    place(carla, unit_alfa, make_household(size=1), today)


def test_a_place_freed_by_an_exit_can_be_taken_the_next_day(
    carla, unit_alfa_small, make_household, today
):
    first = place(carla, unit_alfa_small, make_household(size=2), today - 60 * DAY)
    services.placement_end(
        user=carla,
        placement=first,
        end_date=today - DAY,
        exit_reason=Placement.ExitReason.AUTONOMY,
        destination=ExitDestination.OWN_RENTED_HOME,
    )
    place(carla, unit_alfa_small, make_household(size=2), today)
    assert people_in(unit_alfa_small, today) == 2
    assert people_in(unit_alfa_small, today - DAY) == 2


@pytest.mark.parametrize(
    "state, message",
    [
        (HousingUnit.State.MAINTENANCE, "è in manutenzione: non può accogliere nessuno"),
        (HousingUnit.State.CLOSED, "è chiuso: non può accogliere nessuno"),
    ],
)
def test_a_unit_under_maintenance_or_closed_takes_nobody(
    carla, unit_alfa, make_household, today, state, message
):
    HousingUnit.objects.filter(pk=unit_alfa.pk).update(state=state)
    household = make_household()
    with pytest.raises(ValidationError, match=message):
        place(carla, unit_alfa, household, today)
    assert not Placement.objects.exists()


def test_a_person_cannot_be_in_two_overlapping_placements(
    carla, unit_alfa, unit_alfa_small, make_household, today
):
    household = make_household(size=2)
    place(carla, unit_alfa, household, today - 30 * DAY)
    with pytest.raises(ValidationError) as error:
        place(carla, unit_alfa_small, household, today)
    assert "è già inserito/a in «Casa Aurora · Appartamento 1»" in str(error.value)
    assert "si sovrappongono" in str(error.value)
    assert Placement.objects.count() == 1


def test_no_case_in_the_unit_project_no_placement(carla, unit_alfa, make_household, today):
    household = make_household(case=False)
    with pytest.raises(ValidationError, match="non ha una presa in carico aperta"):
        place(carla, unit_alfa, household, today)
    assert not Placement.objects.exists()


def test_a_case_in_another_project_is_not_enough(
    carla, unit_alfa, make_household, project_beta, today
):
    household = make_household(project=project_beta)
    with pytest.raises(ValidationError, match="Casa Alfa"):
        place(carla, unit_alfa, household, today)


def test_members_of_another_household_are_refused(carla, unit_alfa, make_household, today):
    household, other = make_household(size=2), make_household()
    with pytest.raises(ValidationError, match="devono far parte del nucleo"):
        place(carla, unit_alfa, household, today, people=members(household) + members(other))
    assert not PlaceOccupancy.objects.exists()


def test_planned_end_differs_only_with_a_reason(carla, unit_alfa, make_household, today):
    household = make_household()
    with pytest.raises(ValidationError) as error:
        place(carla, unit_alfa, household, today, planned_end_date=today + 90 * DAY)
    assert "indica il motivo" in error.value.message_dict["planned_end_reason"][0]
    placement = place(
        carla,
        unit_alfa,
        household,
        today,
        planned_end_date=today + 90 * DAY,
        planned_end_reason="Assegnazione della casa popolare attesa a breve.",
    )
    assert placement.planned_end_date == today + 90 * DAY


def test_bad_dates_and_amounts_have_italian_messages(carla, unit_alfa, make_household, today):
    household = make_household()
    with pytest.raises(ValidationError) as error:
        place(
            carla,
            unit_alfa,
            household,
            today,
            planned_end_date=today - DAY,
            planned_end_reason="per prova",
        )
    assert "La fine prevista non può precedere l'ingresso." in str(error.value)
    with pytest.raises(ValidationError) as error:
        place(carla, unit_alfa, household, today, monthly_contribution=Decimal("-5"))
    assert "non può essere negativa" in str(error.value)
    with pytest.raises(ValidationError, match="firma del patto non può essere nel futuro"):
        place(carla, unit_alfa, household, today, agreement_signed_on=today + DAY)
    assert not Placement.objects.exists()


def test_only_the_project_coordinators_place(alice, bruno, unit_alfa, make_household, today):
    household = make_household()
    for user in (alice, bruno):
        with pytest.raises(PermissionDenied):
            place(user, unit_alfa, household, today)
    assert not Placement.objects.exists()


# From the waiting list ---------------------------------------------------------------


def test_placing_from_the_waiting_list_opens_the_case_and_takes_it_off_the_list(
    carla, alice, coop_alfa, unit_alfa, make_household, today
):
    household = make_household(size=2, case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=household)

    placement = services.placement_from_waiting_list(
        user=carla,
        unit=unit_alfa,
        entry=entry,
        members=members(household),
        start_date=today,
        holding_organisation=coop_alfa,
        workers=[alice],
    )

    case = Case.objects.get(household=household)
    assert case.is_open and case.holding_organisation == coop_alfa
    assert list(case.workers.all()) == [alice]
    assert placement.case == case
    entry.refresh_from_db()
    assert entry.removed_on == today
    assert entry.removal_reason == WaitingListEntry.RemovalReason.PLACED


def test_waiting_list_placement_with_an_open_case_keeps_that_case(
    carla, unit_alfa, make_household, today
):
    household = make_household(case=True, waiting=True)
    case = Case.objects.get(household=household)
    placement = services.placement_from_waiting_list(
        user=carla,
        unit=unit_alfa,
        entry=WaitingListEntry.objects.get(household=household),
        members=members(household),
        start_date=today,
    )
    assert placement.case == case
    assert Case.objects.filter(household=household).count() == 1


def test_a_failed_waiting_list_placement_opens_no_case_and_keeps_the_entry(
    carla, coop_alfa, unit_alfa_small, make_household, today
):
    household = make_household(size=3, case=False, waiting=True)
    entry = WaitingListEntry.objects.get(household=household)
    with pytest.raises(ValidationError, match="ne servono 3"):
        services.placement_from_waiting_list(
            user=carla,
            unit=unit_alfa_small,
            entry=entry,
            members=members(household),
            start_date=today,
            holding_organisation=coop_alfa,
        )
    assert not Case.objects.filter(household=household).exists()
    entry.refresh_from_db()
    assert entry.removed_on is None


def test_waiting_list_placement_without_a_case_needs_a_holding_organisation(
    carla, unit_alfa, make_household, today
):
    household = make_household(case=False, waiting=True)
    with pytest.raises(ValidationError) as error:
        services.placement_from_waiting_list(
            user=carla,
            unit=unit_alfa,
            entry=WaitingListEntry.objects.get(household=household),
            members=members(household),
            start_date=today,
        )
    assert "holding_organisation" in error.value.message_dict


# Ending ------------------------------------------------------------------------------


def test_ending_a_placement_frees_the_places_after_the_last_night(
    carla, unit_alfa, make_household, today
):
    placement = place(carla, unit_alfa, make_household(size=2), today - 100 * DAY)
    services.placement_end(
        user=carla,
        placement=placement,
        end_date=today,
        exit_reason=Placement.ExitReason.AUTONOMY,
        destination=ExitDestination.PUBLIC_HOUSING,
    )
    placement.refresh_from_db()
    assert placement.end_date == today
    assert placement.get_destination_group_display() == "Soluzione stabile"
    assert people_in(unit_alfa, today) == 2
    assert people_in(unit_alfa, today + DAY) == 0


def test_an_exit_before_the_entry_is_refused(carla, unit_alfa, make_household, today):
    placement = place(carla, unit_alfa, make_household(), today)
    with pytest.raises(ValidationError) as error:
        services.placement_end(
            user=carla,
            placement=placement,
            end_date=today - DAY,
            exit_reason=Placement.ExitReason.VOLUNTARY,
            destination=ExitDestination.UNKNOWN,
        )
    assert "L'uscita non può precedere l'ingresso" in error.value.message_dict["end_date"][0]
    placement.refresh_from_db()
    assert placement.end_date is None


def test_an_exit_needs_a_destination(carla, unit_alfa, make_household, today):
    placement = place(carla, unit_alfa, make_household(), today)
    with pytest.raises(ValidationError, match="Indica la destinazione"):
        services.placement_end(
            user=carla,
            placement=placement,
            end_date=today,
            exit_reason=Placement.ExitReason.VOLUNTARY,
            destination="",
        )


# Moving ------------------------------------------------------------------------------


def test_a_move_leaves_no_gap_and_no_overlap(
    carla, unit_alfa, unit_alfa_small, make_household, today
):
    household = make_household(size=2)
    old = place(carla, unit_alfa, household, today - 40 * DAY, monthly_contribution=80)
    new = services.placement_move(
        user=carla, placement=old, to_unit=unit_alfa_small, move_date=today
    )

    old.refresh_from_db()
    assert old.end_date == today - DAY
    assert old.exit_reason == Placement.ExitReason.MOVED
    assert new.start_date == today and new.moved_from == old
    assert new.planned_end_date == old.planned_end_date, "the stay goes on in the same project"
    assert new.monthly_contribution == 80
    assert people_in(unit_alfa, today - DAY) == 2 and people_in(unit_alfa, today) == 0
    assert people_in(unit_alfa_small, today - DAY) == 0 and people_in(unit_alfa_small, today) == 2


def test_a_move_into_a_full_unit_changes_nothing(
    carla, unit_alfa, unit_alfa_small, make_household, today
):
    place(carla, unit_alfa_small, make_household(size=2), today - 10 * DAY)
    old = place(carla, unit_alfa, make_household(size=1), today - 40 * DAY)
    with pytest.raises(ValidationError, match="non ha abbastanza posti"):
        services.placement_move(user=carla, placement=old, to_unit=unit_alfa_small, move_date=today)
    old.refresh_from_db()
    assert old.end_date is None
    assert people_in(unit_alfa, today + 100 * DAY) == 1
    assert Placement.objects.count() == 2


def test_a_move_to_another_project_restarts_the_maximum_stay(
    carla, coop_alfa, unit_alfa, make_household, today
):
    other_project = ProjectFactory(max_stay_months=6)
    other_project.participations.create(organisation=coop_alfa, role="lead")
    other_unit = HousingUnitFactory(project=other_project, capacity=2)
    household = make_household()
    Case.objects.create(
        household=household,
        project=other_project,
        holding_organisation=coop_alfa,
        opened_on=today,
    )
    old = place(carla, unit_alfa, household, today - 40 * DAY)
    new = services.placement_move(user=carla, placement=old, to_unit=other_unit, move_date=today)
    assert new.planned_end_date == services.default_planned_end(unit=other_unit, start_date=today)


def test_a_move_on_the_entry_day_is_refused(
    carla, unit_alfa, unit_alfa_small, make_household, today
):
    old = place(carla, unit_alfa, make_household(), today)
    with pytest.raises(ValidationError) as error:
        services.placement_move(user=carla, placement=old, to_unit=unit_alfa_small, move_date=today)
    assert "move_date" in error.value.message_dict


# Units -------------------------------------------------------------------------------


def test_capacity_cannot_drop_below_the_people_there(carla, unit_alfa, make_household, today):
    place(carla, unit_alfa, make_household(size=3), today)
    with pytest.raises(ValidationError) as error:
        services.unit_update(user=carla, unit=unit_alfa, capacity=2)
    assert "i posti non possono scendere a 2" in error.value.message_dict["capacity"][0]
    unit_alfa.refresh_from_db()
    assert unit_alfa.capacity == 4


def test_lowering_capacity_moves_people_onto_the_remaining_places(
    carla, unit_alfa, make_household, today
):
    first = place(carla, unit_alfa, make_household(size=2), today - 50 * DAY)  # places 1-2
    place(carla, unit_alfa, make_household(size=2), today - 20 * DAY)  # places 3-4
    services.placement_end(
        user=carla,
        placement=first,
        end_date=today - DAY,
        exit_reason=Placement.ExitReason.AUTONOMY,
        destination=ExitDestination.FAMILY_OR_FRIENDS,
    )

    services.unit_update(user=carla, unit=unit_alfa, capacity=2)

    unit_alfa.refresh_from_db()
    assert unit_alfa.capacity == 2
    from_today = PlaceOccupancy.objects.filter(unit=unit_alfa).exclude(end_date__lt=today)
    assert sorted(from_today.values_list("slot", flat=True)) == [1, 2]
    # The past keeps its places: the second family was on places 3 and 4 until yesterday.
    assert (
        PlaceOccupancy.objects.filter(unit=unit_alfa, slot__gt=2, end_date=today - DAY).count() == 2
    )
    # And the unit is now full.
    with pytest.raises(ValidationError):
        place(carla, unit_alfa, make_household(), today)


def test_a_unit_with_people_cannot_be_closed(carla, unit_alfa, make_household, today):
    place(carla, unit_alfa, make_household(), today + 5 * DAY)
    with pytest.raises(ValidationError, match="si chiude solo"):
        services.unit_update(user=carla, unit=unit_alfa, state=HousingUnit.State.CLOSED)
    services.unit_update(user=carla, unit=unit_alfa, state=HousingUnit.State.MAINTENANCE)


def test_only_coordinators_change_a_unit(alice, unit_alfa):
    with pytest.raises(PermissionDenied):
        services.unit_update(user=alice, unit=unit_alfa, capacity=6)
