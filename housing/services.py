"""Writes of housing: placements, moves, exits, units' capacity and state.

Every write that can change who is in a unit runs in a transaction that first locks the
unit's row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction
mode of config/settings.py already lets one writer in at a time), then counts the people
already there day by day, so two coordinators placing at the same moment queue and the
second sees the first's placement. On PostgreSQL the database refuses an overfilled unit
by itself too (housing/postgres.py).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Case, CaseExit, Goal, Household, Person, WaitingListEntry
from beneficiaries.services import cases as cases_services
from beneficiaries.services import pathway as pathway_services
from core import audit
from core.access import access_for
from core.dates import add_months
from partners.models import Organisation

from . import ledger, occupancy, selectors
from .models import (
    ArrearsFlag,
    ContributionChange,
    ContributionCharge,
    ContributionSuspension,
    HousingUnit,
    Payment,
    Placement,
    PlacementRenewal,
    PlaceOccupancy,
    RepaymentInstalment,
    RepaymentPlan,
)


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _lock_units(*units: HousingUnit) -> list[HousingUnit]:
    """Lock the units' rows, in id order so two moves in opposite directions cannot
    deadlock, and return them fresh from the database in the order given."""
    ids = sorted({unit.pk for unit in units})
    locked = {
        unit.pk: unit
        for unit in HousingUnit.objects.select_for_update()
        .select_related("project", "property")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return [locked[unit.pk] for unit in units]


def default_planned_end(*, unit: HousingUnit, start_date: datetime.date) -> datetime.date | None:
    """The planned end of a placement that starts on start_date: the project's maximum
    stay later, or none if the project has no maximum stay."""
    months = unit.project.max_stay_months
    return add_months(start_date, months) if months else None


def open_case(*, household: Household, project) -> Case | None:
    return Case.objects.filter(household=household, project=project, closed_on__isnull=True).first()


# Occupancy rows --------------------------------------------------------------------


def _rows_from(unit: HousingUnit, day: datetime.date) -> list[PlaceOccupancy]:
    return list(
        PlaceOccupancy.objects.filter(unit=unit).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
    )


def _check_room(
    *, unit: HousingUnit, rows, needed: int, start: datetime.date, end: datetime.date | None
) -> None:
    people, day = occupancy.peak(((r.start_date, r.end_date) for r in rows), start, end)
    if people + needed > unit.capacity:
        raise ValidationError(
            _(
                "L'alloggio «%(unit)s» non ha abbastanza posti: il %(day)s ne restano liberi "
                "%(free)d su %(capacity)d, ne servono %(needed)d."
            )
            % {
                "unit": unit,
                "day": _day(max(day, start)),
                "free": max(unit.capacity - people, 0),
                "capacity": unit.capacity,
                "needed": needed,
            }
        )


def _occupy(
    *,
    unit: HousingUnit,
    rows: list[PlaceOccupancy],
    placement: Placement,
    people,
    start: datetime.date,
    end: datetime.date | None,
    places=None,
) -> None:
    """Give each person a place from start to end; `rows` are the unit's rows from start
    on, and grow with the new ones."""
    busy: dict[int, list] = {}
    for row in rows:
        busy.setdefault(row.slot, []).append((row.start_date, row.end_date))
    places = places or range(1, unit.capacity + 1)
    for person in people:
        stretches = occupancy.assign_places(busy, places, start, end)
        if stretches is None:  # _check_room counted first; this would be a bug
            raise ValidationError(_("L'alloggio «%(unit)s» è pieno.") % {"unit": unit})
        for slot, first, last in stretches:
            row = PlaceOccupancy(
                unit=unit,
                slot=slot,
                placement=placement,
                person=person,
                start_date=first,
                end_date=last,
            )
            row.full_clean(validate_constraints=False)
            row.save()
            rows.append(row)
            busy.setdefault(slot, []).append((first, last))


def _check_people_free(
    *, people, start: datetime.date, end: datetime.date | None, exclude: Placement | None = None
) -> None:
    clash = PlaceOccupancy.objects.filter(
        person__in=people, start_date__lte=end or datetime.date.max
    )
    clash = clash.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if exclude is not None:
        clash = clash.exclude(placement=exclude)
    row = clash.select_related("person", "unit__property").order_by("start_date").first()
    if row is not None:
        raise ValidationError(
            {
                "members": _(
                    "%(person)s è già inserito/a in «%(unit)s» dal %(start)s%(until)s: "
                    "i due inserimenti si sovrappongono."
                )
                % {
                    "person": row.person.full_name,
                    "unit": row.unit,
                    "start": _day(row.start_date),
                    "until": _(" al %(end)s") % {"end": _day(row.end_date)} if row.end_date else "",
                }
            }
        )


def _end_rows(placement: Placement, last_day: datetime.date) -> None:
    """The placement's people leave their places after last_day."""
    placement.occupancies.filter(start_date__gt=last_day).delete()
    placement.occupancies.filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day)).update(
        end_date=last_day
    )


# Placements ------------------------------------------------------------------------


def _refuse_unit(unit: HousingUnit) -> None:
    if not unit.takes_people():
        raise ValidationError(
            _("L'alloggio «%(unit)s» è %(state)s: non può accogliere nessuno.")
            % {"unit": unit, "state": unit.get_state_display().lower()}
        )


