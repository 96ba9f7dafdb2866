"""Appointments in the privacy registry: the person's export holds them (under their
case), the erasure of the household clears their free text and takes the household off
other cases' group activities; the household view learns nothing staff-only."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Appointment
from beneficiaries.services import appointments as services
from privacy import services as privacy_services
from tests.factories import CaseAssignmentFactory, CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def planned(alice, case_alfa):
    return services.appointment_schedule(
        user=alice,
        case=case_alfa,
        kind=Appointment.Kind.SCHOOL,
        starts_at=at(datetime.date(2026, 3, 2), 8),
        duration_minutes=45,
        place=Appointment.Place.OUTSIDE,
        place_details="Scuola primaria di via Roma",
        staff=[alice],
        interpreter_needed=True,
        interpreter_language="tigrino",
        interpreter_booked=True,
        interpreter_name="Mediatrice Selam",
        notes="la maestra chiede il certificato",
    )


def test_the_export_holds_the_appointments_of_the_case(carla, case_alfa, planned):
    person = case_alfa.household.members.get()
    text = json.dumps(privacy_services.person_export(user=carla, person=person), default=str)
    assert "appuntamenti" in text
    assert "Scuola primaria di via Roma" in text
    assert "la maestra chiede il certificato" in text
    assert "tigrino" in text


def test_erasure_clears_the_free_text_and_the_group_activities_forget_the_household(
    alice, case_alfa, project_alfa, coop_alfa, planned
):
    other = CaseFactory(
        household=PersonFactory().household, project=project_alfa, holding_organisation=coop_alfa
    )
    CaseAssignmentFactory(case=other, worker=alice)
    group = services.appointment_schedule(
        user=alice,
        case=other,
        kind=Appointment.Kind.GROUP_ACTIVITY,
        starts_at=at(datetime.date(2026, 3, 9), 15),
        duration_minutes=90,
        place=Appointment.Place.OFFICE,
        staff=[alice],
        households=[case_alfa.household],
    )
    case_alfa.closed_on = datetime.date(2026, 4, 1)
    case_alfa.save()
    privacy_services.household_anonymise(
        user=None, household=case_alfa.household, today=datetime.date(2040, 1, 1)
    )
    planned.refresh_from_db()
    assert planned.place_details == ""
    assert planned.notes == ""
    assert planned.interpreter_name == ""
    assert planned.interpreter_language == ""
    assert planned.kind == Appointment.Kind.SCHOOL  # kept for the statistics
    assert case_alfa.household not in group.households.all()


def test_the_household_history_tells_the_appointment(client_for, carla, alice, planned):
    services.appointment_record_outcome(
        user=alice,
        appointment=planned,
        held=True,
        duration_minutes=40,
        interpreter_used=False,
        text="Incontro con la maestra.",
    )
    household = planned.case.household
    response = client_for(carla).get(
        reverse("beneficiaries:household_history", args=[household.public_id])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Appuntamento" in page or "appuntamento" in page
