"""Appointments (issue 18 A): the rules of planning one, the conflicts the database
finds (a worker twice at once: a warning; a room twice: refused), recording the outcome
as a diary entry in one step, the missed count, what the household may know, and the
reminders of the day before."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from beneficiaries.models import Appointment, CaseNote, Room
from beneficiaries.selectors import appointments as selectors
from beneficiaries.services import appointments as services
from core.models import AuditEvent
from notifications.models import Notification
from tests.factories import CaseAssignmentFactory, CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def room(coop_alfa):
    return Room.objects.create(organisation=coop_alfa, name="Sala colloqui")


def schedule(user, case, **overrides):
    values = {
        "kind": Appointment.Kind.INTERVIEW,
        "starts_at": at(TOMORROW, 10),
        "duration_minutes": 60,
        "place": Appointment.Place.OFFICE,
        "staff": [user],
    }
    values.update(overrides)
    return services.appointment_schedule(user=user, case=case, **values)


def test_scheduling_keeps_what_was_planned_and_writes_the_audit_row(alice, case_alfa, room):
    member = case_alfa.household.members.get()
    appointment = schedule(
        alice,
        case_alfa,
        room=room,
        members=[member],
        interpreter_needed=True,
        interpreter_language="arabo",
        interpreter_booked=True,
        interpreter_name="Cooperativa Mediatori",
        notes="portare il modulo ISEE",
    )
    appointment.refresh_from_db()
    assert appointment.ends_at == at(TOMORROW, 11)
    assert appointment.status == Appointment.Status.PLANNED
    assert list(appointment.staff.all()) == [alice]
    assert list(appointment.members.all()) == [member]
    event = AuditEvent.objects.get(model_label="beneficiaries.Appointment")
    assert event.action == AuditEvent.Action.CREATE
    assert event.case_id == case_alfa.pk
    assert event.household_id == case_alfa.household_id


def test_every_error_at_once_and_nothing_saved(alice, bruno, case_alfa, room):
    other = PersonFactory()  # of another household
    with pytest.raises(ValidationError) as error:
        schedule(
            alice,
            case_alfa,
            starts_at=at(datetime.date(2026, 1, 1), 9),  # before the case opened
            place=Appointment.Place.OUTSIDE,
            room=room,
            place_details="",
            staff=[bruno],
            members=[other],
            interpreter_needed=True,
            interpreter_language="",
            interpreter_booked=True,
            interpreter_name="",
        )
    errors = error.value.message_dict
    assert set(errors) == {
        "starts_at",
        "staff",
        "members",
        "room",
        "place_details",
        "interpreter_language",
        "interpreter_name",
    }
    assert "Indica dove si svolge" in errors["place_details"][0]
    assert Appointment.objects.count() == 0
    assert not AuditEvent.objects.filter(model_label="beneficiaries.Appointment").exists()


def test_no_staff_is_refused(alice, case_alfa):
    with pytest.raises(ValidationError) as error:
        schedule(alice, case_alfa, staff=[])
    assert error.value.message_dict["staff"] == ["Indica almeno un operatore coinvolto."]


def test_a_closed_case_takes_no_appointment(alice, case_alfa):
    case_alfa.closed_on = datetime.date(2026, 6, 1)
    case_alfa.save()
    with pytest.raises(ValidationError):
        schedule(alice, case_alfa)


def test_a_referrer_may_not_schedule(marco, case_alfa):
    with pytest.raises(PermissionDenied):
        schedule(marco, case_alfa, staff=[])


def test_a_worker_twice_at_once_is_found_by_the_database_but_not_refused(alice, dave, case_alfa):
    first = schedule(alice, case_alfa)
    found = selectors.conflicts(
        starts_at=at(TOMORROW, 10, 30), ends_at=at(TOMORROW, 11, 30), staff=[alice, dave]
    )
    assert [(worker, start) for worker, start, _end in found.workers] == [(alice, first.starts_at)]
    # Touching is not overlapping; a cancelled appointment frees the worker.
    assert not selectors.conflicts(
        starts_at=at(TOMORROW, 11), ends_at=at(TOMORROW, 12), staff=[alice]
    )
    second = schedule(alice, case_alfa, starts_at=at(TOMORROW, 10, 30))
    assert second.pk
    services.appointment_cancel(user=alice, appointment=first)
    assert not selectors.conflicts(
        starts_at=at(TOMORROW, 10), ends_at=at(TOMORROW, 11), staff=[alice], exclude=second
    )


def test_a_room_booked_twice_is_refused(alice, dave, case_alfa, room):
    schedule(alice, case_alfa, room=room)
    with pytest.raises(ValidationError) as error:
        schedule(dave, case_alfa, room=room, starts_at=at(TOMORROW, 10, 45), staff=[dave])
    assert "La stanza è già prenotata" in error.value.message_dict["room"][0]
    assert Appointment.objects.count() == 1
    # After the first one, the room is free.
    assert schedule(dave, case_alfa, room=room, starts_at=at(TOMORROW, 11), staff=[dave])


@pytest.mark.postgres
def test_postgres_itself_refuses_a_room_booked_twice(alice, case_alfa, room):
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    first = schedule(alice, case_alfa, room=room)
    twin = Appointment(
        case=case_alfa,
        kind=first.kind,
        starts_at=first.starts_at,
        ends_at=first.ends_at,
        duration_minutes=60,
        place="office",
        room=room,
    )
    with pytest.raises(IntegrityError, match=services.ROOM_EXCLUSION), transaction.atomic():
        twin.save()


def test_sqlite_counterpart_the_service_refuses_the_same_room(alice, case_alfa, room):
    first = schedule(alice, case_alfa, room=room)
    with pytest.raises(ValidationError):
        schedule(alice, case_alfa, room=room, starts_at=first.starts_at)


def test_other_households_only_for_a_group_activity(alice, case_alfa, project_alfa, coop_alfa):
    other_case = CaseFactory(
        household=PersonFactory().household, project=project_alfa, holding_organisation=coop_alfa
    )
    CaseAssignmentFactory(case=other_case, worker=alice)
    with pytest.raises(ValidationError) as error:
        schedule(alice, case_alfa, households=[other_case.household])
    assert "households" in error.value.message_dict
    group = schedule(
        alice,
        case_alfa,
        kind=Appointment.Kind.GROUP_ACTIVITY,
        households=[other_case.household],
    )
    assert list(group.households.all()) == [other_case.household]
    # It is among the other household's appointments, too.
    assert group in selectors.appointments_of(user=alice, case=other_case)


def test_recording_the_outcome_writes_the_diary_entry_in_one_step(alice, case_alfa):
    appointment = schedule(
        alice,
        case_alfa,
        starts_at=at(YESTERDAY, 10),
        interpreter_needed=True,
        interpreter_language="tigrino",
        interpreter_booked=True,
        interpreter_name="Mediatrice Selam",
    )
    note = services.appointment_record_outcome(
        user=alice,
        appointment=appointment,
        held=True,
        duration_minutes=50,
        interpreter_used=True,
        text="Abbiamo parlato della ricerca di lavoro.",
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.HELD
    assert appointment.interpreter_used is True
    assert appointment.diary_note == note
    assert note.case == case_alfa
    assert note.kind == CaseNote.Kind.INTERVIEW
    assert note.happened_on == YESTERDAY
    assert note.duration_minutes == 50
    assert "svolto" in note.text and "tigrino): presente" in note.text
    assert "ricerca di lavoro" in note.text
    assert AuditEvent.objects.filter(
        model_label="beneficiaries.Appointment", action=AuditEvent.Action.UPDATE
    ).exists()
    # Once recorded it cannot be recorded again.
    with pytest.raises(ValidationError):
        services.appointment_record_outcome(
            user=alice, appointment=appointment, held=True, duration_minutes=50, text="x"
        )
    assert CaseNote.objects.count() == 1


def test_a_missed_appointment_counts_on_the_case(alice, case_alfa):
    kept = schedule(alice, case_alfa, starts_at=at(YESTERDAY, 9))
    missed = schedule(alice, case_alfa, starts_at=at(YESTERDAY, 11))
    staff_off = schedule(alice, case_alfa, starts_at=at(YESTERDAY, 15))
    services.appointment_record_outcome(
        user=alice, appointment=kept, held=True, duration_minutes=30, text="ok"
    )
    services.appointment_record_outcome(
        user=alice,
        appointment=missed,
        held=False,
        duration_minutes=15,
        not_held_reason=Appointment.NotHeldReason.NO_SHOW,
    )
    services.appointment_record_outcome(
        user=alice,
        appointment=staff_off,
        held=False,
        duration_minutes=5,
        not_held_reason=Appointment.NotHeldReason.STAFF_UNAVAILABLE,
    )
    assert selectors.missed_count(case=case_alfa) == 1
    missed.refresh_from_db()
    assert "non svolto, il nucleo non si è presentato" in missed.diary_note.text


def test_outcome_errors_together_and_nothing_saved(alice, case_alfa):
    future = schedule(alice, case_alfa, interpreter_needed=True, interpreter_language="urdu")
    with pytest.raises(ValidationError) as error:
        services.appointment_record_outcome(
            user=alice, appointment=future, held=True, duration_minutes=30, text=""
        )
    assert set(error.value.message_dict) == {"held", "text", "interpreter_used"}
    past = schedule(alice, case_alfa, starts_at=at(YESTERDAY, 10))
    with pytest.raises(ValidationError) as error:
        services.appointment_record_outcome(
            user=alice, appointment=past, held=False, duration_minutes=30
        )
    assert error.value.message_dict["not_held_reason"] == [
        "Indica perché l'appuntamento non si è svolto."
    ]
    assert CaseNote.objects.count() == 0
    assert Appointment.objects.filter(status=Appointment.Status.PLANNED).count() == 2


def test_a_failing_diary_entry_leaves_the_appointment_planned(alice, case_alfa):
    """The diary refuses (the case closed meanwhile): the appointment stays as it was."""
    appointment = schedule(alice, case_alfa, starts_at=at(YESTERDAY, 10))
    case_alfa.closed_on = timezone.localdate()
    case_alfa.save()
    with pytest.raises(ValidationError):
        services.appointment_record_outcome(
            user=alice, appointment=appointment, held=True, duration_minutes=30, text="ok"
        )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.PLANNED
    assert appointment.diary_note is None
    assert CaseNote.objects.count() == 0


def test_the_household_learns_only_what_it_may_know(alice, case_alfa, room):
    schedule(
        alice,
        case_alfa,
        room=room,
        notes="segreto dello staff",
        interpreter_needed=True,
        interpreter_language="arabo",
        interpreter_booked=True,
        interpreter_name="Mediatore Karim",
    )
    schedule(alice, case_alfa, starts_at=at(TOMORROW, 15))
    schedule(alice, case_alfa, starts_at=at(YESTERDAY, 15))  # past: not upcoming
    cancelled = schedule(alice, case_alfa, starts_at=at(TOMORROW, 17))
    services.appointment_cancel(user=alice, appointment=cancelled)
    upcoming = selectors.upcoming_for_household(case_alfa.household, limit=5)
    assert [a.starts_at for a in upcoming] == [at(TOMORROW, 10), at(TOMORROW, 15)]
    first = upcoming[0]
    assert first.kind_label == "Colloquio"
    assert first.place_label == "Sala colloqui · " + room.organisation.display_name
    assert first.interpreter_booked is True
    assert not hasattr(first, "notes") and not hasattr(first, "interpreter_name")
    assert "segreto" not in repr(upcoming) and "Karim" not in repr(upcoming)
    assert len(selectors.upcoming_for_household(case_alfa.household, limit=1)) == 1


def test_upcoming_for_household_is_one_query(alice, case_alfa, django_assert_num_queries):
    for hour in (9, 11, 14):
        schedule(alice, case_alfa, starts_at=at(TOMORROW, hour))
    with django_assert_num_queries(1):
        selectors.upcoming_for_household(case_alfa.household, limit=5)


def test_the_day_before_the_staff_are_reminded_once(alice, dave, carla, case_alfa):
    schedule(alice, case_alfa, staff=[alice, dave])
    schedule(alice, case_alfa, starts_at=at(TOMORROW, 15), staff=[alice])
    schedule(alice, case_alfa, starts_at=at(TOMORROW + datetime.timedelta(days=1), 9))
    call_command("scan_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("scan_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reminders = Notification.objects.filter(kind="appointment_tomorrow").order_by(
        "recipient__username"
    )
    assert [(n.recipient, n.count) for n in reminders] == [(alice, 2), (dave, 1)]
    assert reminders[0].link.endswith(f"?settimana={TOMORROW.isoformat()}")
    assert reminders[0].text() == "2 appuntamenti domani"


def test_worker_week_marks_the_clashes(alice, dave, case_alfa, room):
    monday = selectors.monday_of(TOMORROW)
    a = schedule(alice, case_alfa, room=room)
    b = schedule(alice, case_alfa, starts_at=at(TOMORROW, 10, 30))
    c = schedule(alice, case_alfa, starts_at=at(TOMORROW, 14), staff=[alice, dave])
    week = {x.pk: x for x in selectors.week_of(user=alice, monday=monday)}
    assert set(week) == {a.pk, b.pk, c.pk}
    assert week[a.pk].worker_clash and week[b.pk].worker_clash
    assert not week[c.pk].worker_clash
    assert all(x.visible for x in week.values())
    assert week[a.pk].household_name == "Fatima El Amrani"
    assert not week[a.pk].room_clash


def test_project_week_shows_who_is_where(alice, dave, carla, case_alfa, project_alfa):
    monday = selectors.monday_of(TOMORROW)
    a = schedule(alice, case_alfa, staff=[alice, dave])
    schedule(alice, case_alfa, starts_at=at(TOMORROW, 10, 15), staff=[dave])
    weeks = selectors.project_week(user=carla, project=project_alfa, monday=monday)
    by_worker = {w.worker: w.appointments for w in weeks}
    assert set(by_worker) == {alice, dave}
    assert by_worker[alice] == [(a, False)]
    assert [clash for _a, clash in by_worker[dave]] == [True, True]


def test_a_group_activity_of_a_case_the_user_cannot_open_is_not_listed(
    alice, bruno, case_alfa, household_beta
):
    beta_case = household_beta.cases.get()
    foreign = Appointment.objects.create(
        case=beta_case,
        kind=Appointment.Kind.GROUP_ACTIVITY,
        starts_at=at(TOMORROW, 10),
        ends_at=at(TOMORROW, 11),
        duration_minutes=60,
        place=Appointment.Place.OFFICE,
    )
    foreign.households.add(case_alfa.household)
    assert foreign not in selectors.appointments_of(user=alice, case=case_alfa)
    assert foreign in selectors.appointments_of(user=bruno, case=beta_case)
