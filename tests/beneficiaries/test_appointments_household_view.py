"""The household's next appointments on its own view ("Il mio percorso"): kind, when,
where, the interpreter booked, in the member's language; never the staff's notes, the
interpreter's name or who else comes."""

import datetime

import pytest
from django.utils import timezone

from beneficiaries.models import Appointment, Room
from beneficiaries.services import appointments as services
from tests.household_view.conftest import issued, member, member_client  # noqa: F401

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def planned(alice, case_alfa, coop_alfa):
    room = Room.objects.create(organisation=coop_alfa, name="Sala Blu")
    return services.appointment_schedule(
        user=alice,
        case=case_alfa,
        kind=Appointment.Kind.QUESTURA,
        starts_at=timezone.make_aware(datetime.datetime.combine(TOMORROW, datetime.time(9))),
        duration_minutes=60,
        place=Appointment.Place.OFFICE,
        room=room,
        staff=[alice],
        interpreter_needed=True,
        interpreter_language="arabo",
        interpreter_booked=True,
        interpreter_name="Mediatore Karim",
        notes="nota solo per lo staff",
    )


def test_the_member_sees_the_next_appointment_and_nothing_staff_only(
    member_client,  # noqa: F811
    planned,
):
    html = member_client.get("/percorso/").content.decode()
    assert 'data-testid="next-appointments"' in html
    assert "Accompagnamento in questura (permesso di soggiorno)" in html
    assert "Sala Blu · Cooperativa Alfa · con l'interprete" in html
    for secret in ("nota solo per lo staff", "Mediatore Karim", "arabo"):
        assert secret not in html


def test_in_french(member_client, planned):  # noqa: F811
    member_client.post("/percorso/lingua/", {"language": "fr"})
    html = member_client.get("/percorso/").content.decode()
    assert "Vos prochains rendez-vous" in html
    assert "Accompagnement à la questura (titre de séjour)" in html


def test_nothing_planned_says_so(member_client):  # noqa: F811
    html = member_client.get("/percorso/").content.decode()
    assert "Nessun appuntamento in programma." in html
