"""A worker shares an existing goal or action with the household, or stops sharing it,
from the plan page; a health goal is never shared; only who may write the plan may."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from tests.factories import ActionFactory, GoalFactory, SupportPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(case_alfa):
    return GoalFactory(plan=SupportPlanFactory(case=case_alfa), description="Trovare lavoro")


def test_a_worker_shares_a_goal_and_an_action_and_stops(alice, goal, member_client):
    action = ActionFactory(goal=goal, description="Iscriversi al centro per l'impiego")
    staff = Client()  # the member's browser is another one
    staff.force_login(alice)
    assert "Trovare lavoro" not in member_client.get("/percorso/").content.decode()

    for url in (
        reverse("beneficiaries:goal_sharing", args=[goal.pk]),
        reverse("beneficiaries:action_sharing", args=[action.pk]),
    ):
        response = staff.post(url, {"visible": "1"})
        assert response.status_code == 302
    goal.refresh_from_db()
    action.refresh_from_db()
    assert goal.visible_to_household and action.visible_to_household
    page = member_client.get("/percorso/").content.decode()
    assert "Trovare lavoro" in page and "Iscriversi al centro per l&#x27;impiego" in page
    plan_page = staff.get(
        reverse("beneficiaries:plan_detail", args=[goal.plan.case.public_id])
    ).content.decode()
    assert 'data-testid="goal-shared"' in plan_page
    assert AuditEvent.objects.filter(object_id=str(goal.pk), action="update").exists()

    staff.post(reverse("beneficiaries:goal_sharing", args=[goal.pk]), {"visible": "0"})
    goal.refresh_from_db()
    assert not goal.visible_to_household
    assert "Trovare lavoro" not in member_client.get("/percorso/").content.decode()


def test_a_health_goal_is_never_shared(client_for, alice, case_alfa):
    health = GoalFactory(plan=SupportPlanFactory(case=case_alfa), domain="health")
    response = client_for(alice).post(
        reverse("beneficiaries:goal_sharing", args=[health.pk]), {"visible": "1"}, follow=True
    )
    health.refresh_from_db()
    assert not health.visible_to_household
    assert "Gli obiettivi di salute non sono mai mostrati al nucleo." in response.content.decode()


def test_another_organisation_cannot_share(client_for, bruno, goal):
    response = client_for(bruno).post(
        reverse("beneficiaries:goal_sharing", args=[goal.pk]), {"visible": "1"}
    )
    assert response.status_code == 404
    goal.refresh_from_db()
    assert not goal.visible_to_household


def test_sharing_is_a_post(client_for, alice, goal):
    response = client_for(alice).get(reverse("beneficiaries:goal_sharing", args=[goal.pk]))
    assert response.status_code == 405