def _merge(errors: dict, error: ValidationError) -> None:
    """Add a ValidationError's messages to `errors` ({field: [messages]})."""
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, [])
        if not isinstance(errors[field], list):
            errors[field] = [errors[field]]
        errors[field].extend(m for message in messages for m in message)


def _start_problems(
    *,
    unit: HousingUnit,
    household: Household,
    members,
    start_date: datetime.date | None,
    planned_end_date: datetime.date | None,
    planned_end_reason: str | None,
    agreement_signed_on: datetime.date | None,
    exclude_rows: bool = True,
) -> dict:
    """Every problem of placing `members` of `household` in `unit` from `start_date`;
    a value that is None is not checked (the form said what is wrong with it). With
    `exclude_rows` False, the room and the people's other placements are left to the
    caller, who checks them after the row locks."""
    errors: dict = {}
    members = list(members or [])
    if any(person.household_id != household.pk for person in members):
        errors["members"] = _("Le persone inserite devono far parte del nucleo.")
    if agreement_signed_on and agreement_signed_on > timezone.localdate():
        errors["agreement_signed_on"] = _("La firma del patto non può essere nel futuro.")
    if start_date is not None:
        default_end = default_planned_end(unit=unit, start_date=start_date)
        if (
            planned_end_date is not None
            and planned_end_date != default_end
            and not (planned_end_reason or "").strip()
        ):
            errors["planned_end_reason"] = _(
                "La fine prevista è diversa da quella della permanenza massima del "
                "progetto (%(default)s): indica il motivo."
            ) % {"default": _day(default_end) if default_end else _("nessuna")}
    if exclude_rows and members and start_date is not None and "members" not in errors:
        try:
            _check_people_free(people=members, start=start_date, end=None)
            _check_room(
                unit=unit,
                rows=_rows_from(unit, start_date),
                needed=len(members),
                start=start_date,
                end=None,
            )
        except ValidationError as error:
            _merge(errors, error)
    return errors


def _start(
    *,
    user,
    unit: HousingUnit,
    household: Household,
    members,
    start_date: datetime.date,
    planned_end_date: datetime.date | None = None,
    planned_end_reason: str = "",
    agreement_signed_on: datetime.date | None = None,
    monthly_contribution: Decimal | int = Decimal("0"),
    moved_from: Placement | None = None,
    out_of_order_reason: str = "",
    order: tuple[bool, str] | None = None,
) -> Placement:
    """Place people in a unit already locked by the caller. A placement that is not a
    move follows the order of the waiting list, or says why not (out_of_order_reason);
    `order` is _check_order's answer when the caller already asked."""
    _refuse_unit(unit)
    members = list(members)
    case = open_case(household=household, project=unit.project)
    if case is None:
        raise ValidationError(
            _(
                "Il nucleo non ha una presa in carico aperta nel progetto «%(project)s»: "
                "si inserisce solo chi è preso in carico dal progetto dell'alloggio."
            )
            % {"project": unit.project.display_name}
        )
    errors = _start_problems(
        unit=unit,
        household=household,
        members=members,
        start_date=start_date,
        planned_end_date=planned_end_date,
        planned_end_reason=planned_end_reason,
        agreement_signed_on=agreement_signed_on,
        exclude_rows=False,
    )
    if not members:
        errors.setdefault("members", _("Scegli almeno una persona da inserire."))
    if errors:
        raise ValidationError(errors)
    if planned_end_date is None:
        planned_end_date = default_planned_end(unit=unit, start_date=start_date)
    if moved_from is not None:
        out_of_order, out_of_order_reason = False, ""
    elif order is not None:
        out_of_order, out_of_order_reason = order
    else:
        out_of_order, out_of_order_reason = _check_order(
            user=user, unit=unit, household=household, reason=out_of_order_reason
        )
    placement = Placement(
        household=household,
        case=case,
        unit=unit,
        out_of_order=out_of_order,
        out_of_order_reason=out_of_order_reason,
        start_date=start_date,
        planned_end_date=planned_end_date,
        planned_end_reason=planned_end_reason.strip(),
        agreement_signed_on=agreement_signed_on,
        monthly_contribution=monthly_contribution,
        moved_from=moved_from,
        created_by=user,
    )
    placement.full_clean()
    _check_people_free(people=members, start=start_date, end=None)
    rows = _rows_from(unit, start_date)
    _check_room(unit=unit, rows=rows, needed=len(members), start=start_date, end=None)
    placement.save()
    placement.members.set(members)
    _occupy(unit=unit, rows=rows, placement=placement, people=members, start=start_date, end=None)
    audit.record_create(actor=user, instance=placement, household=household, case=placement.case)
    _take_off_waiting_list(user=user, household=household, project=unit.project)
    return placement


def _check_order(*, user, unit: HousingUnit, household: Household, reason: str):
    """Whether placing `household` in `unit` skips the first compatible household of the
    waiting list, and the reason, required when it does: (out_of_order, reason)."""
    first = selectors.first_in_line(user=user, unit=unit)
    if first is None or first.household_id == household.pk:
        return False, ""
    if not reason.strip():
        raise ValidationError(
            {
                "out_of_order_reason": _(
                    "Il primo nucleo compatibile della lista d'attesa è «%(first)s»: per "
                    "inserire %(household)s al suo posto scrivi il motivo, che resta nella "
                    "storia dell'inserimento."
                )
                % {"first": first.household, "household": household}
            }
        )
    return True, reason.strip()


