"""The indicators of the coordinators' dashboard, computed by the database.

Each indicator function takes the ids of the projects it reports on, a Period and a
Dimension (one figure in total, or one per project, per referring municipality, per
territorial district), and returns {group key: {name: value}} from one query built with
Django's aggregates (Count, Sum, Avg, filtered aggregates, Exists, Subquery). No Python
loop walks the rows of households, cases or placements: the database answers with one
row per group. The one exception is the median on SQLite (see `_median`).

The functions read no user: the caller (dashboard.views) has already decided
which projects the user may report on, through the scoping layer. Every figure is an
aggregate; no name leaves this module.

What each indicator means is written once, in SPECS below, and shown on the page next
to the figure, in the exports and on the printable page.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable

from django.db import NotSupportedError, connections
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone

from beneficiaries.models import (
    AutonomyAssessment,
    AutonomyScore,
    CaseExit,
    DestinationGroup,
    FollowUp,
    Goal,
    Person,
    Referral,
    destination_group_expression,
    years_before,
)
from beneficiaries.models import Case as SupportCase
from core.dates import DaysBetween
from dashboard.indicators.period import (
    CASE,
    ONE_DAY,
    PLACES,
    REFERRAL,
    TOTAL,
    UNITS,
    VIA_CASE,
    VIA_PLAN,
    Dimension,
    Period,
    _day_start,
    _group_key,
    _grouped,
    _next_month,
    _sent_in,
)
from housing.models import HousingUnit, Placement, PlaceOccupancy

ADULT_AGE = 18


RETURN_WINDOW_DAYS = 365


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont: the median when fraction is 0.5."""

    function = "percentile_cont"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotSupportedError("percentile_cont exists only in PostgreSQL")
        return super().as_sql(compiler, connection, **extra_context)


def _date(value: datetime.date) -> Value:
    return Value(value, output_field=DateField())


def _median(queryset, value, key) -> dict:
    """{group: {"median": m, "count": n}} of `value` over the queryset, in one query."""
    vendor = connections[queryset.db].vendor
    queryset = queryset.annotate(measure=value).filter(measure__isnull=False)
    if vendor == "postgresql":
        return _grouped(queryset, key, median=PercentileCont("measure"), count=Count("pk"))
    # SQLite has no percentile function. The database sorts the one column of values and
    # the middle is taken here: still one query, and O(n) memory for one number per
    # group, not a loop over the rows of households or placements.
    if key is None:
        values = {TOTAL: list(queryset.order_by("measure").values_list("measure", flat=True))}
    else:
        rows = (
            queryset.annotate(group_key=key)
            .order_by("group_key", "measure")
            .values_list("group_key", "measure")
        )
        values = {
            group: [measure for _, measure in pairs]
            for group, pairs in itertools.groupby(rows, key=lambda row: row[0])
        }
    return {
        group: {"median": _middle(measures), "count": len(measures)}
        for group, measures in values.items()
    }


def _middle(ordered: list) -> float | None:
    if not ordered:
        return None
    half = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[half])
    return (ordered[half - 1] + ordered[half]) / 2


def _active_cases(project_ids: Iterable[int], period: Period):
    """Cases of the projects open on at least one day of the period."""
    return SupportCase.objects.filter(
        project_id__in=list(project_ids), opened_on__lte=period.end
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=period.start))


def _exits(project_ids: Iterable[int], period: Period):
    """Placements of the projects that ended in the period: the household left the unit.
    A move to another unit of the network (reason "moved") is not an exit."""
    return Placement.objects.filter(
        case__project_id__in=list(project_ids),
        end_date__gte=period.start,
        end_date__lte=period.end,
    ).exclude(exit_reason=Placement.ExitReason.MOVED)


