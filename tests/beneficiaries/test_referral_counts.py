"""The referral list's counts by status are read part by part (Access.referral_parts:
the referrals the user's organisation sent, those received by a project they coordinate
from others), so that each part is counted from an index: the parts must be disjoint and
together be exactly the referrals the user may see."""

from collections import Counter

import pytest
from django.urls import reverse

from beneficiaries.models import Referral
from beneficiaries.selectors.households import visible_referrals
from beneficiaries.selectors.intake import referral_counts_by_status
from tests.factories import ReferralFactory

Status = Referral.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(comune_uno, coop_alfa, coop_beta, project_alfa, project_beta):
    # Comune Uno to Casa Alfa (coordinated by Alfa): sent, a draft, an accepted one.
    ReferralFactory(household__registered_by=comune_uno, project=project_alfa)
    ReferralFactory(household__registered_by=comune_uno, project=project_alfa, status=Status.DRAFT)
    ReferralFactory(
        household__registered_by=comune_uno, project=project_alfa, status=Status.ACCEPTED
    )
    # Alfa to its own project (in both of Carla's parts: must be counted once), a draft
    # of Alfa's to it (Alfa sent it: seen), and Alfa to Casa Beta.
    ReferralFactory(household__registered_by=coop_alfa, project=project_alfa)
    ReferralFactory(household__registered_by=coop_alfa, project=project_alfa, status=Status.DRAFT)
    ReferralFactory(
        household__registered_by=coop_alfa,
        project=project_beta,
        status=Status.DECLINED,
        decision_notes="Requisiti non presenti.",
    )
    # Beta to Casa Beta: nobody of Alfa sees it.
    ReferralFactory(household__registered_by=coop_beta, project=project_beta)


@pytest.mark.parametrize("persona", ["carla", "alice", "marco", "bruno", "admin_user"])
def test_the_counts_are_those_of_the_visible_referrals(request, referrals, persona):
    user = request.getfixturevalue(persona)
    expected = Counter(visible_referrals(user=user).values_list("status", flat=True))
    assert referral_counts_by_status(user=user) == dict(expected)


def test_a_referral_in_both_parts_is_counted_once(referrals, carla):
    counts = referral_counts_by_status(user=carla)
    # Comune Uno's sent and accepted, Alfa's two to Casa Alfa (one a draft), Alfa's to Beta.
    assert counts == {Status.SENT: 2, Status.ACCEPTED: 1, Status.DRAFT: 1, Status.DECLINED: 1}


def test_the_list_shows_the_counts_and_their_total(client_for, referrals, carla):
    page = client_for(carla).get(reverse("beneficiaries:referral_list")).content.decode()
    assert 'data-testid="count-all">5<' in page
    assert 'data-testid="count-sent">2<' in page
    assert 'data-testid="count-under_assessment">0<' in page
