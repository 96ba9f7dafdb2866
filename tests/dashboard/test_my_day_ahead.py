""" "La mia giornata" looks ahead (issue 12): what falls due in the next 14 days, ISEE and
permits from the household record, consents to renew, each row linking to where it is
solved; a coordinator's sums per project; a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from housing.models import Placement
from tests.factories import (
    ActionFactory,
    CaseAssignmentFactory,
    CaseFactory,
    GoalFactory,
    HousingUnitFactory,
    PersonFactory,
    SupportPlanFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def ahead(case, project):
    """One of each thing coming for `case`."""
    household = case.household
    goal = GoalFactory(plan=SupportPlanFactory(case=case))
    ActionFactory(goal=goal, description="Colloquio al centro per l'impiego", due_on=days(10))
    ActionFactory(goal=goal, description="Troppo lontano", due_on=days(40))
    household.isee_expires_on = days(20)
    household.save()
    PersonFactory(
        household=household,
        relationship="partner",
        first_name="Karim",
        last_name="Haddad",
        residence_permit_kind="work",
        residence_permit_expires_on=days(50),
    )
    household.consents.update(expires_on=days(7))
    project.max_stay_months = 12
    project.save()
    Placement.objects.create(
        household=household,
        case=case,
        unit=HousingUnitFactory(project=project),
        start_date=add_months(days(9), -12),
    )


def test_my_day_shows_what_comes_with_links(client_for, alice, case_alfa, project_alfa):
    ahead(case_alfa, project_alfa)
    html = client_for(alice).get(reverse("home")).content.decode()
    household = case_alfa.household
    assert "Colloquio al centro per l&#x27;impiego" in html
    assert "Troppo lontano" not in html
    assert reverse("beneficiaries:household_update", args=[household.public_id]) in html  # ISEE
    karim = household.members.get(first_name="Karim")
    assert reverse("beneficiaries:person_update", args=[karim.public_id]) in html  # permit
    assert reverse("beneficiaries:consent_create", args=[household.public_id]) in html
    placement = Placement.objects.get()
    assert placement.get_absolute_url() in html  # maximum stay
    assert 'data-testid="my-day-max-stays"' in html
    assert 'data-testid="my-day-by-project"' not in html  # sums are for coordinators


def test_far_things_and_other_peoples_cases_are_not_shown(
    client_for, alice, bruno, case_alfa, project_alfa
):
    ahead(case_alfa, project_alfa)
    html = client_for(bruno).get(reverse("home")).content.decode()
    assert "Colloquio al centro" not in html
    assert "Karim" not in html


def test_a_permit_beyond_60_days_and_an_isee_beyond_30_wait(client_for, alice, case_alfa):
    household = case_alfa.household
    household.isee_expires_on = days(45)
    household.save()
    PersonFactory(household=household, relationship="partner", residence_permit_expires_on=days(70))
    html = client_for(alice).get(reverse("home")).content.decode()
    assert "Nessun ISEE in scadenza." in html
    assert "Nessun permesso in scadenza." in html


def test_the_coordinator_sums_their_projects(client_for, carla, case_alfa, project_alfa):
    ahead(case_alfa, project_alfa)
    html = client_for(carla).get(reverse("home")).content.decode()
    assert 'data-testid="my-day-by-project"' in html
    assert project_alfa.display_name in html


def test_the_coordinators_home_has_a_fixed_number_of_queries(
    client_for, carla, alice, case_alfa, project_alfa, coop_alfa, django_assert_max_num_queries
):
    ahead(case_alfa, project_alfa)
    client = client_for(carla)
    client.get(reverse("home"))
    # The worker's boxes (20, see tests/beneficiaries/test_pathway_views.py) and one sum
    # per kind for the coordinator's projects (8), the maximum stays in use and the
    # projects themselves (tests/dashboard/test_my_day_sums.py pins them alone), +1 for
    # the Assegno di inclusione's check-ins (issue 19).
    with django_assert_max_num_queries(33) as first:
        client.get(reverse("home"))
    for _n in range(4):
        case = CaseFactory(project=project_alfa, holding_organisation=coop_alfa)
        CaseAssignmentFactory(case=case, worker=alice)
        ahead(case, project_alfa)
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(reverse("home")).content.decode()
    assert html.count("Colloquio al centro per l&#x27;impiego") == 5
