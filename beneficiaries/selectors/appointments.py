"""Reads of appointments: a case's appointments, one appointment, the choices of its
form, the conflicts (the same worker twice at once, a room booked twice) found by the
database with an overlap query, a worker's week and a project's week, what a household
may know of its next appointments, the reminders of the day before and the worker's
calendar feed.

Appointments are casework: every read starts from the cases whose pathway the user may
read (beneficiaries.selectors.cases.casework_cases); a referrer sees none.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from beneficiaries.models import Appointment, CalendarFeed, Case, Household, Person, Room
from beneficiaries.selectors.cases import assignable_workers, casework_cases
from beneficiaries.selectors.households import reference_name
from core.access import access_for
from core.shortcuts import get_or_404
from partners.models import Organisation
from projects.models import Participation
from users.models import User

Status = Appointment.Status
Staff = Appointment.staff.through
# The calendar feed reaches this far back and ahead.
FEED_PAST_DAYS = 30
FEED_AHEAD_DAYS = 365


def token_hash(token: str) -> str:
    """The hash kept of a feed's token (the token is random and long: a plain SHA-256
    is enough, no salt or slow hash is needed to keep it from being guessed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _readable(user) -> QuerySet[Appointment]:
    return Appointment.objects.filter(case__in=casework_cases(user=user))


def appointments_of(*, user, case: Case) -> QuerySet[Appointment]:
    """The appointments of a case, and the group activities of other cases its household
    takes part in (those whose case the user may open), latest first. `case` must come
    from case_for_casework."""
    taking_part = Appointment.households.through.objects.filter(
        household_id=case.household_id
    ).values("appointment_id")
    return (
        Appointment.objects.filter(
            Q(case=case) | Q(pk__in=taking_part, case__in=casework_cases(user=user))
        )
        .select_related("room__organisation")
        .prefetch_related("staff")
        .order_by("-starts_at", "-id")
    )


def missed_count(*, case: Case) -> int:
    """How many appointments of the case the household missed (did not come, or called
    off at the last moment)."""
    return Appointment.objects.filter(
        case=case, status=Status.NOT_HELD, not_held_reason__in=Appointment.MISSED_REASONS
    ).count()


def appointment_for_user(*, user, public_id) -> Appointment:
    return get_or_404(
        _readable(user).select_related(
            "case__household",
            "case__project",
            "case__holding_organisation",
            "case__exit",
            "room__organisation",
            "diary_note",
            "created_by",
        ),
        public_id=public_id,
    )


