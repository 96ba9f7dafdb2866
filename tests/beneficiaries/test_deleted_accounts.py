"""Rows keep working after the account that wrote them is deleted."""

import pytest

from beneficiaries.models import Consent, Referral
from beneficiaries.services import households as households_services
from beneficiaries.services import intake as intake_services
from tests.factories import ReferralFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_referral_of_a_deleted_account_can_still_be_decided(carla, project_alfa, comune_uno):
    author = UserFactory()
    referral = ReferralFactory(
        project=project_alfa, household__registered_by=comune_uno, created_by=author
    )
    author.delete()
    referral.refresh_from_db()
    assert referral.created_by is None
    intake_services.referral_transition(user=carla, referral=referral, to_status="accepted")
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_consent_recorded_by_a_deleted_account_can_still_be_withdrawn(alice, household_alfa):
    author = UserFactory()
    consent = Consent.objects.create(
        household=household_alfa,
        purpose=Consent.Purpose.CASE_MANAGEMENT,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_on="2026-01-10",
        recorded_by=author,
    )
    author.delete()
    consent.refresh_from_db()
    households_services.consent_withdraw(user=alice, consent=consent)
    assert Consent.objects.get(pk=consent.pk).withdrawn_on is not None
