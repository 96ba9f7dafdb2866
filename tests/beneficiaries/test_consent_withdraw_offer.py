"""The household file offers to record the withdrawal of a consent only while it is in
force: an expired consent has nothing left to withdraw, and its button, on the red row of
a lapsed consent, failed WCAG's contrast check (found by the pathway's browser journey,
tests/browser/test_pathway_story_journey.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Consent

pytestmark = pytest.mark.django_db


def _withdraw_url(consent):
    return reverse("beneficiaries:consent_withdraw", args=[consent.pk])


def test_an_expired_consent_offers_no_withdrawal_a_valid_one_does(client_for, alice, case_alfa):
    household = case_alfa.household
    valid = household.consents.get()
    expired = Consent.objects.create(
        household=household,
        purpose=Consent.Purpose.FOLLOW_UP,
        legal_basis=Consent.LegalBasis.CONSENT,
        given_on=datetime.date(2023, 2, 20),
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    html = client_for(alice).get(household.get_absolute_url()).content.decode()
    assert _withdraw_url(valid) in html
    assert _withdraw_url(expired) not in html