def _take_off_waiting_list(*, user, household: Household, project) -> None:
    """A household placed in a project's unit is no longer waiting for a place there."""
    for entry in WaitingListEntry.objects.select_for_update().filter(
        household=household, project=project, removed_on__isnull=True
    ):
        before = audit.snapshot(entry)
        entry.removed_on = max(timezone.localdate(), entry.added_on)
        entry.removal_reason = WaitingListEntry.RemovalReason.PLACED
        entry.full_clean()
        entry.save()
        audit.record_update(actor=user, instance=entry, before=before, household=household)


@transaction.atomic
def placement_start(
    *,
    user,
    unit: HousingUnit,
    household: Household,
    members: list[Person],
    start_date: datetime.date,
    planned_end_date: datetime.date | None = None,
    planned_end_reason: str = "",
    agreement_signed_on: datetime.date | None = None,
    monthly_contribution: Decimal | int = Decimal("0"),
    out_of_order_reason: str = "",
) -> Placement:
    """Place a household (or some of its members) in a unit from start_date.

    The household must have an open case in the unit's project; it may never have been
    on the waiting list. The planned end is the project's maximum stay unless given, with
    a reason, otherwise. Placing it before the first compatible household of the waiting
    list needs a reason (out_of_order_reason)."""
    (unit,) = _lock_units(unit)
    access_for(user).require(access_for(user).may_place(unit.project))
    return _start(
        user=user,
        unit=unit,
        household=household,
        members=members,
        start_date=start_date,
        planned_end_date=planned_end_date,
        planned_end_reason=planned_end_reason,
        agreement_signed_on=agreement_signed_on,
        monthly_contribution=monthly_contribution,
        out_of_order_reason=out_of_order_reason,
    )


def placement_check(
    *,
    unit: HousingUnit,
    entry: WaitingListEntry | None,
    members,
    household: Household | None = None,
    start_date: datetime.date | None,
    holding_organisation: Organisation | None = None,
    workers=(),
    planned_end_date: datetime.date | None = None,
    planned_end_reason: str | None = "",
    agreement_signed_on: datetime.date | None = None,
    required: bool = False,
    **_fields,
) -> None:
    """Every problem of placing a household of the waiting list, in one ValidationError:
    the case to open (when none is open) and the placement itself. None for a value the
    form could not read; `required`: a missing value is an error here too."""
    _refuse_unit(unit)
    if entry is None:
        # A household with an open case that never waited (placement_start): only the
        # placement's own rules.
        errors = _start_problems(
            unit=unit,
            household=household,
            members=members,
            start_date=start_date,
            planned_end_date=planned_end_date,
            planned_end_reason=planned_end_reason,
            agreement_signed_on=agreement_signed_on,
        )
        if required and not list(members or []):
            errors.setdefault("members", [_("Scegli almeno una persona da inserire.")])
        if errors:
            raise ValidationError(errors)
        return
    if entry.removed_on is not None:
        raise ValidationError(_("Il nucleo non è più in lista d'attesa."))
    if entry.project_id != unit.project_id:
        raise ValidationError(
            _("Il nucleo è in lista d'attesa per un altro progetto, non per «%(project)s».")
            % {"project": unit.project.display_name}
        )
    errors: dict = {}
    if open_case(household=entry.household, project=unit.project) is None:
        if holding_organisation is None and required:
            errors["holding_organisation"] = _("Scegli l'ente che prende in carico il nucleo.")
        elif holding_organisation is not None:
            try:
                cases_services.case_open_check(
                    referral=entry.referral,
                    holding_organisation=holding_organisation,
                    workers=list(workers or []),
                    opened_on=min(start_date, timezone.localdate()) if start_date else None,
                )
            except ValidationError as error:
                _merge(errors, error)
    for field, problem in _start_problems(
        unit=unit,
        household=entry.household,
        members=members,
        start_date=start_date,
        planned_end_date=planned_end_date,
        planned_end_reason=planned_end_reason,
        agreement_signed_on=agreement_signed_on,
    ).items():
        _merge(errors, ValidationError({field: problem}))
    if required and not list(members or []):
        errors.setdefault("members", [_("Scegli almeno una persona da inserire.")])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_from_waiting_list(
    *,
    user,
    unit: HousingUnit,
    entry: WaitingListEntry,
    members: list[Person],
    start_date: datetime.date,
    holding_organisation: Organisation | None = None,
    workers: list = (),
    planned_end_date: datetime.date | None = None,
    planned_end_reason: str = "",
    agreement_signed_on: datetime.date | None = None,
    monthly_contribution: Decimal | int = Decimal("0"),
    out_of_order_reason: str = "",
) -> Placement:
    """Place a household from the project's waiting list: open its case (presa in carico)
    if none is open, place it, and take it off the list — all or nothing. A household
    that is not the first compatible one on the list needs out_of_order_reason."""
    (unit,) = _lock_units(unit)
    access_for(user).require(access_for(user).may_place(unit.project))
    entry = (
        WaitingListEntry.objects.select_for_update()
        .select_related("referral__project", "household")
        .get(pk=entry.pk)
    )
    today = timezone.localdate()
    placement_check(
        unit=unit,
        entry=entry,
        members=members,
        start_date=start_date,
        holding_organisation=holding_organisation,
        workers=workers,
        planned_end_date=planned_end_date,
        planned_end_reason=planned_end_reason,
        agreement_signed_on=agreement_signed_on,
        required=True,
    )
    # Asked before anything is written, so a missing reason leaves no case opened.
    order = _check_order(
        user=user, unit=unit, household=entry.household, reason=out_of_order_reason
    )
    if open_case(household=entry.household, project=unit.project) is None:
        cases_services.case_open(
            user=user,
            referral=entry.referral,
            holding_organisation=holding_organisation,
            workers=list(workers),
            opened_on=min(start_date, today),
        )
    placement = _start(
        user=user,
        unit=unit,
        household=entry.household,
        members=members,
        start_date=start_date,
        planned_end_date=planned_end_date,
        planned_end_reason=planned_end_reason,
        agreement_signed_on=agreement_signed_on,
        monthly_contribution=monthly_contribution,
        order=order,
    )
    return placement  # _start took the entry off the list


