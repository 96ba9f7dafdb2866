"""The household file shows the autonomy profile over time (issue 5)."""

import datetime

import pytest

from beneficiaries.autonomy import DOMAINS
from beneficiaries.models import AutonomyAssessment
from beneficiaries.services import pathway as pathway_services

pytestmark = pytest.mark.django_db


def _assess(user, case, moment, level, day):
    return pathway_services.assessment_record(
        user=user,
        case=case,
        moment=moment,
        taken_on=day,
        levels=dict.fromkeys(DOMAINS, level),
    )


def test_the_file_shows_the_profile_chart_once_assessed(client_for, alice, household_alfa):
    case = household_alfa.cases.get()
    client = client_for(alice)
    assert (
        'data-testid="autonomy-profiles"' not in client.get(household_alfa.get_absolute_url()).text
    )

    _assess(alice, case, AutonomyAssessment.Moment.ENTRY, 2, datetime.date(2026, 2, 1))
    _assess(alice, case, AutonomyAssessment.Moment.REVIEW, 4, datetime.date(2026, 6, 1))
    page = client.get(household_alfa.get_absolute_url()).text

    assert 'data-testid="autonomy-profiles"' in page
    assert page.count('data-level="2"') == len(DOMAINS)
    assert page.count('data-level="4"') == len(DOMAINS)


def test_the_referrer_never_sees_the_profile(client_for, alice, marco, household_alfa):
    case = household_alfa.cases.get()
    _assess(alice, case, AutonomyAssessment.Moment.ENTRY, 2, datetime.date(2026, 2, 1))
    page = client_for(marco).get(household_alfa.get_absolute_url()).text
    assert 'data-testid="autonomy-profiles"' not in page
    assert "data-level" not in page
