"""The pages of appointments: every URL called by every persona (the scoping matrix),
the query counts pinned, the conflict warning on the form, bad input with clear Italian
errors and nothing saved, and the outcome turning into a diary entry.

- bruno, a worker of another cooperative: 404 on every page of Alfa's case;
- marco, the municipal referrer who sent the household: 404 (appointments are
  casework, like the diary);
- olga, Alfa's organisation admin (no casework): 404 on the case's pages;
- dave, Alfa's worker not assigned, and carla, the coordinator: 200, like the diary;
- alice, the assigned worker: 200;
- the project's week: carla (who coordinates it) 200; alice, whose organisation works in
  the project, 403; bruno and marco, whose organisations do not, 404.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from beneficiaries.models import Appointment, CaseNote, Room
from beneficiaries.selectors.appointments import monday_of
from beneficiaries.services import appointments as services
from tests.a11y import accessibility_problems

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


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


@pytest.fixture
def room(coop_alfa):
    return Room.objects.create(organisation=coop_alfa, name="Sala colloqui")


@pytest.fixture
def appointment(alice, case_alfa):
    return schedule(alice, case_alfa, starts_at=at(YESTERDAY, 10))


def form_data(user, **overrides):
    data = {
        "kind": "interview",
        "day": TOMORROW.isoformat(),
        "time": "10:00",
        "duration_minutes": "60",
        "place": "office",
        "staff": [str(user.pk)],
        "interpreter_needed": "on",
        "interpreter_language": "arabo",
    }
    data.update(overrides)
    return data


CASE_PAGES = ["appointment_list", "appointment_create"]
APPOINTMENT_PAGES = ["appointment_detail", "appointment_update", "appointment_outcome"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("dave", 200), ("carla", 200), ("bruno", 404), ("marco", 404), ("olga", 404)],
)
def test_scoping_matrix_case_and_appointment_pages(
    request, client_for, persona, expected, case_alfa, appointment
):
    client = client_for(request.getfixturevalue(persona))
    for name in CASE_PAGES:
        response = client.get(reverse(f"beneficiaries:{name}", args=[case_alfa.public_id]))
        assert response.status_code == expected, name
    for name in APPOINTMENT_PAGES:
        response = client.get(reverse(f"beneficiaries:{name}", args=[appointment.public_id]))
        assert response.status_code == expected, name
    if expected != 200:
        # Writes are refused the same way, and nothing is saved.
        user = request.getfixturevalue(persona)
        for name, key, data in [
            ("appointment_create", case_alfa.public_id, form_data(user)),
            ("appointment_update", appointment.public_id, form_data(user)),
            ("appointment_outcome", appointment.public_id, {"held": "yes", "text": "x"}),
        ]:
            response = client.post(reverse(f"beneficiaries:{name}", args=[key]), data)
            assert response.status_code == expected, name
        assert Appointment.objects.count() == 1
        assert not CaseNote.objects.exists()
    response = client.post(
        reverse("beneficiaries:appointment_cancel", args=[appointment.public_id])
    )
    assert response.status_code == (302 if expected == 200 else expected)
    appointment.refresh_from_db()
    assert appointment.is_planned == (expected != 200)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("carla", 200), ("alice", 403), ("dave", 403), ("bruno", 404), ("marco", 404)],
)
def test_scoping_matrix_project_week(request, client_for, persona, expected, project_alfa):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("beneficiaries:project_week", args=[project_alfa.slug]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("alice", 200), ("carla", 200), ("bruno", 200), ("marco", 403), ("olga", 403)],
)
def test_scoping_matrix_own_week_and_calendar(request, client_for, persona, expected):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("beneficiaries:my_week")).status_code == expected
    assert client.get(reverse("beneficiaries:calendar_settings")).status_code == expected


def test_get_on_post_only_url_is_405(client_for, alice, appointment):
    response = client_for(alice).get(
        reverse("beneficiaries:appointment_cancel", args=[appointment.public_id])
    )
    assert response.status_code == 405


def test_bruno_sees_in_his_week_nothing_of_alfa(client_for, alice, bruno, case_alfa):
    schedule(alice, case_alfa)
    response = client_for(bruno).get(
        reverse("beneficiaries:my_week") + f"?settimana={TOMORROW.isoformat()}"
    )
    assert "Fatima" not in response.content.decode()
    assert 'data-testid="week-appointment"' not in response.content.decode()


def test_schedule_through_the_form_with_the_conflict_warning(client_for, alice, case_alfa):
    schedule(alice, case_alfa)
    client = client_for(alice)
    url = reverse("beneficiaries:appointment_create", args=[case_alfa.public_id])
    response = client.post(url, form_data(alice, time="10:30"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="conflict-warning"' in page
    assert "Alice Rossi ha già un appuntamento" in page
    assert Appointment.objects.count() == 1
    response = client.post(url, form_data(alice, time="10:30", confirm_conflicts="on"))
    assert response.status_code == 302
    assert Appointment.objects.count() == 2
    saved = Appointment.objects.latest("created_at")
    assert saved.interpreter_needed and saved.interpreter_language == "arabo"
    assert response["Location"] == saved.get_absolute_url()


def test_bad_input_gives_every_error_in_italian_and_saves_nothing(client_for, alice, case_alfa):
    response = client_for(alice).post(
        reverse("beneficiaries:appointment_create", args=[case_alfa.public_id]),
        form_data(
            alice,
            kind="",
            time="25:99",
            duration_minutes="0",
            place="outside",
            staff=[],
            interpreter_language="",
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["kind"] == ["Scegli il tipo di appuntamento."]
    assert form.errors["time"] == ["Ora non valida."]
    assert form.errors["duration_minutes"] == ["La durata va da 1 minuto a 24 ore."]
    assert form.errors["staff"] == ["Indica almeno un operatore coinvolto."]
    assert form.errors["place_details"] == ["Indica dove si svolge l'appuntamento fuori sede."]
    assert form.errors["interpreter_language"] == [
        "Indica la lingua dell'interprete o del mediatore."
    ]
    assert Appointment.objects.count() == 0


def test_a_room_of_another_organisation_is_not_offered(client_for, alice, case_alfa, coop_beta):
    foreign = Room.objects.create(organisation=coop_beta, name="Sala Beta")
    response = client_for(alice).post(
        reverse("beneficiaries:appointment_create", args=[case_alfa.public_id]),
        form_data(alice, room=str(foreign.pk)),
    )
    assert response.context["form"].errors["room"] == ["Scegli una stanza dell'elenco."]
    assert Appointment.objects.count() == 0


def test_a_room_booked_twice_is_refused_on_the_form(client_for, alice, dave, case_alfa, room):
    schedule(dave, case_alfa, room=room, staff=[dave])
    response = client_for(alice).post(
        reverse("beneficiaries:appointment_create", args=[case_alfa.public_id]),
        form_data(alice, room=str(room.pk), time="10:30"),
    )
    assert response.context["form"].errors["room"] == [
        "La stanza è già prenotata in quell'orario: scegline un'altra."
    ]
    assert Appointment.objects.count() == 1


def test_update_moves_the_appointment(client_for, alice, case_alfa):
    appointment = schedule(alice, case_alfa)
    response = client_for(alice).post(
        reverse("beneficiaries:appointment_update", args=[appointment.public_id]),
        form_data(alice, time="16:00", interpreter_needed="", interpreter_language=""),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(TOMORROW, 16)
    assert appointment.interpreter_needed is False


def test_recording_the_outcome_lands_in_the_diary(client_for, alice, case_alfa, appointment):
    client = client_for(alice)
    response = client.post(
        reverse("beneficiaries:appointment_outcome", args=[appointment.public_id]),
        {"held": "yes", "duration_minutes": "45", "text": "Colloquio sul lavoro."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("beneficiaries:diary_list", args=[case_alfa.public_id])
    diary = client.get(response["Location"]).content.decode()
    assert "Colloquio sul lavoro." in diary
    assert CaseNote.objects.get().appointment == appointment


def test_outcome_bad_input_saves_nothing(client_for, alice, appointment):
    response = client_for(alice).post(
        reverse("beneficiaries:appointment_outcome", args=[appointment.public_id]),
        {"held": "no", "duration_minutes": "", "not_held_reason": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["not_held_reason"] == ["Indica perché l'appuntamento non si è svolto."]
    assert errors["duration_minutes"] == ["Indica la durata in minuti."]
    assert CaseNote.objects.count() == 0
    appointment.refresh_from_db()
    assert appointment.is_planned


def test_case_page_links_the_appointments_with_the_missed_count(client_for, alice, case_alfa):
    missed = schedule(alice, case_alfa, starts_at=at(YESTERDAY, 9))
    services.appointment_record_outcome(
        user=alice,
        appointment=missed,
        held=False,
        duration_minutes=10,
        not_held_reason=Appointment.NotHeldReason.NO_SHOW,
    )
    page = client_for(alice).get(case_alfa.get_absolute_url()).content.decode()
    assert 'data-testid="case-appointments-link"' in page
    assert "1 mancato" in page


def test_a_wrong_week_says_so_and_shows_this_week(client_for, alice):
    response = client_for(alice).get(reverse("beneficiaries:my_week") + "?settimana=2026-13-45")
    assert response.status_code == 200
    assert "La settimana indicata non è valida" in response.content.decode()


def test_week_navigation(client_for, alice, case_alfa):
    schedule(alice, case_alfa, starts_at=at(TOMORROW + datetime.timedelta(days=7), 10))
    client = client_for(alice)
    this_week = client.get(reverse("beneficiaries:my_week") + f"?settimana={TOMORROW.isoformat()}")
    next_week = this_week.context["next_week"]
    assert not this_week.context["by_day"] or all(
        x.starts_at.date() != TOMORROW + datetime.timedelta(days=7)
        for _day, items in this_week.context["by_day"]
        for x in items
    )
    page = client.get(reverse("beneficiaries:my_week") + f"?settimana={next_week}")
    assert page.content.decode().count('data-testid="week-appointment"') == 1


def test_an_appointment_running_past_sunday_midnight_shows_in_both_weeks(
    client_for, alice, case_alfa
):
    next_monday = monday_of(TOMORROW) + datetime.timedelta(days=7)
    sunday = next_monday - datetime.timedelta(days=1)
    schedule(alice, case_alfa, starts_at=at(sunday, 23), duration_minutes=120)
    client = client_for(alice)
    for day, shown_on in ((sunday, sunday), (next_monday, next_monday)):
        page = client.get(reverse("beneficiaries:my_week") + f"?settimana={day.isoformat()}")
        assert [d for d, items in page.context["by_day"] if items] == [shown_on]
        assert page.content.decode().count('data-testid="week-appointment"') == 1


# Query counts -------------------------------------------------------------------------


def _many(alice, dave, case_alfa, room, n):
    for index in range(n):
        schedule(
            alice,
            case_alfa,
            starts_at=at(TOMORROW, 8 + index),
            staff=[alice, dave],
            room=room if index % 2 else None,
        )


@pytest.mark.parametrize("n", [1, 5])
def test_query_counts_stay_the_same_however_many(
    client_for, alice, dave, carla, case_alfa, project_alfa, room, n, django_assert_num_queries
):
    _many(alice, dave, case_alfa, room, n)
    week = reverse("beneficiaries:my_week") + f"?settimana={TOMORROW.isoformat()}"
    listing = reverse("beneficiaries:appointment_list", args=[case_alfa.public_id])
    project = (
        reverse("beneficiaries:project_week", args=[project_alfa.slug])
        + f"?settimana={TOMORROW.isoformat()}"
    )
    client = client_for(alice)
    client.get(week)  # the session's first request warms what every page reads
    with django_assert_num_queries(4):
        assert client.get(week).status_code == 200
    with django_assert_num_queries(12):
        assert client.get(listing).status_code == 200
    client = client_for(carla)
    client.get(project)
    with django_assert_num_queries(7):
        assert client.get(project).status_code == 200


def test_query_count_of_the_appointment_page(
    client_for, alice, appointment, django_assert_num_queries
):
    client = client_for(alice)
    url = appointment.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_account_page_offers_the_calendar_to_casework_only(client_for, alice, marco):
    url = reverse("account_security")
    assert 'data-testid="calendar-settings-link"' in client_for(alice).get(url).content.decode()
    assert 'data-testid="calendar-settings-link"' not in (
        client_for(marco).get(url).content.decode()
    )


def test_the_pages_read_in_english(client_for, alice, case_alfa, appointment):
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("beneficiaries:appointment_list", args=[case_alfa.public_id]),
        headers={"accept-language": "en"},
    ).content.decode()
    translation.activate("it")  # the request left English active in this thread
    assert "New appointment" in page
    assert "0 appointments missed by the household" in page


def test_a_coordinator_reaches_the_project_week_from_her_week(client_for, carla, project_alfa):
    page = client_for(carla).get(reverse("beneficiaries:my_week")).content.decode()
    assert reverse("beneficiaries:project_week", args=[project_alfa.slug]) in page


def test_every_page_keeps_the_accessible_markup(
    client_for, alice, carla, case_alfa, project_alfa, appointment
):
    schedule(alice, case_alfa, interpreter_needed=True, interpreter_language="arabo")
    services.calendar_feed_reset(user=alice)
    week = f"?settimana={YESTERDAY.isoformat()}"
    pages = {
        alice: [
            reverse("beneficiaries:appointment_list", args=[case_alfa.public_id]),
            reverse("beneficiaries:appointment_create", args=[case_alfa.public_id]),
            appointment.get_absolute_url(),
            reverse("beneficiaries:appointment_update", args=[appointment.public_id]),
            reverse("beneficiaries:appointment_outcome", args=[appointment.public_id]),
            reverse("beneficiaries:my_week") + week,
            reverse("beneficiaries:calendar_settings"),
        ],
        carla: [reverse("beneficiaries:project_week", args=[project_alfa.slug]) + week],
    }
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert accessibility_problems(response.content.decode()) == [], url