def staff_choices(*, user, case: Case) -> QuerySet[User]:
    """Who may be involved in an appointment of the case: the social workers and
    coordinators of its holding organisation and of the organisations that coordinate
    its project, the workers assigned to it, and the user."""
    organisations = Organisation.objects.filter(
        Q(pk=case.holding_organisation_id)
        | Q(
            participations__project_id=case.project_id,
            participations__role__in=Participation.COORDINATING_ROLES,
        )
    ).values("pk")
    return (
        User.objects.filter(
            Q(pk__in=assignable_workers(organisations=organisations).values("pk"))
            | Q(case_assignments__case=case)
            | Q(pk=user.pk),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def room_choices(*, user, case: Case) -> QuerySet[Room]:
    """Rooms of the user's organisations and of the case's holding organisation."""
    organisations = set(access_for(user).organisation_ids()) | {case.holding_organisation_id}
    return (
        Room.objects.filter(organisation_id__in=organisations, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def members_choices(*, case: Case) -> QuerySet[Person]:
    return Person.objects.filter(household_id=case.household_id).order_by("birth_date", "pk")


def _overlapping(starts_at, ends_at) -> Q:
    # Two spans overlap when each starts before the other ends (touching is not overlap).
    return Q(starts_at__lt=ends_at, ends_at__gt=starts_at, status__in=Appointment.BUSY_STATUSES)


@dataclass(frozen=True)
class Conflicts:
    """What a new time would clash with: each worker already busy, with when; and
    whether the room is taken."""

    workers: list[tuple[User, datetime.datetime, datetime.datetime]]
    room_taken: bool

    def __bool__(self):
        return bool(self.workers) or self.room_taken


def conflicts(*, starts_at, ends_at, staff, room=None, exclude=None) -> Conflicts:
    """Overlaps with other appointments (not cancelled) of the same workers and the same
    room, found by the database: one query for the workers, one for the room. Says only
    who is busy and when, never with whom (the other appointment may be of a case the
    user does not see)."""
    if starts_at is None or ends_at is None:
        return Conflicts([], False)
    staff_ids = [getattr(worker, "pk", worker) for worker in staff or ()]
    busy = Appointment.objects.filter(_overlapping(starts_at, ends_at))
    if exclude is not None:
        busy = busy.exclude(pk=exclude.pk)
    workers = []
    if staff_ids:
        for row in (
            Staff.objects.filter(user_id__in=staff_ids, appointment__in=busy)
            .select_related("user", "appointment")
            .order_by("user__last_name", "appointment__starts_at")
        ):
            workers.append((row.user, row.appointment.starts_at, row.appointment.ends_at))
    room_taken = room is not None and busy.filter(room=room).exists()
    return Conflicts(workers, room_taken)


def _clash(model_filter: dict) -> Exists:
    """Another busy appointment overlapping the outer one, sharing `model_filter`."""
    return Exists(
        Appointment.objects.filter(
            starts_at__lt=OuterRef("ends_at"),
            ends_at__gt=OuterRef("starts_at"),
            status__in=Appointment.BUSY_STATUSES,
            **model_filter,
        ).exclude(pk=OuterRef("pk"))
    )


def week_bounds(monday: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min)
    )
    return start, end


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _in_week(monday, prefix=""):
    start, end = week_bounds(monday)
    return Q(**{f"{prefix}starts_at__lt": end, f"{prefix}ends_at__gt": start})


def _with_what_week_shows(appointments, user):
    readable = casework_cases(user=user).filter(pk=OuterRef("case_id"))
    return (
        appointments.select_related("room__organisation", "case__project")
        .annotate(
            visible=Exists(readable),
            household_name=reference_name(OuterRef("case__household_id")),
            room_clash=Q(room__isnull=False) & _clash({"room_id": OuterRef("room_id")}),
        )
        .order_by("starts_at", "pk")
    )


def week_of(*, user, monday: datetime.date) -> list[Appointment]:
    """The user's appointments of the week starting on `monday`, each marked
    `worker_clash` when the user is busy elsewhere at the same time, `room_clash` when
    its room is booked twice, and `visible` when the user may open its case (otherwise
    the week shows only that the time is taken). Appointments not cancelled. One query."""
    mine = Appointment.objects.filter(
        _in_week(monday), staff=user, status__in=Appointment.BUSY_STATUSES
    )
    return list(
        _with_what_week_shows(mine, user).annotate(
            worker_clash=Exists(
                Staff.objects.filter(
                    user_id=user.pk,
                    appointment__starts_at__lt=OuterRef("ends_at"),
                    appointment__ends_at__gt=OuterRef("starts_at"),
                    appointment__status__in=Appointment.BUSY_STATUSES,
                ).exclude(appointment_id=OuterRef("pk"))
            )
        )
    )


@dataclass
class WorkerWeek:
    worker: User
    appointments: list


def project_week(*, user, project, monday: datetime.date) -> list[WorkerWeek]:
    """Who of the staff is where in the week, for the appointments of the project's
    cases (not cancelled): per worker, each appointment marked `worker_clash` when the
    worker is busy elsewhere at the same time (in any project) and `room_clash` when the
    room is booked twice. Two queries."""
    appointments = {
        a.pk: a
        for a in _with_what_week_shows(
            Appointment.objects.filter(
                _in_week(monday),
                case__project=project,
                case__in=casework_cases(user=user),
                status__in=Appointment.BUSY_STATUSES,
            ),
            user,
        )
    }
    rows = (
        Staff.objects.filter(appointment_id__in=list(appointments))
        .select_related("user")
        .annotate(
            clash=Exists(
                Staff.objects.filter(
                    user_id=OuterRef("user_id"),
                    appointment__starts_at__lt=OuterRef("appointment__ends_at"),
                    appointment__ends_at__gt=OuterRef("appointment__starts_at"),
                    appointment__status__in=Appointment.BUSY_STATUSES,
                ).exclude(appointment_id=OuterRef("appointment_id"))
            )
        )
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    weeks: dict[int, WorkerWeek] = {}
    for row in rows:
        week = weeks.setdefault(row.user_id, WorkerWeek(row.user, []))
        week.appointments.append((appointments[row.appointment_id], row.clash))
    for week in weeks.values():
        week.appointments.sort(key=lambda pair: (pair[0].starts_at, pair[0].pk))
    return list(weeks.values())


@dataclass(frozen=True)
class HouseholdAppointment:
    """What a household may know of one of its appointments."""

    kind: str
    kind_label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    place_label: str
    interpreter_booked: bool


def upcoming_for_household(household: Household, *, limit: int = 5) -> list[HouseholdAppointment]:
    """The household's next appointments (planned, not yet begun), its own and the
    group activities it takes part in: kind, when, where and whether an interpreter is
    booked. Nothing else: not the staff's notes, not who else comes. One query."""
    taking_part = Appointment.households.through.objects.filter(household_id=household.pk).values(
        "appointment_id"
    )
    rows = (
        Appointment.objects.filter(
            Q(case__household_id=household.pk) | Q(pk__in=taking_part),
            status=Status.PLANNED,
            starts_at__gte=timezone.now(),
        )
        .select_related("room__organisation")
        .only(
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "place_details",
            "interpreter_booked",
            "room__name",
            "room__organisation__name",
            "room__organisation__short_name",
        )
        .order_by("starts_at", "pk")[:limit]
    )
    return [
        HouseholdAppointment(
            kind=a.kind,
            kind_label=str(a.get_kind_display()),
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            place=a.place,
            place_label=a.place_label(),
            interpreter_booked=a.interpreter_booked,
        )
        for a in rows
    ]


def staff_reminders_on(day: datetime.date) -> dict[int, int]:
    """{user id: how many planned appointments they are involved in on `day`} (the
    reminders of the day before). One query."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return dict(
        Staff.objects.filter(
            appointment__status=Status.PLANNED,
            appointment__starts_at__gte=start,
            appointment__starts_at__lt=end,
            user__is_active=True,
        )
        .values("user_id")
        .annotate(n=Count("appointment_id"))
        .values_list("user_id", "n")
    )


def reminder_recipients(user_ids) -> list[User]:
    return list(User.objects.filter(pk__in=list(user_ids), is_active=True).order_by("pk"))


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose secret link this is, or None. The hash is looked up, then compared
    in constant time."""
    if not token or len(token) > 100:
        return None
    wanted = token_hash(token)
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=wanted).first()
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    if not feed.user.is_active or not access_for(feed.user).may_have_calendar():
        return None
    return feed


def feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_appointments(*, feed: CalendarFeed) -> list[Appointment]:
    """The worker's appointments for the feed, from a month ago to a year ahead, of the
    cases they may still read (a case they lost leaves the feed). Cancelled ones stay,
    so the phone removes them."""
    user = feed.user
    now = timezone.now()
    rows = (
        _readable(user)
        .filter(
            staff=user,
            starts_at__gte=now - datetime.timedelta(days=FEED_PAST_DAYS),
            starts_at__lte=now + datetime.timedelta(days=FEED_AHEAD_DAYS),
        )
        .select_related("case", "room__organisation")
        .order_by("starts_at", "pk")
    )
    if feed.include_names:
        rows = rows.annotate(household_name=reference_name(OuterRef("case__household_id")))
    return list(rows)