def people_served(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Households with a case open in the period; their members, adults and minors
    (age at the end of the period); households of women with children (an adult woman
    and a minor, the waiting list's criterion)."""
    adult_born_by = years_before(period.end, ADULT_AGE)
    adult_woman = Person.objects.filter(
        household_id=OuterRef("household_id"),
        sex=Person.Sex.FEMALE,
        birth_date__lte=adult_born_by,
    )
    minor = Person.objects.filter(
        household_id=OuterRef("household_id"), birth_date__gt=adult_born_by
    )
    return _grouped(
        _active_cases(project_ids, period),
        _group_key(by, CASE),
        households=Count("household", distinct=True),
        people=Count("household__members", distinct=True),
        adults=Count(
            "household__members",
            distinct=True,
            filter=Q(household__members__birth_date__lte=adult_born_by),
        ),
        minors=Count(
            "household__members",
            distinct=True,
            filter=Q(household__members__birth_date__gt=adult_born_by),
        ),
        women_with_children=Count(
            "household", distinct=True, filter=Q(Exists(adult_woman)) & Q(Exists(minor))
        ),
    )


def referrals(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Referrals sent to the projects in the period, and how many of them were accepted
    and declined (so far)."""
    sent = Referral.objects.filter(
        _sent_in(period), project_id__in=list(project_ids), sent_at__isnull=False
    )
    return _grouped(
        sent,
        _group_key(by, REFERRAL),
        new=Count("pk"),
        accepted=Count("pk", filter=Q(status=Referral.Status.ACCEPTED)),
        declined=Count("pk", filter=Q(status=Referral.Status.DECLINED)),
    )


def days_to_placement(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Median days from sending the referral to entering a unit, for first entries in
    the period (a move between units is not an entry)."""
    entries = Placement.objects.filter(
        case__project_id__in=list(project_ids),
        start_date__gte=period.start,
        start_date__lte=period.end,
        moved_from__isnull=True,
        case__referral__sent_at__isnull=False,
    )
    waited = DaysBetween(TruncDate("case__referral__sent_at"), F("start_date"))
    return _median(entries, waited, _group_key(by, VIA_CASE))


def out_of_order(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """First entries in the period (moves left out, as in days_to_placement) and those of
    them placed before the first compatible household of the waiting list, with a
    reason (inserimenti fuori ordine)."""
    entries = Placement.objects.filter(
        case__project_id__in=list(project_ids),
        start_date__gte=period.start,
        start_date__lte=period.end,
        moved_from__isnull=True,
    )
    return _grouped(
        entries,
        _group_key(by, VIA_CASE),
        entries=Count("pk"),
        out_of_order=Count("pk", filter=Q(out_of_order=True)),
    )


def occupancy(
    *, project_ids, period: Period, by=Dimension.TOTAL, today: datetime.date | None = None
) -> dict:
    """Nights spent by people on the projects' places in the period up to today, and the
    nights the places offered (capacity of the units not closed × days). Two queries:
    one over the occupancy rows, one over the units."""
    key = _group_key(by, PLACES)
    elapsed = period.until(today or timezone.localdate())
    if elapsed is None:
        return {}
    ids = list(project_ids)
    open_units = ~Q(unit__state=HousingUnit.State.CLOSED)
    rows = (
        PlaceOccupancy.objects.filter(open_units, unit__project_id__in=ids)
        .filter(start_date__lte=elapsed.end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=elapsed.start))
    )
    # End dates are the last night: a stay from the 1st to the 1st is one night.
    nights = (
        DaysBetween(
            Greatest(F("start_date"), _date(elapsed.start)),
            Least(Coalesce(F("end_date"), _date(elapsed.end)), _date(elapsed.end)),
        )
        + 1
    )
    occupied = _grouped(rows.annotate(nights=nights), key, occupied=Sum("nights"))
    places = _grouped(
        HousingUnit.objects.filter(project_id__in=ids).exclude(state=HousingUnit.State.CLOSED),
        _group_key(by, UNITS),
        places=Sum("capacity"),
    )
    return {
        group: {
            "occupied": occupied.get(group, {}).get("occupied") or 0,
            "available": (values["places"] or 0) * elapsed.days,
            "days": elapsed.days,
        }
        for group, values in places.items()
    }


def _stay_nights():
    # A household moved between units of the network stays in the project from its first
    # unit: follow the chain of moves back (up to four units, more than any real stay).
    first_start = Coalesce(
        "moved_from__moved_from__moved_from__start_date",
        "moved_from__moved_from__start_date",
        "moved_from__start_date",
        "start_date",
    )
    return DaysBetween(first_start, F("end_date")) + 1


def length_of_stay(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Average and median nights of the stays that ended in the period. Two queries."""
    key = _group_key(by, VIA_CASE)
    exits = _exits(project_ids, period)
    averages = _grouped(
        exits.annotate(nights=_stay_nights()), key, average=Avg("nights"), count=Count("pk")
    )
    medians = _median(exits, _stay_nights(), key)
    return {
        group: {**values, "median": medians.get(group, {}).get("median")}
        for group, values in averages.items()
    }


def _count_by_group(relation: str, in_period: Q, prefix: str) -> dict:
    """For exits reached through `relation` of the case: their number, and their number
    per destination group (a blank destination counting as unknown), distinct because
    the case's placements and exit are joined side by side."""
    group = destination_group_expression(f"{relation}__destination")
    counts = {f"{prefix}exits": Count(relation, filter=in_period, distinct=True)}
    for each in DestinationGroup:
        in_group = Q(Exact(group, each.value))
        if each == DestinationGroup.UNKNOWN:
            in_group |= Q(Exact(group, ""))
        counts[f"{prefix}{each.value}"] = Count(
            relation, filter=in_period & in_group, distinct=True
        )
    return counts


def exits_by_destination(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Exits in the period, in total and per destination group, on one list: the exits
    from the units ("exits", "stable"…: placements ended, moves to another unit of the
    network left out, as in _exits) and the case exits ("case_exits", "case_stable"…:
    the dimissioni, transfers included). One query over the cases, which both hang from."""
    placement_ended = Q(
        placements__end_date__gte=period.start, placements__end_date__lte=period.end
    ) & ~Q(placements__exit_reason=Placement.ExitReason.MOVED)
    case_closed = Q(exit__closed_on__gte=period.start, exit__closed_on__lte=period.end)
    return _grouped(
        SupportCase.objects.filter(project_id__in=list(project_ids)),
        _group_key(by, CASE),
        **_count_by_group("placements", placement_ended, ""),
        **_count_by_group("exit", case_closed, "case_"),
    )


def follow_ups(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Follow-ups at 6 and 12 months done in the period, and in how many the household
    still had a home."""
    done = FollowUp.objects.filter(
        case__project_id__in=list(project_ids),
        done_on__gte=period.start,
        done_on__lte=period.end,
    )
    housed = Q(still_housed=FollowUp.StillHoused.YES)
    figures = {}
    for months in (6, 12):
        after = Q(months_after_exit=months)
        figures[f"done_{months}"] = Count("pk", filter=after)
        figures[f"housed_{months}"] = Count("pk", filter=after & housed)
    return _grouped(done, _group_key(by, VIA_CASE), **figures)


def returns(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Case exits in the period (not transfers to another project), and how many of
    those households were referred again, to any project, within 365 days after."""
    exits = CaseExit.objects.filter(
        case__project_id__in=list(project_ids),
        closed_on__gte=period.start,
        closed_on__lte=period.end,
    ).exclude(reason=CaseExit.Reason.TRANSFERRED)
    referred_again = (
        Referral.objects.filter(household_id=OuterRef("case__household_id"), sent_at__isnull=False)
        .annotate(gap=DaysBetween(OuterRef("closed_on"), TruncDate("sent_at")))
        .filter(gap__gte=1, gap__lte=RETURN_WINDOW_DAYS)
    )
    return _grouped(
        exits,
        _group_key(by, VIA_CASE),
        exits=Count("pk"),
        returned=Count("pk", filter=Q(Exists(referred_again))),
    )


def goals(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Goals of the support plans concluded in the period, and how they ended."""
    concluded = Goal.objects.filter(
        plan__case__project_id__in=list(project_ids),
        closed_on__gte=period.start,
        closed_on__lte=period.end,
    ).exclude(status=Goal.Status.OPEN)
    return _grouped(
        concluded,
        _group_key(by, VIA_PLAN),
        concluded=Count("pk"),
        achieved=Count("pk", filter=Q(status=Goal.Status.ACHIEVED)),
        partly=Count("pk", filter=Q(status=Goal.Status.PARTLY_ACHIEVED)),
    )


def _average_level(moment: str) -> Subquery:
    """The average level of the case's assessment at `moment` (entry or exit)."""
    return Subquery(
        AutonomyScore.objects.filter(assessment__case_id=OuterRef("pk"), assessment__moment=moment)
        .values("assessment__case_id")
        .annotate(level=Avg("level"))
        .values("level")[:1],
        output_field=FloatField(),
    )


def autonomy_change(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """For the cases whose exit assessment was taken in the period and that have an entry
    assessment: the average of (exit score − entry score), a score being the average
    level of an assessment's domains."""
    Moment = AutonomyAssessment.Moment
    cases = SupportCase.objects.filter(project_id__in=list(project_ids)).filter(
        Exists(
            AutonomyAssessment.objects.filter(
                case_id=OuterRef("pk"),
                moment=Moment.EXIT,
                taken_on__gte=period.start,
                taken_on__lte=period.end,
            )
        ),
        Exists(AutonomyAssessment.objects.filter(case_id=OuterRef("pk"), moment=Moment.ENTRY)),
    )
    change = _average_level(Moment.EXIT) - _average_level(Moment.ENTRY)
    return _grouped(
        cases.annotate(change=change),
        _group_key(by, CASE),
        average=Avg("change"),
        count=Count("pk"),
    )


def monthly(*, project_ids, period: Period) -> list[dict]:
    """Per month of the period: referrals sent, entries into units, exits. One query
    for each of the three, with one filtered count per month: a comparison of the
    stored value with the month's bounds, which every database does natively (grouping
    by a truncated date would call a Python function per row on SQLite)."""
    ids = list(project_ids)
    months = period.months()
    bounds = [
        (max(first, period.start), min(_next_month(first), period.end + ONE_DAY))
        for first in months
    ]

    def per_month(queryset, field: str, moment=lambda day: day) -> list[int]:
        counts = queryset.aggregate(
            **{
                f"m{index}": Count(
                    "pk",
                    filter=Q(**{f"{field}__gte": moment(first), f"{field}__lt": moment(after)}),
                )
                for index, (first, after) in enumerate(bounds)
            }
        )
        return [counts[f"m{index}"] for index in range(len(bounds))]

    sent = Referral.objects.filter(_sent_in(period), project_id__in=ids, sent_at__isnull=False)
    entries = Placement.objects.filter(
        case__project_id__in=ids,
        start_date__gte=period.start,
        start_date__lte=period.end,
        moved_from__isnull=True,
    )
    columns = {
        "referrals": per_month(sent, "sent_at", _day_start),
        "entries": per_month(entries, "start_date"),
        "exits": per_month(_exits(ids, period), "end_date"),
    }
    return [
        {"month": month, **{name: values[index] for name, values in columns.items()}}
        for index, month in enumerate(months)
    ]