def placement_end_check(
    *,
    placement: Placement,
    end_date: datetime.date | None,
    exit_reason: str | None,
    destination: str | None,
    required: bool = False,
    **_fields,
) -> None:
    if placement.end_date is not None:
        raise ValidationError(_("Questo inserimento è già concluso."))
    errors = {}
    if exit_reason == Placement.ExitReason.MOVED:
        errors["exit_reason"] = _("Per un trasferimento usa «Trasferisci in un altro alloggio».")
    if end_date and end_date < placement.start_date:
        errors["end_date"] = _("L'uscita non può precedere l'ingresso (%(start)s).") % {
            "start": _day(placement.start_date)
        }
    if required and not destination:
        errors["destination"] = _("Indica la destinazione dopo l'uscita.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_end(
    *,
    user,
    placement: Placement,
    end_date: datetime.date,
    exit_reason: str,
    destination: str,
    exit_notes: str = "",
) -> Placement:
    """Record the exit (dimissione) from a unit: the last night there, why, and where to."""
    (unit,) = _lock_units(placement.unit)
    access_for(user).require(access_for(user).may_place(unit.project))
    return _end(
        user=user,
        placement=placement,
        end_date=end_date,
        exit_reason=exit_reason,
        destination=destination,
        exit_notes=exit_notes,
    )


def _end(
    *,
    user,
    placement: Placement,
    end_date: datetime.date,
    exit_reason: str,
    destination: str,
    exit_notes: str = "",
) -> Placement:
    """End a placement whose unit the caller has locked."""
    placement = Placement.objects.select_related("household", "case").get(pk=placement.pk)
    placement_end_check(
        placement=placement,
        end_date=end_date,
        exit_reason=exit_reason,
        destination=destination,
        required=True,
    )
    before = audit.snapshot(placement)
    placement.end_date = end_date
    placement.exit_reason = exit_reason
    placement.destination = destination
    placement.exit_notes = exit_notes.strip()
    placement.full_clean()
    placement.save()
    _end_rows(placement, end_date)
    audit.record_update(
        actor=user,
        instance=placement,
        before=before,
        household=placement.household,
        case=placement.case,
    )
    return placement


