"""The caseload and the household file cost a fixed number of queries, whatever the
amount of data: pinned with 5 and with 50 households."""

import datetime

import pytest

from beneficiaries.models import Consent, Person, Referral, ReferralEvent
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import households as households_selectors
from partners.models import StaffMembership
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    HouseholdFactory,
    PersonFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)
from users.models import User

pytestmark = pytest.mark.django_db

SIZES = [5, 50]


def fresh(user):
    # The scoping layer caches memberships on the user object: start cold, as a request.
    return User.objects.get(pk=user.pk)


@pytest.fixture
def diana(coop_alfa):
    """A second social worker of Alfa, so cases have a team of two."""
    user = UserFactory(username="diana")
    StaffMembershipFactory(
        user=user, organisation=coop_alfa, role=StaffMembership.Role.SOCIAL_WORKER
    )
    return user


def households_with_cases(n, *, project, holder, referrer_org, workers):
    households = []
    for i in range(n):
        household = HouseholdFactory(registered_by=referrer_org)
        PersonFactory(household=household, first_name=f"Nome{i}")
        PersonFactory(
            household=household,
            relationship=Person.Relationship.CHILD,
            birth_date=datetime.date(2019, 1, 1),
        )
        referral = ReferralFactory(household=household, project=project, status="accepted")
        case = CaseFactory(
            household=household, project=project, referral=referral, holding_organisation=holder
        )
        for worker in workers:
            CaseAssignmentFactory(case=case, worker=worker)
        households.append(household)
    return households


def show_caseload(user):
    """What the caseload page shows of each row."""
    rows = []
    for case in cases_selectors.caseload(user=user):
        rows.append(
            (
                str(case.household),
                [p.age() for p in case.household.members.all()],
                case.project.display_name,
                case.holding_organisation.display_name,
                [str(w) for w in case.workers.all()],
                case.opened_on,
            )
        )
    return rows


@pytest.mark.parametrize("n", SIZES)
def test_caseload_of_a_social_worker(
    n, alice, diana, coop_alfa, comune_uno, project_alfa, django_assert_num_queries
):
    households_with_cases(
        n, project=project_alfa, holder=coop_alfa, referrer_org=comune_uno, workers=[alice, diana]
    )
    user = fresh(alice)
    # memberships, cases, their members, their workers
    with django_assert_num_queries(4):
        rows = show_caseload(user)
    assert len(rows) == n


@pytest.mark.parametrize("n", SIZES)
def test_caseload_of_a_coordinator(
    n, carla, alice, coop_alfa, comune_uno, project_alfa, django_assert_num_queries
):
    households_with_cases(
        n, project=project_alfa, holder=coop_alfa, referrer_org=comune_uno, workers=[alice]
    )
    user = fresh(carla)
    # memberships, coordinated projects, cases, their members, their workers
    with django_assert_num_queries(5):
        rows = show_caseload(user)
    assert len(rows) == n


def show_household_file(user, public_id):
    """Everything the household file shows."""
    household = households_selectors.household_file(user=user, public_id=public_id)
    return {
        "title": str(household),
        "registered_by": household.registered_by.display_name,
        "members": [(p.full_name, p.age()) for p in household.members.all()],
        "vulnerabilities": [str(v) for v in household.vulnerabilities.all()],
        "consents": [
            (
                str(c),
                str(c.given_by),
                str(c.recorded_by),
                [o.display_name for o in c.organisations.all()],
            )
            for c in household.consents.all()
        ],
        "referrals": [
            (
                r.project.display_name,
                r.referring_organisation.display_name,
                str(r.created_by),
                [(e.to_status, str(e.by)) for e in r.events.all()],
            )
            for r in household.visible_referrals
        ],
        "cases": [
            (
                c.project.display_name,
                c.holding_organisation.display_name,
                [str(w) for w in c.workers.all()],
            )
            for c in household.visible_cases
        ],
    }


@pytest.mark.parametrize("n", SIZES)
def test_household_file(
    n, carla, alice, diana, marco, coop_alfa, comune_uno, project_alfa, django_assert_num_queries
):
    # n households in the network, and one file as full as n makes it.
    others = households_with_cases(
        n - 1, project=project_alfa, holder=coop_alfa, referrer_org=comune_uno, workers=[alice]
    )
    household = HouseholdFactory(registered_by=comune_uno)
    reference = PersonFactory(household=household, first_name="Amina", last_name="Benali")
    for kind in ("disability", "health", "eviction"):
        household.vulnerabilities.create(kind=kind)
    for i in range(n):
        PersonFactory(
            household=household,
            relationship=Person.Relationship.CHILD,
            first_name=f"Figlio{i}",
            birth_date=datetime.date(2010, 1, 1) + datetime.timedelta(days=i),
        )
        consent = Consent.objects.create(
            household=household,
            given_by=reference,
            purpose=Consent.Purpose.CASE_MANAGEMENT,
            legal_basis=Consent.LegalBasis.CONSENT,
            given_on=datetime.date(2025, 1, 1),
            recorded_by=marco,
        )
        consent.organisations.set([coop_alfa, comune_uno])
        referral = ReferralFactory(
            household=household,
            project=project_alfa,
            created_by=marco,
            status=Referral.Status.DECLINED,
            decision_notes="Fuori ambito.",
        )
        ReferralEvent.objects.create(referral=referral, to_status="draft", by=marco)
        ReferralEvent.objects.create(
            referral=referral, from_status="draft", to_status="sent", by=marco
        )
        case = CaseFactory(
            household=household,
            project=project_alfa,
            holding_organisation=coop_alfa,
            closed_on=datetime.date(2026, 1, 20),
        )
        CaseAssignmentFactory(case=case, worker=alice)
        CaseAssignmentFactory(case=case, worker=diana)
    user = fresh(carla)

    # 1 memberships; 1 coordinated projects (remembered for the rest of the request);
    # 1 the household with its registering organisation; 9 prefetches: members,
    # vulnerabilities, consents (+ their organisations), referrals (+ their events, + who
    # made them), cases (+ workers).
    with django_assert_num_queries(12):
        shown = show_household_file(user, household.public_id)

    assert len(shown["members"]) == n + 1
    assert len(shown["consents"]) == n
    assert len(shown["referrals"]) == n
    assert len(shown["cases"]) == n
    assert len(others) == n - 1
    assert shown["title"] == "Nucleo Amina Benali"
