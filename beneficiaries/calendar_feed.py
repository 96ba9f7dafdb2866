"""A worker's appointments as an iCalendar feed (RFC 5545, written by the `icalendar`
library: escaping, line folding, CRLF), for the phone's calendar.

What goes in is what the worker chose (beneficiaries.models.CalendarFeed): by default
the kind of appointment and a reference of the case, never a name; with
`include_names`, the reference person's name and the place outside as well. The home
of a household is never in it, nor the staff's notes or the interpreter's name."""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Appointment, CalendarFeed

PRODID = "-//Abitare//Appuntamenti//IT"
UID_DOMAIN = "abitare"


def case_reference(case) -> str:
    """A short reference of a case that names nobody (the start of its public id)."""
    return "PC-" + case.public_id.hex[:8].upper()


def _summary(appointment: Appointment, feed: CalendarFeed) -> str:
    reference = case_reference(appointment.case)
    name = getattr(appointment, "household_name", None) if feed.include_names else None
    if name:
        return f"{appointment.get_kind_display()} · {name} ({reference})"
    return f"{appointment.get_kind_display()} · {reference}"


def _location(appointment: Appointment, feed: CalendarFeed) -> str:
    if appointment.place == Appointment.Place.OFFICE and appointment.room_id:
        room = appointment.room
        return ", ".join(part for part in (str(room), room.address) if part)
    if appointment.place == Appointment.Place.OUTSIDE and feed.include_names:
        return appointment.place_details or str(appointment.get_place_display())
    return str(appointment.get_place_display())


_STATUS = {
    Appointment.Status.PLANNED: "CONFIRMED",
    Appointment.Status.HELD: "CONFIRMED",
    Appointment.Status.NOT_HELD: "CANCELLED",
    Appointment.Status.CANCELLED: "CANCELLED",
}


def ics(*, feed: CalendarFeed, appointments, now: datetime.datetime | None = None) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Appuntamenti Abitare"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = (now or timezone.now()).astimezone(datetime.UTC)
    for appointment in appointments:
        event = icalendar.Event()
        event.add("uid", f"{appointment.public_id}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("last-modified", appointment.updated_at.astimezone(datetime.UTC))
        event.add("dtstart", appointment.starts_at.astimezone(datetime.UTC))
        event.add("dtend", appointment.ends_at.astimezone(datetime.UTC))
        event.add("summary", _summary(appointment, feed))
        event.add("location", _location(appointment, feed))
        event.add("status", _STATUS[appointment.status])
        if appointment.interpreter_needed:
            event.add(
                "description",
                _("Interprete o mediatore: prenotato.")
                if appointment.interpreter_booked
                else _("Interprete o mediatore: da prenotare."),
            )
        calendar.add_component(event)
    return calendar.to_ical()
