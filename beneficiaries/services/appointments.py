"""Writes of appointments: planning and changing one, calling it off, recording how it
went (which writes the diary entry in the same step), and the worker's calendar feed.

Each service is called with a case or an appointment that the view found through
beneficiaries.selectors (so out of scope is already a 404); here the access object is
asked (403), the rules kept (ValidationError, nothing saved) and the audit row written,
in one transaction.

A worker busy twice at once is a warning (the view asks to confirm: a worker may join
a meeting for part of it); a room booked twice is refused, by the service (which locks
the room first) and, on PostgreSQL, by an exclusion constraint as well.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Appointment, CalendarFeed, Case, CaseNote, Room
from beneficiaries.selectors import appointments as selectors
from beneficiaries.selectors import pathway as pathway_selectors
from beneficiaries.services import pathway as pathway_services
from core import audit
from core.access import access_for

Kind = Appointment.Kind
Place = Appointment.Place
# PostgreSQL's own refusal of a room booked twice (migration 0010).
ROOM_EXCLUSION = "appointment_room_never_booked_twice"

FIELDS = (
    "kind",
    "starts_at",
    "duration_minutes",
    "place",
    "room",
    "place_details",
    "interpreter_needed",
    "interpreter_language",
    "interpreter_booked",
    "interpreter_name",
    "notes",
)


def _end(starts_at, duration_minutes):
    if starts_at is None or not duration_minutes:
        return None
    return starts_at + datetime.timedelta(minutes=duration_minutes)


def appointment_check(
    *,
    user,
    case: Case,
    kind: str | None,
    starts_at: datetime.datetime | None,
    duration_minutes: int | None,
    place: str | None,
    room: Room | None = None,
    place_details: str | None = "",
    staff=(),
    members=(),
    households=(),
    interpreter_needed: bool | None = False,
    interpreter_language: str | None = "",
    interpreter_booked: bool | None = False,
    interpreter_name: str | None = "",
    appointment: Appointment | None = None,
    **_fields,
) -> None:
    """Every rule of an appointment's data, all errors at once. A worker busy elsewhere
    is not an error (see `selectors.conflicts`); a room booked twice is."""
    if not case.is_open:
        raise ValidationError(
            _("La presa in carico è chiusa: non si possono fissare appuntamenti.")
        )
    errors: dict[str, str] = {}
    if starts_at is not None and timezone.localdate(starts_at) < case.opened_on:
        errors["starts_at"] = _(
            "L'appuntamento non può precedere l'apertura della presa in carico (%(date)s)."
        ) % {"date": formats.date_format(case.opened_on, "SHORT_DATE_FORMAT")}
    if staff is not None and not list(staff):
        errors["staff"] = _("Indica almeno un operatore coinvolto.")
    elif staff:
        allowed = set(selectors.staff_choices(user=user, case=case).values_list("pk", flat=True))
        if any(worker.pk not in allowed for worker in staff):
            errors["staff"] = _("Puoi coinvolgere solo operatori che seguono la presa in carico.")
    if members and any(person.household_id != case.household_id for person in members):
        errors["members"] = _("I componenti attesi sono quelli del nucleo.")
    households = [h for h in households or () if h.pk != case.household_id]
    if households and kind and kind != Kind.GROUP_ACTIVITY:
        errors["households"] = _("Altri nuclei si indicano solo per le attività di gruppo.")
    elif households:
        allowed = set(
            pathway_selectors.linkable_households(user=user, case=case).values_list("pk", flat=True)
        )
        if any(h.pk not in allowed for h in households):
            errors["households"] = _(
                "Puoi indicare solo nuclei che segui in una presa in carico aperta."
            )
    if place == Place.OFFICE:
        if room is not None and room.pk not in set(
            selectors.room_choices(user=user, case=case).values_list("pk", flat=True)
        ):
            errors["room"] = _("Scegli una stanza del tuo ente o dell'ente titolare.")
    elif room is not None:
        errors["room"] = _("Una stanza si prenota solo per un appuntamento in sede.")
    if place == Place.OUTSIDE and not (place_details or "").strip():
        errors["place_details"] = _("Indica dove si svolge l'appuntamento fuori sede.")
    if interpreter_needed and not (interpreter_language or "").strip():
        errors["interpreter_language"] = _("Indica la lingua dell'interprete o del mediatore.")
    if interpreter_booked and not interpreter_needed:
        errors["interpreter_booked"] = _(
            "Si prenota un interprete solo se serve: indica che serve."
        )
    elif interpreter_booked and not (interpreter_name or "").strip():
        errors["interpreter_name"] = _("Indica chi hai prenotato (nome o ente).")
    ends_at = _end(starts_at, duration_minutes)
    if (
        room is not None
        and ends_at is not None
        and "room" not in errors
        and selectors.conflicts(
            starts_at=starts_at, ends_at=ends_at, staff=(), room=room, exclude=appointment
        ).room_taken
    ):
        errors["room"] = _("La stanza è già prenotata in quell'orario: scegline un'altra.")
    if errors:
        raise ValidationError(errors)


def _fill(appointment: Appointment, values: dict) -> None:
    for name in FIELDS:
        value = values[name]
        setattr(appointment, name, value.strip() if isinstance(value, str) else value)
    if appointment.place != Place.OFFICE:
        appointment.room = None
    if appointment.place != Place.OUTSIDE:
        appointment.place_details = ""
    if not appointment.interpreter_needed:
        appointment.interpreter_language = ""
        appointment.interpreter_booked = False
    if not appointment.interpreter_booked:
        appointment.interpreter_name = ""
    appointment.set_end()


def _lock_room(room):
    # Two people booking the same room at once: the second waits here, then sees the
    # first one's booking in the check.
    if room is not None:
        Room.objects.select_for_update().filter(pk=room.pk).first()


def _save_refusing_double_booking(appointment: Appointment) -> None:
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if ROOM_EXCLUSION in str(error):
            raise ValidationError(
                {"room": _("La stanza è già prenotata in quell'orario: scegline un'altra.")}
            ) from error
        raise


def _relations(appointment, *, staff, members, households) -> None:
    appointment.staff.set(staff)
    appointment.members.set(members)
    appointment.households.set(
        [h for h in households if h.pk != appointment.case.household_id]
        if appointment.kind == Kind.GROUP_ACTIVITY
        else []
    )


@transaction.atomic
def appointment_schedule(
    *,
    user,
    case: Case,
    kind: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
    staff,
    room: Room | None = None,
    place_details: str = "",
    members=(),
    households=(),
    interpreter_needed: bool = False,
    interpreter_language: str = "",
    interpreter_booked: bool = False,
    interpreter_name: str = "",
    notes: str = "",
) -> Appointment:
    """Plan an appointment of the case."""
    access = access_for(user)
    access.require(access.may_manage_appointments(case))
    values = {
        "kind": kind,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "place": place,
        "room": room,
        "place_details": place_details,
        "interpreter_needed": interpreter_needed,
        "interpreter_language": interpreter_language,
        "interpreter_booked": interpreter_booked,
        "interpreter_name": interpreter_name,
        "notes": notes,
    }
    _lock_room(room)
    appointment_check(
        user=user, case=case, staff=staff, members=members, households=households, **values
    )
    appointment = Appointment(case=case, created_by=user)
    _fill(appointment, values)
    appointment.full_clean()
    _save_refusing_double_booking(appointment)
    _relations(appointment, staff=staff, members=members, households=households)
    audit.record_create(actor=user, instance=appointment, household=case.household, case=case)
    return appointment


def _refuse_unless_planned(appointment: Appointment) -> None:
    if not appointment.is_planned:
        raise ValidationError(
            _("L'appuntamento è già %(status)s: non si può più modificare.")
            % {"status": appointment.get_status_display().lower()}
        )


@transaction.atomic
def appointment_update(
    *,
    user,
    appointment: Appointment,
    kind: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
    staff,
    room: Room | None = None,
    place_details: str = "",
    members=(),
    households=(),
    interpreter_needed: bool = False,
    interpreter_language: str = "",
    interpreter_booked: bool = False,
    interpreter_name: str = "",
    notes: str = "",
) -> Appointment:
    """Change a planned appointment (moving it, booking the interpreter...)."""
    case = appointment.case
    access = access_for(user)
    access.require(access.may_manage_appointments(case))
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.case = case
    _refuse_unless_planned(appointment)
    values = {
        "kind": kind,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "place": place,
        "room": room,
        "place_details": place_details,
        "interpreter_needed": interpreter_needed,
        "interpreter_language": interpreter_language,
        "interpreter_booked": interpreter_booked,
        "interpreter_name": interpreter_name,
        "notes": notes,
    }
    _lock_room(room)
    appointment_check(
        user=user,
        case=case,
        staff=staff,
        members=members,
        households=households,
        appointment=appointment,
        **values,
    )
    before = audit.snapshot(appointment)
    _fill(appointment, values)
    appointment.full_clean()
    _save_refusing_double_booking(appointment)
    _relations(appointment, staff=staff, members=members, households=households)
    audit.record_update(
        actor=user, instance=appointment, before=before, household=case.household, case=case
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, user, appointment: Appointment) -> Appointment:
    """Call off a planned appointment: it frees the workers and the room, and writes no
    diary entry."""
    case = appointment.case
    access = access_for(user)
    access.require(access.may_manage_appointments(case))
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.case = case
    _refuse_unless_planned(appointment)
    before = audit.snapshot(appointment)
    appointment.status = Appointment.Status.CANCELLED
    appointment.full_clean()
    appointment.save(update_fields=["status", "updated_at"])
    audit.record_update(
        actor=user, instance=appointment, before=before, household=case.household, case=case
    )
    return appointment


def outcome_check(
    *,
    appointment: Appointment,
    held: bool | None,
    not_held_reason: str | None = "",
    interpreter_used: bool | None = None,
    text: str | None = "",
    now: datetime.datetime | None = None,
    **_fields,
) -> None:
    _refuse_unless_planned(appointment)
    errors = {}
    if appointment.starts_at > (now or timezone.now()):
        errors["held"] = _("L'appuntamento non è ancora cominciato: registra l'esito dopo.")
    if held is False and not not_held_reason:
        errors["not_held_reason"] = _("Indica perché l'appuntamento non si è svolto.")
    if held and not (text or "").strip():
        errors["text"] = _("Scrivi il resoconto dell'appuntamento.")
    if held and appointment.interpreter_needed and interpreter_used is None:
        errors["interpreter_used"] = _("Indica se l'interprete o il mediatore c'era.")
    if errors:
        raise ValidationError(errors)


def _diary_text(appointment: Appointment, *, held, not_held_reason, interpreter_used, text):
    when = formats.date_format(timezone.localtime(appointment.starts_at), "SHORT_DATETIME_FORMAT")
    lines = [
        _("Appuntamento del %(when)s (%(kind)s): %(outcome)s.")
        % {
            "when": when,
            "kind": appointment.get_kind_display(),
            "outcome": _("svolto")
            if held
            else _("non svolto, %(reason)s")
            % {"reason": str(Appointment.NotHeldReason(not_held_reason).label).lower()},
        }
    ]
    if appointment.interpreter_needed and held:
        lines.append(
            _("Interprete o mediatore (%(language)s): presente.")
            if interpreter_used
            else _("Interprete o mediatore (%(language)s): assente.")
        )
        lines[-1] = lines[-1] % {"language": appointment.interpreter_language}
    if (text or "").strip():
        lines.append("")
        lines.append(text.strip())
    return "\n".join(lines)


@transaction.atomic
def appointment_record_outcome(
    *,
    user,
    appointment: Appointment,
    held: bool,
    duration_minutes: int,
    not_held_reason: str = "",
    interpreter_used: bool | None = None,
    text: str = "",
    is_confidential: bool = False,
    now: datetime.datetime | None = None,
) -> CaseNote:
    """Record how the appointment went, held or not and why, with the interpreter or
    not: it becomes a diary entry of its case (and of the other households of a group
    activity) in the same step. Returns the entry."""
    case = appointment.case
    access = access_for(user)
    access.require(access.may_manage_appointments(case))
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.case = case
    outcome_check(
        appointment=appointment,
        held=held,
        not_held_reason=not_held_reason,
        interpreter_used=interpreter_used,
        text=text,
        now=now,
    )
    households = list(appointment.households.all())
    note = pathway_services.case_note_create(
        user=user,
        case=case,
        happened_on=timezone.localdate(appointment.starts_at),
        kind=Appointment.DIARY_KINDS[appointment.kind],
        duration_minutes=duration_minutes,
        text=_diary_text(
            appointment,
            held=held,
            not_held_reason=not_held_reason,
            interpreter_used=interpreter_used,
            text=text,
        ),
        is_confidential=is_confidential,
        households=households,
    )
    before = audit.snapshot(appointment)
    appointment.status = Appointment.Status.HELD if held else Appointment.Status.NOT_HELD
    appointment.not_held_reason = "" if held else not_held_reason
    # Not held: the interpreter counts as missing only when that was why.
    if not appointment.interpreter_needed:
        appointment.interpreter_used = None
    elif held:
        appointment.interpreter_used = bool(interpreter_used)
    elif not_held_reason == Appointment.NotHeldReason.INTERPRETER_MISSING:
        appointment.interpreter_used = False
    else:
        appointment.interpreter_used = None
    appointment.diary_note = note
    appointment.full_clean()
    appointment.save()
    audit.record_update(
        actor=user, instance=appointment, before=before, household=case.household, case=case
    )
    return note


# The calendar feed ------------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, user) -> str:
    """Make (or make anew) the worker's secret feed link; the old one stops working.
    Returns the token, shown once: only its hash is kept."""
    access = access_for(user)
    access.require(access.may_have_calendar())
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed = CalendarFeed(user=user)
    feed.token_hash = selectors.token_hash(token)
    feed.full_clean()
    feed.save()
    return token


@transaction.atomic
def calendar_feed_settings(*, user, include_names: bool) -> CalendarFeed:
    access = access_for(user)
    access.require(access.may_have_calendar())
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        raise ValidationError(_("Crea prima il link del calendario."))
    feed.include_names = include_names
    feed.save(update_fields=["include_names", "updated_at"])
    return feed


@transaction.atomic
def calendar_feed_delete(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()
