"""Returns are visible (issue 12): a household referred again after an earlier case in
the network shows it at evaluation, within what the coordinator may see, and is marked
on the waiting list."""

import datetime

import pytest
from django.urls import reverse

from beneficiaries.models import CaseExit, Referral
from tests.factories import CaseFactory, ReferralFactory, WaitingListEntryFactory

pytestmark = pytest.mark.django_db

Status = Referral.Status


@pytest.fixture
def returning(household_alfa, case_alfa, project_alfa, project_beta, coop_beta, comune_uno):
    """household_alfa's case in Casa Alfa ended; an earlier one in Casa Beta (which carla
    does not coordinate); now it is referred to Casa Alfa again."""
    case_alfa.closed_on = datetime.date(2026, 6, 30)
    case_alfa.save()
    CaseExit.objects.create(
        case=case_alfa,
        closed_on=datetime.date(2026, 6, 30),
        reason="voluntary",
        destination="family_or_friends",
        autonomy_reached="partly",
    )
    CaseFactory(
        household=household_alfa,
        project=project_beta,
        holding_organisation=coop_beta,
        opened_on=datetime.date(2025, 1, 10),
        closed_on=datetime.date(2025, 9, 1),
    )
    referral = ReferralFactory(
        household=household_alfa, project=project_alfa, status=Status.ACCEPTED
    )
    WaitingListEntryFactory(referral=referral)
    return referral


def test_the_coordinator_sees_the_earlier_cases_at_evaluation(client_for, carla, returning):
    html = client_for(carla).get(returning.get_absolute_url()).content.decode()
    assert 'data-testid="earlier-cases"' in html
    assert html.count('data-testid="earlier-case"') == 1  # Casa Alfa's, which she coordinates
    assert "Uscita volontaria del nucleo" in html  # the reason
    assert "Presso familiari o amici" in html  # the destination
    assert "Casa Beta" not in html  # the hidden one only exists
    assert 'data-testid="earlier-hidden"' in html


def test_the_referrer_is_not_told_of_earlier_cases(client_for, marco, returning):
    html = client_for(marco).get(returning.get_absolute_url()).content.decode()
    assert 'data-testid="earlier-cases"' not in html


def test_a_first_referral_is_no_return(client_for, carla, household_alfa):
    referral = household_alfa.referrals.get()
    html = client_for(carla).get(referral.get_absolute_url()).content.decode()
    assert 'data-testid="earlier-cases"' not in html


def test_the_waiting_list_marks_returns(client_for, carla, returning, project_alfa):
    WaitingListEntryFactory(referral__project=project_alfa)  # a first time
    html = (
        client_for(carla)
        .get(reverse("beneficiaries:waiting_list", args=[project_alfa.slug]))
        .content.decode()
    )
    assert html.count('data-testid="return"') == 1
