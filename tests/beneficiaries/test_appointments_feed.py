"""The worker's private calendar feed (iCalendar): a secret link, no login, the token
kept only as a hash and reset at will, and no name in it unless the worker chooses."""

import datetime
import hashlib

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Appointment, CalendarFeed
from beneficiaries.services import appointments as services

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def appointments(alice, case_alfa):
    planned = services.appointment_schedule(
        user=alice,
        case=case_alfa,
        kind=Appointment.Kind.QUESTURA,
        starts_at=at(TOMORROW, 9, 30),
        duration_minutes=90,
        place=Appointment.Place.OUTSIDE,
        place_details="Questura di Monza; ufficio immigrazione, sportello 3",
        staff=[alice],
        interpreter_needed=True,
        interpreter_language="arabo",
        notes="nota riservata agli operatori",
    )
    cancelled = services.appointment_schedule(
        user=alice,
        case=case_alfa,
        kind=Appointment.Kind.HOME_VISIT,
        starts_at=at(TOMORROW, 15),
        duration_minutes=60,
        place=Appointment.Place.HOME,
        staff=[alice],
    )
    services.appointment_cancel(user=alice, appointment=cancelled)
    return planned, cancelled


def _feed_url(token):
    return reverse("beneficiaries:calendar_feed", args=[token])


def test_the_token_is_kept_only_as_a_hash_and_reset_stops_the_old_link(client, alice):
    token = services.calendar_feed_reset(user=alice)
    feed = CalendarFeed.objects.get(user=alice)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    assert client.get(_feed_url(token)).status_code == 200
    new = services.calendar_feed_reset(user=alice)
    assert new != token
    assert client.get(_feed_url(token)).status_code == 404
    assert client.get(_feed_url(new)).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_a_wrong_token_is_404_and_needs_no_login(client, alice):
    services.calendar_feed_reset(user=alice)
    assert client.get(_feed_url("not-the-token")).status_code == 404


def test_an_inactive_worker_has_no_feed(client, alice):
    token = services.calendar_feed_reset(user=alice)
    alice.is_active = False
    alice.save()
    assert client.get(_feed_url(token)).status_code == 404


def test_by_default_no_names_and_no_outside_address(client, alice, appointments):
    planned, cancelled = appointments
    token = services.calendar_feed_reset(user=alice)
    response = client.get(_feed_url(token))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    event = events[f"{planned.public_id}@abitare"]
    reference = "PC-" + planned.case.public_id.hex[:8].upper()
    assert str(event["summary"]) == (
        f"Accompagnamento in questura (permesso di soggiorno) · {reference}"
    )
    assert str(event["location"]) == "Fuori sede"
    assert event.decoded("dtstart") == planned.starts_at
    assert event.decoded("dtend") == planned.ends_at
    assert str(event["status"]) == "CONFIRMED"
    assert str(events[f"{cancelled.public_id}@abitare"]["status"]) == "CANCELLED"
    text = body.decode()
    for secret in ("Fatima", "El Amrani", "Questura di Monza", "nota riservata"):
        assert secret not in text
    # RFC 5545: CRLF line ends, no line longer than 75 octets.
    assert "\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_with_names_the_household_and_the_place_escaped(client, alice, appointments):
    planned, _cancelled = appointments
    token = services.calendar_feed_reset(user=alice)
    services.calendar_feed_settings(user=alice, include_names=True)
    body = client.get(_feed_url(token)).content.decode()
    # Semicolons and commas are escaped in text values.
    assert "Questura di Monza\\; ufficio immigrazione\\, sportello 3" in body
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert "Fatima El Amrani" in str(event["summary"])


def test_the_feed_holds_only_cases_the_worker_may_still_read(client, alice, appointments):
    token = services.calendar_feed_reset(user=alice)
    planned, _ = appointments
    alice.staff_memberships.update(is_active=False)
    assert client.get(_feed_url(token)).status_code == 404


def test_the_settings_page_shows_the_link_once(client_for, alice):
    client = client_for(alice)
    url = reverse("beneficiaries:calendar_settings")
    response = client.post(url, {"action": "reset"})
    assert response.status_code == 302
    page = client.get(url)
    link = page.context["feed_url"]
    assert link and link.endswith(".ics")
    assert client.get(url).context["feed_url"] is None  # shown once
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    client.logout()
    assert client.get(_feed_url(token)).status_code == 200


def test_the_settings_form_saves_the_choice(client_for, alice):
    client = client_for(alice)
    url = reverse("beneficiaries:calendar_settings")
    client.post(url, {"action": "reset"})
    client.post(url, {"action": "settings", "include_names": "on"})
    assert CalendarFeed.objects.get(user=alice).include_names is True
    client.post(url, {"action": "delete"})
    assert not CalendarFeed.objects.exists()


def test_feed_query_count(client, alice, appointments, django_assert_num_queries):
    token = services.calendar_feed_reset(user=alice)
    with django_assert_num_queries(3):
        assert client.get(_feed_url(token)).status_code == 200


def test_a_coordinators_feed_needs_no_second_factor_either(client, carla):
    token = services.calendar_feed_reset(user=carla)
    assert client.get(_feed_url(token)).status_code == 200


def test_a_referrer_has_no_calendar(marco):
    with pytest.raises(PermissionDenied):
        services.calendar_feed_reset(user=marco)
