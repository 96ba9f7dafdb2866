"""Demo housing on the real network: stock for each housing project, placements of
households with an open case there, never more people than places."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from beneficiaries.models import Case, WaitingListEntry
from demo.housing import DEMO_NOTE, KEEP_FREE, create_demo_housing
from demo.staff import create_demo_staff, set_demo_max_stay
from housing import occupancy
from housing.models import HousingUnit, Placement, PlaceOccupancy, Property
from partners.services import network_load
from projects.models import Participation, Project
from tests.factories import CaseFactory, PersonFactory, ReferralFactory, WaitingListEntryFactory

pytestmark = pytest.mark.django_db
HOUSING_PROJECTS = {"cohousing-adda-martesana", "case-desio", "abitiamo-vimercate"}


@pytest.fixture
def demo_network():
    network_load()
    create_demo_staff()
    set_demo_max_stay()


def _households_with_open_cases(per_project=12):
    """Households like the demo's: accepted, on the waiting list, taken in charge."""
    today = timezone.localdate()
    for slug in sorted(HOUSING_PROJECTS):
        project = Project.objects.get(slug=slug)
        holder = (
            project.participations.filter(role__in=Participation.COORDINATING_ROLES)
            .first()
            .organisation
        )
        for i in range(per_project):
            reference = PersonFactory(household__registered_by=holder)
            if i % 3 == 0:
                PersonFactory(
                    household=reference.household,
                    relationship="child",
                    birth_date=datetime.date(2019, 4, 2),
                )
            referral = ReferralFactory(
                household=reference.household, project=project, status="accepted"
            )
            WaitingListEntryFactory(referral=referral, added_on=today - datetime.timedelta(400))
            CaseFactory(
                household=reference.household,
                project=project,
                referral=referral,
                holding_organisation=holder,
                opened_on=today - datetime.timedelta(days=30 * i + 10),
            )


def _assert_never_overfilled():
    for unit in HousingUnit.objects.all():
        stays = PlaceOccupancy.objects.filter(unit=unit).values_list("start_date", "end_date")
        first = min((s for s, _e in stays), default=timezone.localdate())
        assert occupancy.peak(stays, first)[0] <= unit.capacity, unit


def test_demo_housing_has_stock_for_each_housing_project(demo_network):
    create_demo_housing()

    projects = set(HousingUnit.objects.values_list("project__slug", flat=True))
    assert projects == HOUSING_PROJECTS
    assert Property.objects.filter(notes=DEMO_NOTE).count() == Property.objects.count() >= 3
    pozzuolo = Property.objects.get(town="Pozzuolo Martesana")
    assert pozzuolo.municipality.name == "Comune di Pozzuolo Martesana"
    assert pozzuolo.managing_organisation.slug == "pop"
    assert not Placement.objects.exists(), "no households to place yet"


def test_demo_places_households_with_open_cases_within_capacity(demo_network):
    _households_with_open_cases()
    create_demo_housing()

    today = timezone.localdate()
    current = Placement.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    assert current.count() >= 10
    for placement in current.select_related("case", "unit"):
        assert placement.case.project_id == placement.unit.project_id
        assert placement.case.is_open
        assert placement.start_date <= today
        assert not WaitingListEntry.objects.filter(
            household=placement.household, project=placement.case.project, removed_on=None
        ).exists(), "a placed household leaves the waiting list"
    _assert_never_overfilled()
    # Places are left free in each project, and the board has something to show.
    for slug in HOUSING_PROJECTS:
        units = HousingUnit.objects.filter(project__slug=slug)
        free = sum(
            unit.capacity
            - PlaceOccupancy.objects.filter(unit=unit)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today), start_date__lte=today)
            .count()
            for unit in units
        )
        assert free >= min(KEEP_FREE, 1)
    assert any(p.is_overstay(today) for p in current)


def test_demo_housing_runs_twice_without_changes(demo_network):
    _households_with_open_cases(per_project=6)
    create_demo_housing()
    counts = (Property.objects.count(), HousingUnit.objects.count(), Placement.objects.count())
    create_demo_housing()
    assert (
        Property.objects.count(),
        HousingUnit.objects.count(),
        Placement.objects.count(),
    ) == counts


def test_demo_housing_on_the_demo_households(demo_network):
    """With the demo households of demo.households, as load_demo would run them."""
    demo = pytest.importorskip("demo.households")
    demo.create_demo_households()
    create_demo_housing()

    assert Placement.objects.count() >= 10
    assert (
        set(Placement.objects.values_list("unit__project__slug", flat=True).distinct())
        == HOUSING_PROJECTS
    )
    placed_cases = Case.objects.filter(placements__isnull=False)
    assert not placed_cases.filter(closed_on__isnull=False).exists()
    _assert_never_overfilled()
