"""Who is told of a referral or a case is found in a constant number of queries, however
many staff the organisations have (issue 15): the candidates in one query, their access
computed together (core.access.accesses_for), each kept only if it may see the record."""

import pytest

from beneficiaries.models import Case, Referral
from beneficiaries.selectors.cases import case_notification_recipients
from beneficiaries.selectors.intake import (
    referral_notification_recipients,
    referral_referrer_recipients,
)
from core.access import access_for
from partners.models import StaffMembership
from tests.conftest import _staff
from tests.factories import PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

Role = StaffMembership.Role


def grow(coop_alfa, comune_uno, n):
    for i in range(n):
        _staff(f"coordinatore{i}", coop_alfa, Role.COORDINATOR)
        _staff(f"operatore{i}", coop_alfa, Role.SOCIAL_WORKER)
        _staff(f"referente{i}", comune_uno, Role.MUNICIPAL_REFERRER)


@pytest.fixture
def referral(comune_uno, project_alfa, marco):
    return ReferralFactory(
        household=PersonFactory(household__registered_by=comune_uno).household,
        project=project_alfa,
        created_by=marco,
        status=Referral.Status.SENT,
    )


def fresh(objects):
    # Each call as the receivers make it: users straight from the database.
    return [type(o).objects.get(pk=o.pk) for o in objects]


@pytest.mark.parametrize("staff", [0, 12])
def test_referral_recipients_in_constant_queries(
    referral, carla, alice, bruno, coop_alfa, comune_uno, staff, django_assert_num_queries
):
    grow(coop_alfa, comune_uno, staff)
    # The candidates, their memberships, the projects their organisations coordinate.
    with django_assert_num_queries(3):
        coordinators = referral_notification_recipients(referral)
    assert sorted(u.username for u in coordinators) == sorted(
        ["carla", *(f"coordinatore{i}" for i in range(staff))]
    )
    # The candidates and their memberships: no coordinator, no projects to look up.
    with django_assert_num_queries(2):
        referrers = referral_referrer_recipients(referral)
    assert sorted(u.username for u in referrers) == sorted(
        ["marco", *(f"referente{i}" for i in range(staff))]
    )


@pytest.mark.parametrize("staff", [0, 12])
def test_case_recipients_in_constant_queries(
    case_alfa, alice, bruno, dave, coop_alfa, comune_uno, staff, django_assert_num_queries
):
    grow(coop_alfa, comune_uno, staff)
    from users.models import User

    workers = fresh([alice, bruno, dave, *User.objects.filter(username__startswith="operatore")])
    # The case's assignments and the workers' memberships.
    with django_assert_num_queries(2):
        told = case_notification_recipients(case_alfa, workers)
    # bruno works for Beta: he may not see Alfa's case even if named.
    assert "bruno" not in {u.username for u in told}
    assert {"alice", "dave"} <= {u.username for u in told}
    assert len(told) == 2 + staff


def test_the_batch_decides_as_the_filters_do(referral, case_alfa, alice, carla, marco, bruno):
    """may_see_referral / may_see_case on a row in hand say what the *_q() filters say."""
    assigned = set(case_alfa.assignments.values_list("worker_id", flat=True))
    for user in fresh([alice, carla, marco, bruno]):
        access = access_for(user)
        for row in Referral.objects.all():
            assert (
                access.may_see_referral(row)
                == Referral.objects.filter(access.referrals_q(), pk=row.pk).exists()
            ), (user, row)
        assert (
            access.may_see_case(case_alfa, assigned)
            == Case.objects.filter(access.cases_q(), pk=case_alfa.pk).exists()
        ), user
