"""Housing of the little network: Casa Alfa has units; households have cases in it."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Person, Referral, Vulnerability
from projects.models import Participation
from tests.factories import (
    CaseFactory,
    HousingUnitFactory,
    PersonFactory,
    ReferralFactory,
    WaitingListEntryFactory,
)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def unit_alfa(project_alfa, coop_alfa, comune_uno):
    """Apartment of Casa Alfa for four people, step-free."""
    return HousingUnitFactory(
        project=project_alfa,
        property__name="Casa Aurora",
        property__managing_organisation=coop_alfa,
        property__municipality=comune_uno,
        name="Appartamento 1",
        capacity=4,
        step_free=True,
    )


@pytest.fixture
def unit_alfa_small(project_alfa, unit_alfa):
    """A room for two in the same property, with stairs."""
    return HousingUnitFactory(
        project=project_alfa, property=unit_alfa.property, name="Stanza 2", capacity=2
    )


def _holding_organisation(project):
    return (
        project.participations.filter(role__in=Participation.COORDINATING_ROLES)
        .first()
        .organisation
    )


@pytest.fixture
def make_household(project_alfa, comune_uno):
    """make_household(size=3, case=True, waiting=False, disability=False, project=...):
    a household referred to the project and accepted; with an open case held by the
    project's coordinating organisation, and/or on the waiting list."""

    def make(
        size=1,
        *,
        project=None,
        case=True,
        waiting=False,
        disability=False,
        last_name=None,
        added_on=None,
        urgency=Referral.Urgency.HIGH,
    ):
        project = project or project_alfa
        fields = {"last_name": last_name} if last_name else {}
        reference = PersonFactory(household__registered_by=comune_uno, **fields)
        household = reference.household
        for i in range(size - 1):
            PersonFactory(
                household=household,
                relationship=Person.Relationship.CHILD,
                last_name=reference.last_name,
                birth_date=datetime.date(2015 + i, 3, 1),
            )
        if disability:
            Vulnerability.objects.create(household=household, kind=Vulnerability.Kind.DISABILITY)
        referral = ReferralFactory(
            household=household,
            project=project,
            status=Referral.Status.ACCEPTED,
            urgency=urgency,
        )
        if case:
            CaseFactory(
                household=household,
                project=project,
                referral=referral,
                holding_organisation=_holding_organisation(project),
            )
        if waiting:
            WaitingListEntryFactory(
                referral=referral, added_on=added_on or datetime.date(2026, 1, 10)
            )
        return household

    return make


def members(household):
    return list(household.members.order_by("birth_date"))
