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
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beneficiaries.models import Case, Household, Person, Vulnerability, WaitingListEntry
from beneficiaries.selectors import cases as cases_selectors
from beneficiaries.selectors import households as households_selectors
from beneficiaries.selectors import intake as intake_selectors
from core.access import access_for
from core.shortcuts import get_or_404
from partners.models import StaffMembership
from projects.models import Project

from . import ledger, occupancy
from .models import (
    ArrearsFlag,
    ContributionCharge,
    HousingUnit,
    Payment,
    Placement,
    PlaceOccupancy,
    Property,
    RepaymentInstalment,
    RepaymentPlan,
)

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
    units = units.order_by("project__name", "property__town", "property__name", "name")
    # Every unit counts in the totals, as plain values; only the page's units become
    # objects with their property and project (4,000 units of a big project, built as
    # objects, took a third of the board's time: docs/performance.md).
    every_unit = list(units.values_list("pk", "capacity", "state"))
    pages = max(1, -(-len(every_unit) // BOARD_PAGE_UNITS))
    try:
        page = min(max(int(page or 1), 1), pages)
    except (TypeError, ValueError):
        page = 1
    shown_ids = [
        pk for pk, _c, _s in every_unit[(page - 1) * BOARD_PAGE_UNITS :][:BOARD_PAGE_UNITS]
    ]
    by_pk = units.select_related("property", "project").in_bulk(shown_ids)
    shown_units = [by_pk[pk] for pk in shown_ids]

    # The units as a subquery, never as a list of thousands of ids.
    unit_ids = units.values("pk")
    stays: dict[int, list] = {pk: [] for pk, _c, _s in every_unit}
    ending_weeks: dict[int, set[int]] = {pk: set() for pk in shown_ids}
    overstaying: set[int] = set()
    for unit_id, start, end, planned_end, placement_end in (
        PlaceOccupancy.objects.filter(unit__in=unit_ids)
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
        if unit_id not in ending_weeks:
            continue
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
    horizon_end = today + datetime.timedelta(days=HORIZON_DAYS - 1)
    capacity = free_today = free_horizon = 0
    available = HousingUnit.State.AVAILABLE
    for pk, unit_capacity, state in every_unit:
        capacity += unit_capacity
        if state != available:
            continue
        unit_stays = stays[pk]
        people_today = sum(1 for stay in unit_stays if occupancy.overlaps(stay, today, today))
        horizon_peak = occupancy.peak(unit_stays, today, horizon_end)[0] if unit_stays else 0
        free_today += max(unit_capacity - people_today, 0)
        free_horizon += max(unit_capacity - horizon_peak, 0)
    rows = []
    for unit in shown_units:
        counts = occupancy.daily_counts(stays[unit.pk], first, days)
        open_for_people = unit.takes_people()
        horizon_peak = max(counts[offset : offset + HORIZON_DAYS])
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
        .filter(unit__in=unit_ids)
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
        unit_count=len(every_unit),
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
class CaseMatchRow:
    """A household with an open case in the project that needs a place and never waited
    on the list (its case was opened from the referral, or it left the list)."""

    case: object  # beneficiaries.Case
    size: int
    needs_step_free: bool
    reasons: list[str]

    @property
    def fits(self) -> bool:
        return not self.reasons


MATCH_PAGE_SIZE = 50


@dataclass
class Matching:
    unit: HousingUnit
    free: int
    fitting: object  # a Page of MatchRow, in the list's priority order
    not_fitting: object  # a Page of MatchRow
    cases: object  # a Page of CaseMatchRow, oldest case first


def _with_fit(entries, *, today):
    """Waiting-list entries with what decides whether they fit a place: the household's
    size, whether it needs step-free access, whether it is already housed."""
    members = Person.objects.filter(household=OuterRef("household_id"))
    return entries.annotate(
        _size=Coalesce(
            Subquery(
                members.order_by().values("household").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),
        _step_free=Exists(
            Vulnerability.objects.filter(
                household=OuterRef("household_id"), kind=Vulnerability.Kind.DISABILITY
            )
        ),
        _housed=_is_housed(OuterRef("household_id"), today=today),
    )


def _is_housed(household, *, today):
    """Whether `household` (an OuterRef) has someone in a unit today or later, as a
    scalar subquery that reads its first such stay. An EXISTS here sits under the OR of
    "does not fit" (housed, too big, needs step-free access), and PostgreSQL answered it
    by hashing every current stay of the network (51,000, 113 ms, twice a query) rather
    than looking up the few members of each entry: a scalar subquery is looked up row
    by row from the indexes of the members and the stays (docs/performance.md)."""
    stays = PlaceOccupancy.objects.filter(person__household=household).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return Coalesce(
        Subquery(stays.order_by().values(housed=Value(True))[:1], output_field=BooleanField()),
        Value(False),
    )


def _fits_q(*, unit: HousingUnit, free: int) -> Q:
    fits = Q(_housed=False, _size__lte=free)
    if not unit.step_free:
        fits &= Q(_step_free=False)
    return fits


def _ranked_with_fit(*, user, unit: HousingUnit, free: int, today):
    """The project's waiting list in priority order, each entry annotated with what
    decides whether it fits the unit, and `_fits`."""
    waiting = intake_selectors.waiting_list(user=user, project=unit.project, today=today)
    fits = ExpressionWrapper(_fits_q(unit=unit, free=free), output_field=BooleanField())
    return waiting.narrowed(lambda entries: _with_fit(entries, today=today).annotate(_fits=fits))


class _MatchRows:
    """A page source of MatchRow (Paginator slices it): `ids`, the entries of one side
    of the list in its order; a page reads only its entries, with their details."""

    def __init__(self, waiting, ids: list[int], *, unit: HousingUnit, free: int):
        self.waiting, self.ids, self.unit, self.free = waiting, ids, unit, free

    def count(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        ids = self.ids[index]
        rows = []
        for entry, priority in self.waiting.narrowed(lambda entries: entries.filter(pk__in=ids)):
            size = len(entry.household.members.all())
            step_free = needs_step_free_access(entry.household)
            reasons = []
            if entry._housed:
                reasons.append(_("È già inserito in un alloggio: usa il trasferimento."))
            reasons += _fit_reasons(unit=self.unit, size=size, free=self.free, step_free=step_free)
            rows.append(MatchRow(entry, priority, size, step_free, reasons))
        return rows


def matching(
    *, user, unit: HousingUnit, today=None, page=None, other_page=None, cases_page=None
) -> Matching:
    """The project's waiting list seen from a free place: the households that fit the
    unit (size within the free places, step-free access when they need it, not already
    housed), in the list's priority order; the others, each with why not; and the open
    cases of the project that need a place and never waited. All three are pages
    (`page`, `other_page`, `cases_page`): the database orders and sorts them, only the
    rows shown are read. For the project's coordinators (403 otherwise, from the
    waiting list itself)."""
    today = today or timezone.localdate()
    free = free_places(unit=unit, first=today)
    waiting = _ranked_with_fit(user=user, unit=unit, free=free, today=today)
    # The whole list's order and fit in one query of two columns, not a count and a
    # page for each side: each would test the fit of every entry again.
    order = list(waiting.entries.values_list("pk", "_fits"))
    fitting = [pk for pk, fits in order if fits]
    not_fitting = [pk for pk, fits in order if not fits]
    return Matching(
        unit=unit,
        free=free,
        fitting=Paginator(
            _MatchRows(waiting, fitting, unit=unit, free=free), MATCH_PAGE_SIZE
        ).get_page(page),
        not_fitting=Paginator(
            _MatchRows(waiting, not_fitting, unit=unit, free=free), MATCH_PAGE_SIZE
        ).get_page(other_page),
        cases=Paginator(
            _CaseMatchRows(
                _cases_needing_a_place(user=user, unit=unit, today=today), unit=unit, free=free
            ),
            MATCH_PAGE_SIZE,
        ).get_page(cases_page),
    )


def _fit_reasons(*, unit: HousingUnit, size: int, free: int, step_free: bool) -> list[str]:
    reasons = []
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
    return reasons


def _cases_needing_a_place(*, user, unit: HousingUnit, today) -> QuerySet[Case]:
    """Open cases of the unit's project whose household is in no unit today or later and
    not on the project's waiting list (those are in the list's rows), oldest first."""
    housed = PlaceOccupancy.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        person__household=OuterRef("household_id"),
    )
    waiting = WaitingListEntry.objects.filter(
        project=unit.project, removed_on__isnull=True, household=OuterRef("household_id")
    )
    return (
        households_selectors.visible_cases(user=user, project=unit.project)
        .filter(closed_on__isnull=True)
        .filter(~Exists(housed), ~Exists(waiting))
        .order_by("opened_on", "pk")
    )


class _CaseMatchRows:
    """A page source of CaseMatchRow over the cases needing a place (Paginator slices
    it): only the page's cases are read with their members."""

    def __init__(self, cases, *, unit: HousingUnit, free: int):
        self.cases, self.unit, self.free = cases, unit, free

    def count(self) -> int:
        return self.cases.count()

    def __getitem__(self, index):
        rows = []
        for case in (
            self.cases[index]
            .select_related("household", "holding_organisation")
            .prefetch_related(
                Prefetch("household__members", queryset=Person.objects.order_by("birth_date")),
                "household__vulnerabilities",
            )
        ):
            size = len(case.household.members.all())
            step_free = needs_step_free_access(case.household)
            reasons = _fit_reasons(unit=self.unit, size=size, free=self.free, step_free=step_free)
            rows.append(CaseMatchRow(case, size, step_free, reasons))
        return rows


def first_in_line(*, user, unit: HousingUnit, today=None):
    """The waiting-list entry that placing someone else in `unit` would skip: the first
    compatible household of the project's list, or None."""
    today = today or timezone.localdate()
    free = free_places(unit=unit, first=today)
    waiting = _ranked_with_fit(user=user, unit=unit, free=free, today=today)
    return waiting.entries.filter(_fits=True).first()


def case_needing_place_for_unit(*, user, unit: HousingUnit, public_id) -> Case:
    """An open case of the unit's project that the user may see, or 404."""
    return get_or_404(
        households_selectors.visible_cases(user=user, project=unit.project)
        .filter(closed_on__isnull=True)
        .select_related("household", "holding_organisation"),
        public_id=public_id,
    )


def placements_hanging_from(*, case, on: datetime.date | None) -> list[Placement]:
    """The case's placements that would still count the household in a unit after `on`
    (the day the case closes): not ended, or ended later."""
    still_there = Q(end_date__isnull=True)
    if on is not None:
        still_there |= Q(end_date__gt=on)
    return list(
        Placement.objects.filter(case=case)
        .filter(still_there)
        .select_related("unit__project", "unit__property")
        .order_by("start_date", "pk")
    )


# Where the household lives (the household file and the case page) --------------------


@dataclass
class Move:
    day: datetime.date
    from_unit: HousingUnit
    to_unit: HousingUnit
    placement: Placement


@dataclass
class Dwelling:
    """Where a household lives and has lived, as far as the user may see."""

    today: datetime.date
    current: list[Placement]  # today, or from a later day
    past: list[Placement]
    moves: list[Move]

    def __bool__(self) -> bool:
        return bool(self.current or self.past)


def dwelling(*, user, household=None, case=None, today=None) -> Dwelling:
    """The placements of a household (or of one case) the user may see: the current and
    coming ones with their planned end, the past ones, the moves between units. One
    query."""
    today = today or timezone.localdate()
    # A household's or a case's few placements: their cases are tested one by one.
    placements = Placement.objects.filter(households_selectors.visible_case_q(user=user))
    placements = placements.filter(case=case) if case is not None else placements
    if household is not None:
        placements = placements.filter(household=household)
    placements = list(
        placements.select_related("unit__property", "unit__project", "case__project").order_by(
            "-start_date", "-pk"
        )
    )
    by_pk = {placement.pk: placement for placement in placements}
    current = [p for p in placements if p.end_date is None or p.end_date >= today]
    past = [p for p in placements if p.end_date is not None and p.end_date < today]
    moves = [
        Move(p.start_date, by_pk[p.moved_from_id].unit, p.unit, p)
        for p in placements
        if p.moved_from_id in by_pk
    ]
    return Dwelling(today=today, current=current[::-1], past=past, moves=moves)


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


# The contribution ledger (quota di compartecipazione) --------------------------------
#
# Financial data: for the project's coordinators and the holding organisation's workers
# (core.access.Access.may_read_contributions). A placement outside the user's cases is a
# 404, as on its own page; one they see but whose ledger is not theirs to read, a 403.

INSTALMENTS_AHEAD_DAYS = 7
MONEY_FIELD = DecimalField(max_digits=12, decimal_places=2)


def contribution_placement_for_user(*, user, public_id, record: bool = False) -> Placement:
    placement = placement_for_user(user=user, public_id=public_id)
    access = access_for(user)
    access.require(
        access.may_record_payment(placement) if record else access.may_read_contributions(placement)
    )
    return placement


def contribution_placements(*, user) -> QuerySet[Placement]:
    """Placements whose ledger the user may read."""
    return visible_placements(user=user).filter(access_for(user).contributions_q())


def payment_for_user(*, user, placement: Placement, pk) -> Payment:
    return get_or_404(placement.payments.select_related("placement"), pk=pk)


@dataclass
class ChargeLine:
    charge: ContributionCharge
    covered: Decimal
    owed: Decimal
    days_late: int
    not_at_fault: bool

    @property
    def late(self) -> bool:
        return self.owed > 0 and self.days_late > 0


@dataclass
class InstalmentLine:
    instalment: RepaymentInstalment
    paid: Decimal
    status: str  # "paid", "late", "due", "planned"

    @property
    def owed(self) -> Decimal:
        return max(self.instalment.amount - self.paid, ledger.ZERO)


@dataclass
class Bucket:
    label: str
    amount: Decimal


@dataclass
class Statement:
    """The ledger of a placement as the page shows it, on `today`."""

    placement: Placement
    today: datetime.date
    lines: list[ChargeLine]
    payments: list[Payment]
    flags: list[ArrearsFlag]
    plans: list[tuple[RepaymentPlan, list[InstalmentLine]]]
    charged: Decimal
    paid: Decimal
    buckets: list[Bucket]
    not_at_fault: Decimal

    @property
    def balance(self) -> Decimal:
        """What the household owes (negative: in credit)."""
        return self.charged - self.paid

    @property
    def overdue(self) -> Decimal:
        return sum((b.amount for b in self.buckets), ledger.ZERO)

    @property
    def credit(self) -> Decimal:
        return max(-self.balance, ledger.ZERO)


def _instalment_status(instalment, paid: Decimal, today: datetime.date) -> str:
    if paid >= instalment.amount:
        return "paid"
    if instalment.due_on < today:
        return "late"
    if instalment.due_on <= today + datetime.timedelta(days=INSTALMENTS_AHEAD_DAYS):
        return "due"
    return "planned"


def statement(*, placement: Placement, today: datetime.date | None = None) -> Statement:
    """Charges with what covers them (oldest first), payments, ageing of what is late,
    the arrears not the household's fault, the repayment plans and their instalments.
    Five queries, whatever the length of the ledger."""
    today = today or timezone.localdate()
    charges = list(placement.contribution_charges.order_by("month", "pk"))
    payments = list(
        placement.payments.select_related("reverses", "instalment").order_by("paid_on", "pk")
    )
    reversed_ids = {p.reverses_id for p in payments if p.reverses_id}
    for payment in payments:
        payment.is_reversed = payment.pk in reversed_ids
    flags = list(placement.arrears_flags.order_by("first_month", "pk"))
    paid = sum((p.amount for p in payments), ledger.ZERO)
    covered = ledger.allocate([c.amount for c in charges], paid)
    lines = [
        ChargeLine(
            charge=charge,
            covered=part,
            owed=charge.amount - part,
            days_late=(today - charge.due_on).days,
            not_at_fault=any(flag.covers(charge.month) for flag in flags),
        )
        for charge, part in zip(charges, covered, strict=True)
    ]
    amounts = ledger.ageing(((line.charge.due_on, line.owed) for line in lines), today)
    paid_by_instalment: dict[int, Decimal] = {}
    for payment in payments:
        if payment.instalment_id:
            paid_by_instalment[payment.instalment_id] = (
                paid_by_instalment.get(payment.instalment_id, ledger.ZERO) + payment.amount
            )
    plans = []
    for plan in placement.repayment_plans.prefetch_related("instalments").order_by(
        "-agreed_on", "-pk"
    ):
        rows = []
        for instalment in plan.instalments.all():
            got = paid_by_instalment.get(instalment.pk, ledger.ZERO)
            rows.append(InstalmentLine(instalment, got, _instalment_status(instalment, got, today)))
        plans.append((plan, rows))
    return Statement(
        placement=placement,
        today=today,
        lines=lines,
        payments=payments,
        flags=flags,
        plans=plans,
        charged=sum((c.amount for c in charges), ledger.ZERO),
        paid=paid,
        buckets=[
            Bucket(label, amount)
            for label, amount in zip(ledger.BUCKET_LABELS, amounts, strict=True)
        ],
        not_at_fault=sum(
            (line.owed for line in lines if line.late and line.not_at_fault), ledger.ZERO
        ),
    )


def open_instalments(*, plan_lines) -> list[InstalmentLine]:
    return [line for line in plan_lines if line.status != "paid"]


# Balances in the database, for lists (caseloads, "La mia giornata", exports, dashboard)


def _money_sum(queryset, field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.values("placement_id").annotate(total=Sum(field)).values("total")[:1],
            output_field=MONEY_FIELD,
        ),
        Value(Decimal("0.00")),
        output_field=MONEY_FIELD,
    )


def _charged_due_before(day: datetime.date) -> Coalesce:
    return _money_sum(
        ContributionCharge.objects.filter(placement_id=OuterRef("pk"), due_on__lt=day), "amount"
    )


def _owed_beyond(charged, paid) -> Greatest:
    # Payments cover the oldest charges first, so what is still owed of the charges due
    # before a day is what they add up to less everything paid, if anything is left.
    return Greatest(charged - paid, Value(Decimal("0.00")), output_field=MONEY_FIELD)


def with_balances(placements: QuerySet[Placement], *, today: datetime.date) -> QuerySet[Placement]:
    """Annotate each placement with `charged`, `paid` and `balance` up to `today`,
    `overdue` (owed on charges past their due date) and `over_30`, `over_60`, `over_90`
    (owed on charges more than so many days late): one query with subqueries.
    The ageing buckets are the differences: 0–30 is overdue − over_30, and so on."""
    paid = _money_sum(
        Payment.objects.filter(placement_id=OuterRef("pk"), paid_on__lte=today), "amount"
    )
    charged = _money_sum(
        ContributionCharge.objects.filter(placement_id=OuterRef("pk"), month__lte=today), "amount"
    )
    day = datetime.timedelta(days=1)
    return placements.annotate(
        charged=charged,
        paid=paid,
    ).annotate(
        balance=charged - paid,
        overdue=_owed_beyond(_charged_due_before(today), paid),
        over_30=_owed_beyond(_charged_due_before(today - 30 * day), paid),
        over_60=_owed_beyond(_charged_due_before(today - 60 * day), paid),
        over_90=_owed_beyond(_charged_due_before(today - 90 * day), paid),
    )


def arrears_over(placements: QuerySet[Placement], *, days: int, today: datetime.date):
    """The placements with something owed on charges more than `days` days late."""
    cutoff = today - datetime.timedelta(days=days)
    paid = _money_sum(
        Payment.objects.filter(placement_id=OuterRef("pk"), paid_on__lte=today), "amount"
    )
    return placements.annotate(arrears=_owed_beyond(_charged_due_before(cutoff), paid)).filter(
        arrears__gt=0
    )


def instalments_due(*, placements: QuerySet[Placement], today: datetime.date):
    """Unpaid instalments late or due within INSTALMENTS_AHEAD_DAYS of the placements."""
    paid = Coalesce(
        Subquery(
            Payment.objects.filter(instalment_id=OuterRef("pk"))
            .values("instalment_id")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=MONEY_FIELD,
        ),
        Value(Decimal("0.00")),
        output_field=MONEY_FIELD,
    )
    return (
        RepaymentInstalment.objects.filter(
            plan__placement__in=placements,
            due_on__lte=today + datetime.timedelta(days=INSTALMENTS_AHEAD_DAYS),
        )
        .annotate(paid=paid)
        .filter(paid__lt=F("amount"))
        .select_related("plan__placement")
        .order_by("due_on", "pk")
    )


def ledger_rows(*, user, today: datetime.date, project=None) -> QuerySet[Placement]:
    """For the administration office's export: the placements whose ledger the user may
    read, with their balances and ageing."""
    placements = contribution_placements(user=user)
    if project is not None:
        placements = placements.filter(unit__project=project)
    has_ledger = Exists(ContributionCharge.objects.filter(placement_id=OuterRef("pk"))) | Exists(
        Payment.objects.filter(placement_id=OuterRef("pk"))
    )
    return with_balances(
        placements.filter(has_ledger)
        .select_related("household", "unit__property", "unit__project")
        # The household's name is its reference person's: read with the rows, not
        # one query per row.
        .prefetch_related("household__members"),
        today=today,
    ).order_by("unit__project__name", "unit__property__name", "unit__name", "start_date", "pk")


def instalments_of(*, placement: Placement) -> QuerySet[RepaymentInstalment]:
    """The instalments a payment of the placement may settle."""
    return RepaymentInstalment.objects.filter(plan__placement=placement).select_related("plan")


def case_contributions(*, user, public_id, today: datetime.date | None = None):
    """The case (404 outside the user's scope, 403 if its ledger is not theirs to read)
    and the statement of each of its placements, newest first."""
    case = cases_selectors.case_for_user(user=user, public_id=public_id)
    access = access_for(user)
    access.require(access.may_read_case_contributions(case))
    placements = (
        visible_placements(user=user)
        .filter(case=case)
        .select_related("household", "unit__property", "unit__project", "case")
        .order_by("-start_date", "-pk")
    )
    return case, [
        (placement, statement(placement=placement, today=today)) for placement in placements
    ]
