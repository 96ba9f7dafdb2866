"""The domain's events reach exactly the people who may see their subject: a scoping
matrix over the personas (bruno, the outsider, never hears anything of Alfa)."""

import pytest
from django.core import mail
from django.db import transaction

from beneficiaries.models import Referral
from beneficiaries.services import cases as cases_services
from beneficiaries.services import intake as intake_services
from dashboard.services import AssignMode, cases_assign_worker
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import PersonFactory, ReferralFactory, give_consent

Status = Referral.Status
PERSONAS = ["alice", "carla", "marco", "bruno", "dave", "olga"]


@pytest.fixture
def everyone(alice, carla, marco, bruno, dave, olga):
    return {u.username: u for u in (alice, carla, marco, bruno, dave, olga)}


def told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def draft(everyone, comune_uno, project_alfa):
    person = PersonFactory(
        household__registered_by=comune_uno, first_name="Fatima", last_name="El Amrani"
    )
    give_consent(person.household, project_alfa)
    return intake_services.referral_create(
        user=everyone["marco"],
        household=person.household,
        project=project_alfa,
        referring_organisation=comune_uno,
        reason="Sfratto.",
        urgency=Referral.Urgency.HIGH,
    )


@pytest.mark.django_db(transaction=True)
def test_referral_sent_reaches_the_projects_coordinators_only(everyone, draft):
    intake_services.referral_transition(
        user=everyone["marco"], referral=draft, to_status=Status.SENT
    )
    assert told(Kind.REFERRAL_SENT) == ["carla"]
    assert Notification.objects.count() == 1
    # The e-mail says what and how many, never whose.
    assert len(mail.outbox) == 1
    assert "Fatima" not in mail.outbox[0].body and "El Amrani" not in mail.outbox[0].body


def test_referral_created_and_sent_at_once(everyone, comune_uno, project_alfa):
    person = PersonFactory(household__registered_by=comune_uno)
    give_consent(person.household, project_alfa)
    intake_services.referral_create(
        user=everyone["marco"],
        household=person.household,
        project=project_alfa,
        referring_organisation=comune_uno,
        reason="Sfratto.",
        urgency=Referral.Urgency.HIGH,
        send=True,
    )
    assert told(Kind.REFERRAL_SENT) == ["carla"]


def test_a_draft_tells_nobody(everyone, draft):
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("to_status", "kind"),
    [(Status.ACCEPTED, Kind.REFERRAL_ACCEPTED), (Status.DECLINED, Kind.REFERRAL_DECLINED)],
)
def test_a_decision_reaches_the_referrer_only(everyone, draft, to_status, kind):
    intake_services.referral_transition(
        user=everyone["marco"], referral=draft, to_status=Status.SENT
    )
    intake_services.referral_transition(
        user=everyone["carla"], referral=draft, to_status=to_status, notes="Motivo."
    )
    assert told(kind) == ["marco"]
    assert "bruno" not in told(kind)


def test_withdrawn_reaches_the_coordinators(everyone, draft):
    intake_services.referral_transition(
        user=everyone["marco"], referral=draft, to_status=Status.SENT
    )
    intake_services.referral_transition(
        user=everyone["marco"], referral=draft, to_status=Status.WITHDRAWN
    )
    assert told(Kind.REFERRAL_WITHDRAWN) == ["carla"]


def test_a_withdrawn_draft_tells_nobody(everyone, draft):
    intake_services.referral_transition(
        user=everyone["marco"], referral=draft, to_status=Status.WITHDRAWN
    )
    assert Notification.objects.count() == 0


def test_a_coordinator_of_another_project_is_not_told(everyone, draft, project_beta, coop_beta):
    from tests.conftest import _staff

    _staff("beatrice", coop_beta, "coordinator")
    intake_services.referral_transition(
        user=everyone["marco"], referral=draft, to_status=Status.SENT
    )
    assert told(Kind.REFERRAL_SENT) == ["carla"]


def test_case_opened_reaches_its_workers(everyone, comune_uno, project_alfa, coop_alfa):
    referral = ReferralFactory(
        household=PersonFactory(household__registered_by=comune_uno).household,
        project=project_alfa,
        status=Status.ACCEPTED,
    )
    cases_services.case_open(
        user=everyone["carla"],
        referral=referral,
        holding_organisation=coop_alfa,
        workers=[everyone["alice"], everyone["carla"]],
    )
    # carla opened it: never told of her own act.
    assert told(Kind.CASE_OPENED) == ["alice"]
    assert told(Kind.WORKER_ASSIGNED) == []


def test_assigning_tells_the_newly_added_workers_only(everyone, case_alfa):
    cases_services.case_assign_workers(
        user=everyone["carla"], case=case_alfa, workers=[everyone["alice"], everyone["dave"]]
    )
    assert told(Kind.WORKER_ASSIGNED) == ["dave"]


def test_bulk_reassignment_tells_the_new_worker(everyone, case_alfa):
    cases_assign_worker(
        user=everyone["carla"], cases=[case_alfa], worker=everyone["dave"], mode=AssignMode.REPLACE
    )
    assert told(Kind.WORKER_ASSIGNED) == ["dave"]


def test_an_unchanged_assignment_tells_nobody(everyone, case_alfa):
    cases_services.case_assign_workers(
        user=everyone["carla"], case=case_alfa, workers=[everyone["alice"]]
    )
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rollback_sends_nothing(everyone, draft):
    with pytest.raises(RuntimeError), transaction.atomic():
        intake_services.referral_transition(
            user=everyone["marco"], referral=draft, to_status=Status.SENT
        )
        assert told(Kind.REFERRAL_SENT) == ["carla"]
        raise RuntimeError
    assert Notification.objects.count() == 0
    assert mail.outbox == []
