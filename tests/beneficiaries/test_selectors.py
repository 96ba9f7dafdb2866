"""The scoping layer for personal data: who sees which household."""

import pytest

from beneficiaries.selectors import households as households_selectors
from core.access import forget
from partners.models import StaffMembership
from tests.factories import (
    CaseAssignmentFactory,
    CaseFactory,
    OrganisationFactory,
    PersonFactory,
    ReferralFactory,
    StaffMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_social_worker_sees_households_of_cases_her_organisation_holds(
    alice, household_alfa, household_beta
):
    assert list(households_selectors.visible_households(user=alice)) == [household_alfa]


def test_outsider_sees_nothing_of_another_organisation(bruno, household_alfa, household_beta):
    assert household_alfa not in households_selectors.visible_households(user=bruno)
    assert (
        not households_selectors.visible_cases(user=bruno).filter(household=household_alfa).exists()
    )
    assert (
        not households_selectors.visible_referrals(user=bruno)
        .filter(household=household_alfa)
        .exists()
    )


def test_worker_assigned_to_a_case_of_another_organisation_sees_it(bruno, household_alfa):
    case = household_alfa.cases.get()
    CaseAssignmentFactory(case=case, worker=bruno)
    assert household_alfa in households_selectors.visible_households(user=bruno)


def test_coordinator_sees_cases_and_sent_referrals_of_projects_she_coordinates(
    carla, project_alfa, comune_uno, household_alfa
):
    draft = ReferralFactory(
        project=project_alfa, household__registered_by=comune_uno, status="draft"
    )
    sent = ReferralFactory(project=project_alfa, household__registered_by=comune_uno)
    visible = set(households_selectors.visible_households(user=carla))
    assert household_alfa in visible
    assert sent.household in visible
    assert draft.household not in visible, "a draft is the referrer's until it is sent"


def test_coordinator_of_a_partner_organisation_does_not_see_project_cases_it_does_not_hold(
    project_alfa, household_alfa
):
    partner = OrganisationFactory()
    project_alfa.participations.create(organisation=partner, role="partner")
    coordinator = UserFactory()
    StaffMembershipFactory(
        user=coordinator, organisation=partner, role=StaffMembership.Role.COORDINATOR
    )
    assert household_alfa not in households_selectors.visible_households(user=coordinator)


def test_referrer_sees_what_her_municipality_sent_but_not_the_case(marco, household_alfa):
    assert household_alfa in households_selectors.visible_households(user=marco)
    assert (
        households_selectors.visible_referrals(user=marco).filter(household=household_alfa).exists()
    )
    assert not households_selectors.visible_cases(user=marco).exists()


def test_inactive_membership_or_user_sees_nothing(alice, household_alfa):
    alice.staff_memberships.update(is_active=False)
    forget(alice)
    assert not households_selectors.visible_households(user=alice).exists()


def test_user_without_membership_sees_nothing(household_alfa):
    assert not households_selectors.visible_households(user=UserFactory()).exists()


def test_case_of_another_project_held_by_another_org_is_not_visible(alice, project_beta):
    case = CaseFactory(project=project_beta, holding_organisation=project_beta.participants.get())
    assert case not in households_selectors.visible_cases(user=alice)


def test_duplicates_reveal_only_that_a_hidden_match_exists(alice, household_alfa, household_beta):
    beta_person = household_beta.members.get()
    alfa_person = household_alfa.members.get()
    visible, hidden = households_selectors.likely_duplicates(
        user=alice,
        first_name=beta_person.last_name.upper(),  # order and case do not matter
        last_name=beta_person.first_name,
        birth_date=beta_person.birth_date,
    )
    assert alfa_person not in visible
    assert visible == [] and hidden == 1
    visible, hidden = households_selectors.likely_duplicates(
        user=alice,
        first_name="fàtima",
        last_name="el amrani",
        birth_date=alfa_person.birth_date,
    )
    assert visible == [alfa_person] and hidden == 0


def test_duplicate_by_codice_fiscale(alice, household_alfa):
    person = PersonFactory(
        household=household_alfa, relationship="child", codice_fiscale="RSSMRA85T10A562S"
    )
    visible, hidden = households_selectors.likely_duplicates(
        user=alice, codice_fiscale="rssmra85t10a562s"
    )
    assert visible == [person] and hidden == 0
