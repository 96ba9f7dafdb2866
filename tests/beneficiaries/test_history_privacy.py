"""The household history shows an event only to a user who may open the record it is
about (issue 11, defect 1): a coordinator of another project to which the household is
referred reads the referral's events, never the case file of a project they do not
coordinate, and nobody reads another organisation's confidential diary notes there."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.services import pathway as pathway_services
from partners.models import StaffMembership
from tests.factories import (
    CaseFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)

TODAY = datetime.date.today()
CASE_NOTE = "MARKER-ALFA-DIARY-7Q"
CONFIDENTIAL = "MARKER-CONFIDENTIAL-9Z"


@pytest.fixture
def beta_coordinator(coop_beta, project_beta):
    user = UserFactory(username="coord.beta")
    StaffMembershipFactory(user=user, organisation=coop_beta, role=StaffMembership.Role.COORDINATOR)
    return user


@pytest.fixture
def alfa_diary(case_alfa, alice):
    pathway_services.case_note_create(
        user=alice,
        case=case_alfa,
        happened_on=TODAY,
        kind="interview",
        duration_minutes=30,
        text=CASE_NOTE,
    )
    pathway_services.case_note_create(
        user=alice,
        case=case_alfa,
        happened_on=TODAY,
        kind="interview",
        duration_minutes=30,
        text=CONFIDENTIAL,
        is_confidential=True,
    )
    return case_alfa


def _history(client, household) -> str:
    response = client.get(reverse("beneficiaries:household_history", args=[household.public_id]))
    assert response.status_code == 200
    return response.text


def test_a_coordinator_of_the_project_reads_the_case_but_not_confidential_notes_of_others(
    client_for, alfa_diary, carla, coop_beta
):
    # carla coordinates Casa Alfa, but the confidential note is Alfa's own: she works
    # for Alfa, so she reads it. A coordinator of Casa Alfa from another organisation
    # would not (next test).
    page = _history(client_for(carla), alfa_diary.household)
    assert CASE_NOTE in page
    assert CONFIDENTIAL in page


def test_another_projects_coordinator_sees_the_referral_not_the_case_file(
    client_for, alfa_diary, beta_coordinator, project_beta, comune_uno
):
    household = alfa_diary.household
    ReferralFactory(
        household=household,
        project=project_beta,
        referring_organisation=comune_uno,
        status="sent",
    )
    client = client_for(beta_coordinator)
    # Opening the household file is an event about the household, not about a case.
    assert client.get(household.get_absolute_url()).status_code == 200
    page = _history(client, household)
    assert CASE_NOTE not in page
    assert CONFIDENTIAL not in page
    assert "Consultazione" in page


def test_a_case_of_their_own_project_held_by_another_organisation_hides_its_confidential_notes(
    client_for, household_alfa, alice, coop_alfa, beta_coordinator, project_beta
):
    # Alfa holds a case in Beta's project: Beta's coordinator reads the case's events,
    # but not the confidential note Alfa wrote in it.
    case = CaseFactory(
        household=household_alfa,
        project=project_beta,
        referral=ReferralFactory(household=household_alfa, project=project_beta, status="accepted"),
        holding_organisation=coop_alfa,
    )
    from tests.factories import CaseAssignmentFactory

    CaseAssignmentFactory(case=case, worker=alice)
    pathway_services.case_note_create(
        user=alice,
        case=case,
        happened_on=TODAY,
        kind="interview",
        duration_minutes=10,
        text="MARKER-OPEN-NOTE",
    )
    pathway_services.case_note_create(
        user=alice,
        case=case,
        happened_on=TODAY,
        kind="interview",
        duration_minutes=10,
        text=CONFIDENTIAL,
        is_confidential=True,
    )
    page = _history(client_for(beta_coordinator), household_alfa)
    assert "MARKER-OPEN-NOTE" in page
    assert CONFIDENTIAL not in page
