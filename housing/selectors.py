"""Reads of housing: who may see which units and placements, the occupancy board and
the matching of free places with the waiting list.

Access, in the words of the users:
- the coordinators of a project (core.access.Access.coordinated_projects) see its units
  and all its placements, and place, move and end;
- social workers and coordinators of an organisation that works in the project (lead,
  operational coordinator, partner) see its units and the placements of the households
  whose case they may see (beneficiaries.selectors.households.visible_cases): their own households;
- anyone else whose organisation takes part in the project (a promoter, a referring
  municipality) is the wrong role: 403;
- everyone else does not know the units exist: 404.

Counts of people are not personal data, so the board counts every placement; names
come only from the placements the user may see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Household, Person, Vulnerability
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors import intake as intake_selectors
from core.access import access_for
from core.shortcuts import get_or_404
from partners.models import StaffMembership
from projects.models import Project

from . import occupancy
from .models import HousingUnit, Placement, PlaceOccupancy, Property

Role = StaffMembership.Role
BOARD_WEEKS = 13
HORIZON_DAYS = 90
# Units a page of the occupancy board shows.
BOARD_PAGE_UNITS = 50
ENDING_SOON_DAYS = 30


def units_queryset() -> QuerySet[HousingUnit]:
    return HousingUnit.objects.select_related("property", "project")


def unit_for_user(*, user, pk) -> HousingUnit:
    access = access_for(user)
    unit = get_or_404(units_queryset().filter(project_id__in=access.known_projects), pk=pk)
    access.require(access.may_see_housing(unit.project_id))
    return unit


def project_for_user(*, user, slug) -> Project:
    access = access_for(user)
    project = get_or_404(Project.objects.filter(pk__in=access.known_projects), slug=slug)
    access.require(access.may_see_housing(project))
    return project


def property_for_user(*, user, pk) -> Property:
    access = access_for(user)
    prop = get_or_404(
        Property.objects.select_related("municipality", "managing_organisation")
        .filter(units__project_id__in=access.known_projects)
        .distinct(),
        pk=pk,
    )
    access.require(prop.units.filter(project_id__in=access.housing_projects).exists())
    return prop


def visible_placements(*, user) -> QuerySet[Placement]:
    """Placements of the cases the user may see (beneficiaries' scoping layer)."""
    return Placement.objects.filter(case__in=households_selectors.visible_cases(user=user))


def _household_members() -> Prefetch:
    return Prefetch("household__members", queryset=Person.objects.order_by("birth_date"))


def placement_for_user(*, user, public_id) -> Placement:
    return get_or_404(
        visible_placements(user=user)
        .select_related(
            "household",
            "unit__property",
            "unit__project",
            "case__holding_organisation",
            "moved_from__unit__property",
            "moved_to__unit__property",
        )
        .prefetch_related(_household_members(), "members"),
        public_id=public_id,
    )


def unit_placements(*, user, unit, today=None) -> list[Placement]:
    """The unit's current and future placements the user may see."""
    today = today or timezone.localdate()
    return list(
        visible_placements(user=user)
        .filter(unit=unit)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("household")
        .prefetch_related(_household_members(), "members")
        .order_by("start_date", "pk")
    )


def free_places(*, unit: HousingUnit, first: datetime.date, last=None) -> int:
    """Places free on every day from first to last (None: from first on, for good)."""
    if not unit.takes_people():
        return 0
    stays = PlaceOccupancy.objects.filter(unit=unit).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    people, _day = occupancy.peak(stays.values_list("start_date", "end_date"), first, last)
    return max(unit.capacity - people, 0)


# The list of boards ------------------------------------------------------------------


def boards_for_user(*, user):
    """The projects and properties whose occupancy board the user may open."""
    viewable = access_for(user).housing_projects
    projects = (
        Project.objects.filter(pk__in=viewable, housing_units__isnull=False)
        .annotate(unit_count=Count("housing_units"), places=Sum("housing_units__capacity"))
        .order_by("name")
    )
    properties = (
        Property.objects.filter(units__project_id__in=viewable)
        .annotate(unit_count=Count("units"), places=Sum("units__capacity"))
        .order_by("town", "name")
    )
    return list(projects), list(properties)


# The occupancy board -----------------------------------------------------------------


@dataclass
class WeekCell:
    start: datetime.date
    people: int  # the most people on one day of the week
    free: int
    ending: bool  # a placement is planned to end, or ends, this week


@dataclass
class UnitRow:
    unit: HousingUnit
    people_today: int
    free_today: int
    free_horizon: int  # free on every one of the next HORIZON_DAYS days
    weeks: list[WeekCell]
    has_overstay: bool


@dataclass
class Board:
    today: datetime.date
    weeks: list[datetime.date]
    rows: list[UnitRow]
    ending_soon: list[Placement] = field(default_factory=list)
    overstays: list[Placement] = field(default_factory=list)
    # Totals of every unit of the board, not only of the page shown.
    capacity: int = 0
    free_today: int = 0
    free_horizon: int = 0
    # The page of units shown (BOARD_PAGE_UNITS a page), and whether more follow.
    page: int = 1
    pages: int = 1
    unit_count: int = 0

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_page(self) -> int:
        return self.page + 1


def occupancy_board(
    *, user, units: QuerySet[HousingUnit], today=None, page: int | str | None = 1
) -> Board:
    """Units × weeks for the next BOARD_WEEKS weeks, free places today and for the next
    HORIZON_DAYS days, the placements ending in ENDING_SOON_DAYS and the overstays.
    A fixed number of queries, however many units and placements.

    The week cells are built for one page of BOARD_PAGE_UNITS units (`page`, 1-based;
    a wrong or too high number gives the nearest page); the totals count every unit.
    Rendering thousands of unit rows of 13 cells was what made a big project's board
    slow and megabytes long (docs/performance.md)."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=today.weekday())  # this week's Monday
    weeks = [first + datetime.timedelta(weeks=w) for w in range(BOARD_WEEKS)]
    days = max(BOARD_WEEKS * 7, (today - first).days + HORIZON_DAYS)
    unit_list = list(
        units.select_related("property", "project").order_by(
            "project__name", "property__town", "property__name", "name"
        )
    )
    stays: dict[int, list] = {unit.pk: [] for unit in unit_list}
    ending_weeks: dict[int, set[int]] = {unit.pk: set() for unit in unit_list}
    overstaying: set[int] = set()
    for unit_id, start, end, planned_end, placement_end in (
        PlaceOccupancy.objects.filter(unit__in=unit_list)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .values_list(
            "unit_id",
            "start_date",
            "end_date",
            "placement__planned_end_date",
            "placement__end_date",
        )
    ):
        stays[unit_id].append((start, end))
        leaving = placement_end or planned_end
        if leaving is not None and first <= leaving:
            week = (leaving - first).days // 7
            if week < BOARD_WEEKS:
                ending_weeks[unit_id].add(week)
        if (
            planned_end is not None
            and planned_end < today
            and (placement_end is None or placement_end >= today)
        ):
            overstaying.add(unit_id)

    offset = (today - first).days
    pages = max(1, -(-len(unit_list) // BOARD_PAGE_UNITS))
    try:
        page = min(max(int(page or 1), 1), pages)
    except (TypeError, ValueError):
        page = 1
    shown = range((page - 1) * BOARD_PAGE_UNITS, page * BOARD_PAGE_UNITS)
    rows = []
    capacity = free_today = free_horizon = 0
    for index, unit in enumerate(unit_list):
        counts = occupancy.daily_counts(stays[unit.pk], first, days)
        open_for_people = unit.takes_people()
        horizon_peak = max(counts[offset : offset + HORIZON_DAYS])
        capacity += unit.capacity
        if open_for_people:
            free_today += max(unit.capacity - counts[offset], 0)
            free_horizon += max(unit.capacity - horizon_peak, 0)
        if index not in shown:
            continue
        cells = []
        for w, week_start in enumerate(weeks):
            people = max(counts[w * 7 : w * 7 + 7])
            cells.append(
                WeekCell(
                    start=week_start,
                    people=people,
                    free=max(unit.capacity - people, 0) if open_for_people else 0,
                    ending=w in ending_weeks[unit.pk],
                )
            )
        rows.append(
            UnitRow(
                unit=unit,
                people_today=counts[offset],
                free_today=max(unit.capacity - counts[offset], 0) if open_for_people else 0,
                free_horizon=max(unit.capacity - horizon_peak, 0) if open_for_people else 0,
                weeks=cells,
                has_overstay=unit.pk in overstaying,
            )
        )

    soon = today + datetime.timedelta(days=ENDING_SOON_DAYS)
    watched = (
        visible_placements(user=user)
        .filter(unit__in=unit_list)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(Q(end_date__lte=soon) | Q(end_date__isnull=True, planned_end_date__lte=soon))
        .select_related("household", "unit__property")
        .prefetch_related(_household_members())
        .order_by("planned_end_date", "end_date", "pk")
    )
    board = Board(
        today=today,
        weeks=weeks,
        rows=rows,
        capacity=capacity,
        free_today=free_today,
        free_horizon=free_horizon,
        page=page,
        pages=pages,
        unit_count=len(unit_list),
    )
    for placement in watched:
        if placement.is_overstay(today):
            board.overstays.append(placement)
        else:
            board.ending_soon.append(placement)
    return board


# Matching a free place with the waiting list -----------------------------------------


def needs_step_free_access(household: Household) -> bool:
    """A household with a disability needs a unit reachable without stairs."""
    return any(v.kind == Vulnerability.Kind.DISABILITY for v in household.vulnerabilities.all())


@dataclass
class MatchRow:
    entry: object  # beneficiaries.WaitingListEntry
    priority: object  # beneficiaries.priority.Priority
    size: int
    needs_step_free: bool
    reasons: list[str]  # why it does not fit; empty when it fits

    @property
    def fits(self) -> bool:
        return not self.reasons


@dataclass
class Matching:
    unit: HousingUnit
    free: int
    fitting: list[MatchRow]
    not_fitting: list[MatchRow]


def matching(*, user, unit: HousingUnit, today=None) -> Matching:
    """The project's waiting list seen from a free place: the households that fit the
    unit (size within the free places, step-free access when they need it, not already
    housed), in the list's priority order; and the others, each with why not.
    For the project's coordinators (403 otherwise, from the waiting list itself)."""
    today = today or timezone.localdate()
    waiting = intake_selectors.waiting_list(user=user, project=unit.project, today=today)
    free = free_places(unit=unit, first=today)
    household_ids = [entry.household_id for entry, _priority in waiting]
    housed = set(
        PlaceOccupancy.objects.filter(person__household_id__in=household_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("person__household_id", flat=True)
    )
    fitting, not_fitting = [], []
    for entry, priority in waiting:
        household = entry.household
        size = len(household.members.all())
        step_free = needs_step_free_access(household)
        reasons = []
        if household.pk in housed:
            reasons.append(_("È già inserito in un alloggio: usa il trasferimento."))
        if size > free:
            reasons.append(
                ngettext(
                    "Il nucleo è di %(size)d persona, i posti liberi sono %(free)d.",
                    "Il nucleo è di %(size)d persone, i posti liberi sono %(free)d.",
                    size,
                )
                % {"size": size, "free": free}
            )
        if step_free and not unit.step_free:
            reasons.append(_("Serve un alloggio accessibile senza gradini."))
        row = MatchRow(entry, priority, size, step_free, reasons)
        (fitting if row.fits else not_fitting).append(row)
    return Matching(unit=unit, free=free, fitting=fitting, not_fitting=not_fitting)


def waiting_entry_for_unit(*, unit: HousingUnit, pk):
    """An entry still on the waiting list of the unit's project, or 404."""
    return get_or_404(
        intake_selectors.waiting_list_entries(project=unit.project).select_related(
            "referral__project"
        ),
        pk=pk,
    )


def move_targets(*, user, placement: Placement) -> QuerySet[HousingUnit]:
    """Units a placement may move to: available units of projects the user coordinates."""
    return (
        units_queryset()
        .filter(
            project_id__in=access_for(user).coordinated_projects,
            state=HousingUnit.State.AVAILABLE,
        )
        .exclude(pk=placement.unit_id)
        .order_by("project__name", "property__town", "property__name", "name")
    )