def placement_move_check(
    *,
    placement: Placement,
    to_unit: HousingUnit | None,
    move_date: datetime.date | None,
    **_fields,
) -> None:
    if placement.end_date is not None:
        raise ValidationError(_("Questo inserimento è già concluso: non si può trasferire."))
    errors = {}
    if to_unit is not None and to_unit.pk == placement.unit_id:
        errors["to_unit"] = _("Scegli un alloggio diverso da quello attuale.")
    if move_date and move_date <= placement.start_date:
        errors["move_date"] = _("Il trasferimento deve avvenire dopo l'ingresso (%(start)s).") % {
            "start": _day(placement.start_date)
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_move(
    *,
    user,
    placement: Placement,
    to_unit: HousingUnit,
    move_date: datetime.date,
    planned_end_date: datetime.date | None = None,
    planned_end_reason: str = "",
) -> Placement:
    """Move the placement's people to another unit on move_date: the old placement ends
    the night before, the new one starts that day — no gap, no overlap, both or neither.

    In the same project the stay goes on, so the planned end stays; in another project
    it starts again from that project's maximum stay."""
    old_unit, to_unit = _lock_units(placement.unit, to_unit)
    access_for(user).require(access_for(user).may_place(old_unit.project))
    access_for(user).require(access_for(user).may_place(to_unit.project))
    placement = Placement.objects.select_related("household").get(pk=placement.pk)
    placement_move_check(placement=placement, to_unit=to_unit, move_date=move_date)
    members = list(placement.members.all())
    last_night = move_date - datetime.timedelta(days=1)
    before = audit.snapshot(placement)
    placement.end_date = last_night
    placement.exit_reason = Placement.ExitReason.MOVED
    placement.destination = ""
    placement.full_clean()
    placement.save()
    _end_rows(placement, last_night)
    audit.record_update(
        actor=user,
        instance=placement,
        before=before,
        household=placement.household,
        case=placement.case,
    )
    if planned_end_date is None and to_unit.project_id == old_unit.project_id:
        # Same project: the stay goes on, and so does its planned end.
        if placement.planned_end_date is not None:
            planned_end_date = max(placement.planned_end_date, move_date)
        planned_end_reason = planned_end_reason or _(
            "Prosegue la permanenza iniziata in «%(unit)s» il %(start)s."
        ) % {"unit": old_unit, "start": _day(placement.start_date)}
    try:
        return _start(
            user=user,
            unit=to_unit,
            household=placement.household,
            members=members,
            start_date=move_date,
            planned_end_date=planned_end_date,
            planned_end_reason=planned_end_reason,
            agreement_signed_on=placement.agreement_signed_on,
            monthly_contribution=placement.monthly_contribution,
            moved_from=placement,
        )
    except ValidationError as error:
        # The form asks for the move's date, not a start date.
        if hasattr(error, "error_dict") and "start_date" in error.error_dict:
            error.error_dict["move_date"] = error.error_dict.pop("start_date")
        raise


# Closing a case and its placement --------------------------------------------------

# The placement's exit reason that follows from the case's.
PLACEMENT_REASON_AT_CASE_EXIT = {
    CaseExit.Reason.GOALS_REACHED: Placement.ExitReason.AUTONOMY,
    CaseExit.Reason.MAX_STAY: Placement.ExitReason.MAX_STAY,
    CaseExit.Reason.VOLUNTARY: Placement.ExitReason.VOLUNTARY,
    CaseExit.Reason.TRANSFERRED: Placement.ExitReason.OTHER,
    CaseExit.Reason.BREACH: Placement.ExitReason.AGREEMENT_BREACH,
    CaseExit.Reason.OTHER: Placement.ExitReason.OTHER,
}


@transaction.atomic
def case_close_with_placements(
    *,
    user,
    case: Case,
    closed_on: datetime.date,
    reason: str,
    destination: str,
    autonomy_reached: str,
    notes: str = "",
    schedule_follow_ups: bool = True,
    goal_outcome: str = Goal.Status.NOT_REACHED,
    goal_outcomes: dict[int, str] | None = None,
    end_placements: bool = True,
    ethos_light: str = "",
) -> CaseExit:
    """Close a case (beneficiaries.services.pathway.case_close: goals, actions, reviews,
    follow-ups) and end, on the same date, with the same destination and the reason that
    follows from the case's, the placements of the case that would still count the
    household in a unit. When they cannot end with it (end_placements is off, the user
    may not record exits from the project's units, the dates do not agree), nothing is
    saved: never a closed case with its household still in a unit."""
    access = access_for(user)
    access.require(access.may_close(case))
    hanging = selectors.placements_hanging_from(case=case, on=closed_on)
    if hanging:
        _lock_units(*(placement.unit for placement in hanging))
        hanging = selectors.placements_hanging_from(case=case, on=closed_on)
    for placement in hanging:
        unit = placement.unit
        if not end_placements:
            raise ValidationError(
                {
                    "end_placements": _(
                        "Il nucleo vive ancora in «%(unit)s»: una presa in carico chiusa non "
                        "può lasciarlo nell'alloggio. Spunta «Registra anche l'uscita "
                        "dall'alloggio», oppure trasferisci o fai uscire il nucleo prima."
                    )
                    % {"unit": unit}
                }
            )
        if not access.may_place(unit.project):
            raise ValidationError(
                _(
                    "Il nucleo vive ancora in «%(unit)s» e l'uscita dall'alloggio la registra "
                    "il coordinamento del progetto «%(project)s»: chiedi di registrarla, poi "
                    "chiudi la presa in carico."
                )
                % {"unit": unit, "project": unit.project.display_name}
            )
        if closed_on and placement.end_date is not None:
            raise ValidationError(
                {
                    "closed_on": _(
                        "L'uscita da «%(unit)s» è registrata per il %(end)s, dopo la data di "
                        "chiusura: scegli una data di chiusura dal %(end)s in poi."
                    )
                    % {"unit": unit, "end": _day(placement.end_date)}
                }
            )
        if closed_on and closed_on < placement.start_date:
            raise ValidationError(
                {
                    "closed_on": _(
                        "L'inserimento in «%(unit)s» inizia il %(start)s, dopo la data di "
                        "chiusura: annulla o sposta l'inserimento, oppure chiudi da quel "
                        "giorno in poi."
                    )
                    % {"unit": unit, "start": _day(placement.start_date)}
                }
            )
    case_exit = pathway_services.case_close(
        user=user,
        case=case,
        closed_on=closed_on,
        reason=reason,
        destination=destination,
        autonomy_reached=autonomy_reached,
        notes=notes,
        schedule_follow_ups=schedule_follow_ups,
        goal_outcome=goal_outcome,
        goal_outcomes=goal_outcomes,
        ethos_light=ethos_light,
    )
    for placement in hanging:
        _end(
            user=user,
            placement=placement,
            end_date=closed_on,
            exit_reason=PLACEMENT_REASON_AT_CASE_EXIT[reason],
            destination=destination,
            exit_notes=_("Uscita registrata con la chiusura della presa in carico."),
        )
    return case_exit


# Renewals of temporary housing (proroghe) ---------------------------------------------


def placement_renew_check(
    *,
    placement: Placement,
    months: int | None,
    decision: str | None,
    decided_on: datetime.date | None,
    reason: str | None,
    **_fields,
) -> None:
    """The rules of a renewal, every problem at once."""
    errors = {}
    if placement.end_date is not None:
        raise ValidationError(_("L'inserimento è concluso: non si può prorogare."))
    if decision == PlacementRenewal.Decision.GRANTED and placement.planned_end_date is None:
        errors["decision"] = _(
            "L'inserimento non ha una fine prevista: non c'è nulla da prorogare."
        )
    if decided_on and decided_on > timezone.localdate():
        errors["decided_on"] = _("La data della decisione non può essere nel futuro.")
    if decided_on and decided_on < placement.start_date:
        errors["decided_on"] = _("La decisione non può precedere l'ingresso (%(start)s).") % {
            "start": _day(placement.start_date)
        }
    if reason is not None and not reason.strip():
        errors["reason"] = _("Indica la motivazione della decisione.")
    if months is not None and months < 1:
        errors["months"] = _("Una proroga dura almeno un mese.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def placement_renew(
    *,
    user,
    placement: Placement,
    months: int,
    decision: str,
    decided_on: datetime.date,
    reason: str,
) -> PlacementRenewal:
    """Record the decision on a renewal (proroga) of a placement; a granted one moves the
    planned end by its months (the time the household has left grows with it)."""
    access = access_for(user)
    access.require(access.may_renew_placement(placement))
    placement = (
        Placement.objects.select_for_update().select_related("household").get(pk=placement.pk)
    )
    placement_renew_check(
        placement=placement, months=months, decision=decision, decided_on=decided_on, reason=reason
    )
    previous = placement.planned_end_date
    renewal = PlacementRenewal(
        placement=placement,
        months=months,
        decision=decision,
        decided_on=decided_on,
        decided_by=user,
        reason=reason.strip(),
        previous_end_date=previous,
        new_end_date=(
            add_months(previous, months)
            if decision == PlacementRenewal.Decision.GRANTED
            else previous
        ),
    )
    renewal.full_clean()
    renewal.save()
    audit.record_create(actor=user, instance=renewal, household=placement.household)
    if decision == PlacementRenewal.Decision.GRANTED:
        before = audit.snapshot(placement)
        placement.planned_end_date = renewal.new_end_date
        placement.full_clean()
        placement.save()
        audit.record_update(
            actor=user, instance=placement, before=before, household=placement.household
        )
    return renewal


# Units -----------------------------------------------------------------------------


def capacity_problem(
    *, unit: HousingUnit, capacity: int, today: datetime.date | None = None
) -> str | None:
    """Why the unit cannot have this capacity (people there today or later), or None."""
    today = today or timezone.localdate()
    people, day = occupancy.peak(
        ((r.start_date, r.end_date) for r in _rows_from(unit, today)), today
    )
    if people > capacity:
        return _(
            "Il %(day)s nell'alloggio ci saranno %(people)d persone: i posti non possono "
            "scendere a %(capacity)d."
        ) % {"day": _day(day), "people": people, "capacity": capacity}
    return None


UNIT_EDITABLE_FIELDS = {
    "name",
    "kind",
    "capacity",
    "step_free",
    "accessible_bathroom",
    "state",
    "notes",
    "project",
    "property",
}


@transaction.atomic
def unit_update(*, user, unit: HousingUnit, **fields) -> HousingUnit:
    """Change a unit: its capacity (never below the people there today or later), its
    state (closed only when empty), its accessibility. For the project's coordinators
    and for admins who manage the housing stock."""
    (locked,) = _lock_units(unit)
    if not (
        access_for(user).may_place(locked.project) or user.has_perm("housing.change_housingunit")
    ):
        raise PermissionDenied
    unknown = set(fields) - UNIT_EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unit_update() got unexpected fields: {sorted(unknown)}")
    today = timezone.localdate()
    before = audit.snapshot(locked)
    old_capacity = locked.capacity
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    rows = _rows_from(locked, today)
    if "project" in fields and locked.project_id != unit.project_id and rows:
        raise ValidationError(
            {"project": _("L'alloggio ospita persone: non può passare a un altro progetto.")}
        )
    if locked.state == HousingUnit.State.CLOSED and rows:
        raise ValidationError(
            {
                "state": _(
                    "L'alloggio ospita ancora persone, oggi o più avanti: si chiude solo "
                    "quando sono uscite o sono state trasferite."
                )
            }
        )
    if locked.capacity < old_capacity:
        problem = capacity_problem(unit=locked, capacity=locked.capacity, today=today)
        if problem:
            raise ValidationError({"capacity": problem})
        _compact(unit=locked, rows=rows, today=today)
    locked.save()
    audit.record_update(actor=user, instance=locked, before=before)
    return locked


def _compact(*, unit: HousingUnit, rows: list[PlaceOccupancy], today: datetime.date) -> None:
    """Before the capacity drops, move the people on places beyond it to places within
    it, from today on (the past stays as it was)."""
    keep = [row for row in rows if row.slot <= unit.capacity]
    for row in (row for row in rows if row.slot > unit.capacity):
        start, end = max(row.start_date, today), row.end_date
        if row.start_date >= today:
            row.delete()
        else:
            row.end_date = today - datetime.timedelta(days=1)
            row.save(update_fields=["end_date"])
        _occupy(
            unit=unit,
            rows=keep,
            placement=row.placement,
            people=[row.person],
            start=start,
            end=end,
            places=range(1, unit.capacity + 1),
        )


# The contribution ledger (quota di compartecipazione) --------------------------------
#
# Rows of the ledger are only ever created here: no function updates or deletes a
# charge or a payment. A wrong payment is cancelled by `payment_reverse`.


def _month_text(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _require_ledger(user, placement: Placement) -> None:
    access = access_for(user)
    access.require(access.may_record_payment(placement))


def _locked_placement(placement: Placement) -> Placement:
    """The placement's row, locked: charging a month and changing what it costs queue."""
    return (
        Placement.objects.select_for_update()
        .select_related("household", "case", "unit")
        .get(pk=placement.pk)
    )


def _record(user, instance, placement: Placement) -> None:
    audit.record_create(
        actor=user, instance=instance, household=placement.household, case=placement.case
    )


def _entry_save(user, placement: Placement, entry, **clean):
    """A new row of the ledger: checked, saved and in the audit trail."""
    entry.full_clean(**clean)
    entry.save()
    _record(user, entry, placement)
    return entry


def _charged_from(placement: Placement, day: datetime.date):
    """The first charged month from the month of `day` on, if any."""
    return (
        placement.contribution_charges.filter(month__gte=ledger.first_of_month(day))
        .order_by("month")
        .first()
    )


def _refuse_if_charged(placement: Placement, day: datetime.date, field: str) -> None:
    charged = _charged_from(placement, day)
    if charged is not None:
        raise ValidationError(
            {
                field: _(
                    "%(month)s è già stato addebitato: il registro non si modifica. Registra "
                    "la variazione da un mese non ancora addebitato."
                )
                % {"month": _month_text(charged.month).capitalize()}
            }
        )


def month_charge_for(placement: Placement, month: datetime.date) -> ledger.MonthCharge | None:
    """What the month costs the placement: rates and suspensions as recorded."""
    rates = [(placement.start_date, placement.monthly_contribution)] + [
        (change.effective_from, change.monthly_amount)
        for change in placement.contribution_changes.all()
    ]
    suspensions = [(s.start_date, s.end_date) for s in placement.contribution_suspensions.all()]
    return ledger.month_charge(
        month=month,
        stay_start=placement.start_date,
        stay_end=placement.end_date,
        rates=rates,
        suspensions=suspensions,
    )


def _charge(*, actor, placement: Placement, month: datetime.date) -> ContributionCharge | None:
    """Charge the month if it is due and not yet charged; None if nothing to charge."""
    if placement.contribution_charges.filter(month=month).exists():
        return None
    computed = month_charge_for(placement, month)
    if computed is None:
        return None
    charge = ContributionCharge(
        placement=placement,
        month=computed.month,
        amount=computed.amount,
        days_charged=computed.days_charged,
        days_in_month=computed.days_in_month,
        due_on=computed.due_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    charge.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():  # another run charged it a moment ago: the constraint says
            charge.save()
    except IntegrityError:
        return None
    _record(actor, charge, placement)
    return charge


def _check_month(placement: Placement, month: datetime.date, today: datetime.date) -> None:
    if month > ledger.first_of_month(today):
        raise ValidationError({"month": _("Non si addebita un mese che non è ancora iniziato.")})
    if ledger.last_of_month(month) < placement.start_date or (
        placement.end_date is not None and month > placement.end_date
    ):
        raise ValidationError({"month": _("In quel mese il nucleo non era nell'alloggio.")})


@transaction.atomic
def charges_generate(
    *, user, placement: Placement, month: datetime.date, today: datetime.date | None = None
) -> ContributionCharge | None:
    """Charge one month of a placement (pro rata in the first and last month, at the
    amounts in force, less suspended days). Charging a month twice charges nothing."""
    _require_ledger(user, placement)
    placement = _locked_placement(placement)
    month = ledger.first_of_month(month)
    _check_month(placement, month, today or timezone.localdate())
    return _charge(actor=user, placement=placement, month=month)


def charges_generate_all(*, month: datetime.date) -> int:
    """The scheduled job: charge `month` for every placement in a unit during it, each in
    its own transaction; run again, it charges nothing new. Returns how many charged."""
    month = ledger.first_of_month(month)
    placements = Placement.objects.filter(start_date__lte=ledger.last_of_month(month)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=month)
    )
    done = 0
    for pk in placements.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            placement = _locked_placement(Placement(pk=pk))
            if _charge(actor=None, placement=placement, month=month) is not None:
                done += 1
    return done


@transaction.atomic
def contribution_change_record(
    *,
    user,
    placement: Placement,
    effective_from: datetime.date,
    monthly_amount: Decimal,
    reason: str,
) -> ContributionChange:
    """A new monthly amount from a date on, for months not yet charged."""
    _require_ledger(user, placement)
    placement = _locked_placement(placement)
    if effective_from < placement.start_date:
        raise ValidationError(
            {
                "effective_from": _("La variazione non può precedere l'ingresso (%(start)s).")
                % {"start": _day(placement.start_date)}
            }
        )
    _refuse_if_charged(placement, effective_from, "effective_from")
    change = ContributionChange(
        placement=placement,
        effective_from=effective_from,
        monthly_amount=monthly_amount,
        reason=reason.strip(),
        created_by=user,
    )
    return _entry_save(user, placement, change)


@transaction.atomic
def contribution_suspend(
    *,
    user,
    placement: Placement,
    start_date: datetime.date,
    end_date: datetime.date | None,
    reason: str,
    document_reference: str,
) -> ContributionSuspension:
    """No contribution on these days, for a documented reason; for months not yet
    charged."""
    _require_ledger(user, placement)
    placement = _locked_placement(placement)
    if not reason.strip() or not document_reference.strip():
        raise ValidationError(
            {"document_reference": _("Una sospensione si motiva con un documento.")}
        )
    _refuse_if_charged(placement, start_date, "start_date")
    suspension = ContributionSuspension(
        placement=placement,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        document_reference=document_reference.strip(),
        created_by=user,
    )
    return _entry_save(user, placement, suspension)


@transaction.atomic
def payment_record(
    *,
    user,
    placement: Placement,
    paid_on: datetime.date,
    amount: Decimal,
    method: str,
    receipt_number: str,
    notes: str = "",
    instalment: RepaymentInstalment | None = None,
    today: datetime.date | None = None,
) -> Payment:
    """A payment, allocated (by the ledger's arithmetic) to the oldest charges."""
    _require_ledger(user, placement)
    errors = {}
    if amount is None or amount <= 0:
        errors["amount"] = _("L'importo di un pagamento deve essere positivo.")
    if paid_on > (today or timezone.localdate()):
        errors["paid_on"] = _("La data del pagamento non può essere nel futuro.")
    if not receipt_number.strip():
        errors["receipt_number"] = _("Indica il numero della ricevuta.")
    if instalment is not None and instalment.plan.placement_id != placement.pk:
        errors["instalment"] = _("La rata non è di un piano di questo inserimento.")
    if errors:
        raise ValidationError(errors)
    payment = Payment(
        placement=placement,
        paid_on=paid_on,
        amount=ledger.money(amount),
        method=method,
        receipt_number=receipt_number.strip(),
        notes=notes.strip(),
        instalment=instalment,
        created_by=user,
    )
    return _entry_save(user, placement, payment)


@transaction.atomic
def payment_reverse(
    *, user, payment: Payment, reason: str, today: datetime.date | None = None
) -> Payment:
    """Cancel a payment recorded by mistake with a reversing entry (storno): the
    opposite amount, dated today, pointing to the original, which stays."""
    placement = payment.placement
    _require_ledger(user, placement)
    original = Payment.objects.select_for_update().get(pk=payment.pk)
    if original.is_reversal:
        raise ValidationError(_("Uno storno non si storna: registra un nuovo pagamento."))
    if Payment.objects.filter(reverses=original).exists():
        raise ValidationError(_("Questo pagamento è già stato stornato."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indica perché il pagamento viene stornato.")})
    reversal = Payment(
        placement=placement,
        paid_on=today or timezone.localdate(),
        amount=-original.amount,
        method=original.method,
        receipt_number=original.receipt_number,
        notes=reason.strip(),
        reverses=original,
        instalment=original.instalment,
        created_by=user,
    )
    return _entry_save(user, placement, reversal, validate_unique=False)


@transaction.atomic
def arrears_flag(
    *,
    user,
    placement: Placement,
    first_month: datetime.date,
    last_month: datetime.date | None,
    reason: str,
) -> ArrearsFlag:
    """Mark the arrears of some months as not the household's fault, and why."""
    _require_ledger(user, placement)
    if not reason.strip():
        raise ValidationError({"reason": _("Indica perché la morosità non è imputabile.")})
    flag = ArrearsFlag(
        placement=placement,
        first_month=ledger.first_of_month(first_month),
        last_month=ledger.first_of_month(last_month) if last_month else None,
        reason=reason.strip(),
        created_by=user,
    )
    return _entry_save(user, placement, flag)


@transaction.atomic
def repayment_plan_create(
    *,
    user,
    placement: Placement,
    agreed_on: datetime.date,
    total: Decimal,
    instalments: int,
    first_due_on: datetime.date,
    notes: str = "",
) -> RepaymentPlan:
    """A repayment plan of `total` in `instalments` monthly instalments from
    `first_due_on`, equal to the cent (the last takes the rounding)."""
    _require_ledger(user, placement)
    errors = {}
    if total is None or total <= 0:
        errors["total"] = _("L'importo del piano deve essere positivo.")
    if not instalments or instalments < 1:
        errors["instalments"] = _("Un piano ha almeno una rata.")
    elif total and ledger.money(total) < instalments * ledger.CENT:
        errors["instalments"] = _("Troppe rate per questo importo.")
    if first_due_on and agreed_on and first_due_on < agreed_on:
        errors["first_due_on"] = _("La prima rata non può scadere prima dell'accordo.")
    if errors:
        raise ValidationError(errors)
    plan = RepaymentPlan(
        placement=placement,
        agreed_on=agreed_on,
        total=ledger.money(total),
        notes=notes.strip(),
        created_by=user,
    )
    plan.full_clean()
    plan.save()
    for number, amount in enumerate(ledger.split_instalments(plan.total, instalments), start=1):
        instalment = RepaymentInstalment(
            plan=plan, number=number, due_on=add_months(first_due_on, number - 1), amount=amount
        )
        instalment.full_clean(validate_constraints=False)
        instalment.save()
    _record(user, plan, placement)
    return plan
