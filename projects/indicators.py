"""The indicators of the coordinators' dashboard, computed by the database.

Each indicator function takes the ids of the projects it reports on, a Period and a
Dimension (one figure in total, or one per project, per referring municipality, per
territorial district), and returns {group key: {name: value}} from one query built with
Django's aggregates (Count, Sum, Avg, filtered aggregates, Exists, Subquery). No Python
loop walks the rows of households, cases or placements: the database answers with one
row per group. The one exception is the median on SQLite (see `_median`).

The functions read no user: the caller (projects.dashboard_views) has already decided
which projects the user may report on, through the scoping layer. Every figure is an
aggregate; no name leaves this module.

What each indicator means is written once, in SPECS below, and shown on the page next
to the figure, in the exports and on the printable page.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import NotSupportedError, connections
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import formats, timezone
from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from beneficiaries.models import (
    AutonomyAssessment,
    AutonomyScore,
    CaseExit,
    FollowUp,
    Goal,
    Person,
    Referral,
    years_before,
)
from beneficiaries.models import Case as SupportCase
from housing.models import HousingUnit, Placement, PlaceOccupancy
from partners.models import Organisation, OrganisationMembership

from .models import Project

TOTAL = "total"
ADULT_AGE = 18
RETURN_WINDOW_DAYS = 365
# Territories a referral comes from, above the single municipality.
TERRITORY_KINDS = (
    Organisation.Kind.TERRITORIAL_DISTRICT,
    Organisation.Kind.UNION_OF_MUNICIPALITIES,
)
DestinationGroup = Placement.DestinationGroup


# The period and the grouping ----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period cannot end before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        first = self.start.replace(day=1)
        months = []
        while first <= self.end:
            months.append(first)
            first = (first + datetime.timedelta(days=32)).replace(day=1)
        return months

    def until(self, today: datetime.date) -> Period | None:
        """The part of the period up to today, or None if it has not started yet."""
        if self.start > today:
            return None
        return Period(self.start, min(self.end, today))


class Dimension(StrEnum):
    """How the figures are split: the values are the words of the page's URL."""

    TOTAL = "totale"
    PROJECT = "progetto"
    MUNICIPALITY = "comune"
    DISTRICT = "ambito"

    @property
    def label(self) -> str:
        return str(DIMENSION_LABELS[self])


DIMENSION_LABELS = {
    Dimension.TOTAL: _("Totale"),
    Dimension.PROJECT: _("Per progetto"),
    Dimension.MUNICIPALITY: _("Per comune inviante"),
    Dimension.DISTRICT: _("Per ambito territoriale"),
}


@dataclass(frozen=True)
class _Paths:
    """From a model to its project's id, and to the organisation that referred the
    household (None where a figure has no household behind it, as for places)."""

    project: str
    referrer: str | None


CASE = _Paths("project_id", "referral__referring_organisation")
REFERRAL = _Paths("project_id", "referring_organisation")
VIA_CASE = _Paths("case__project_id", "case__referral__referring_organisation")
VIA_PLAN = _Paths("plan__case__project_id", "plan__case__referral__referring_organisation")
PLACES = _Paths("unit__project_id", None)
UNITS = _Paths("project_id", None)


class NotApplicable(Exception):
    """The indicator has no meaning for this dimension (places belong to a project, not
    to the municipality that referred the people living in them)."""


def _group_key(dimension: Dimension, paths: _Paths):
    """The expression whose value names a row's group, or None for one total."""
    if dimension == Dimension.TOTAL:
        return None
    if dimension == Dimension.PROJECT:
        return F(paths.project)
    if paths.referrer is None:
        raise NotApplicable
    referrer = paths.referrer
    municipality = {f"{referrer}__kind": Organisation.Kind.MUNICIPALITY}
    if dimension == Dimension.MUNICIPALITY:
        return SqlCase(
            When(**municipality, then=F(f"{referrer}_id")),
            default=Value(None),
            output_field=IntegerField(),
        )
    # The district: the referring organisation itself when it is a district (or a union
    # of municipalities), else the district its municipality belongs to.
    parent = Subquery(
        OrganisationMembership.objects.filter(
            member_id=OuterRef(f"{referrer}_id"), parent__kind__in=TERRITORY_KINDS
        )
        .order_by("parent__kind", "parent_id")
        .values("parent_id")[:1],
        output_field=IntegerField(),
    )
    return SqlCase(
        When(**{f"{referrer}__kind__in": TERRITORY_KINDS}, then=F(f"{referrer}_id")),
        When(**municipality, then=parent),
        default=Value(None),
        output_field=IntegerField(),
    )


def _grouped(queryset, key, **aggregates) -> dict:
    """One query: the aggregates in total (key None) or per group."""
    if key is None:
        return {TOTAL: queryset.aggregate(**aggregates)}
    rows = (
        queryset.annotate(group_key=key)
        .values("group_key")
        .annotate(**aggregates)
        .order_by("group_key")
    )
    return {row.pop("group_key"): row for row in rows}


# Database functions -------------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from the first date to the second (negative if it comes after)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("DaysBetween is written for SQLite and PostgreSQL")

    def _compiled(self, compiler, connection):
        """The SQL of both dates, and their parameters in the order the SQL below
        writes them: the end first."""
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        return start_sql, end_sql, (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        start, end, params = self._compiled(compiler, connection)
        # Dates are stored as ISO text; julianday() turns them into day numbers.
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", params

    def as_postgresql(self, compiler, connection, **extra_context):
        start, end, params = self._compiled(compiler, connection)
        # date - date is an integer number of days in PostgreSQL.
        return f"(({end})::date - ({start})::date)", params


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


# The indicators -----------------------------------------------------------------------


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


def exits_by_destination(*, project_ids, period: Period, by=Dimension.TOTAL) -> dict:
    """Exits from the units in the period, in total and per destination group."""
    per_group = {
        str(group): Count(
            "pk",
            filter=Q(destination_group=group)
            | (Q(destination_group="") if group == DestinationGroup.UNKNOWN else Q(pk=None)),
        )
        for group in DestinationGroup
    }
    return _grouped(
        _exits(project_ids, period).annotate(
            destination_group=Placement.destination_group_expression()
        ),
        _group_key(by, VIA_CASE),
        exits=Count("pk"),
        **per_group,
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


ONE_DAY = datetime.timedelta(days=1)


def _next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of the day, in the network's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _sent_in(period: Period) -> Q:
    """Sent on a day of the period (in the network's time zone), as a range of the
    stored timestamps, which an index can serve."""
    return Q(sent_at__gte=_day_start(period.start), sent_at__lt=_day_start(period.end + ONE_DAY))


# What the page shows: figures, their names and their definitions ----------------------


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    DAYS = "days"
    SCORE = "score"


@dataclass
class Figure:
    """One number of the dashboard as the page shows it: the value rounded as shown
    (the exports write the same), the text, and what it was computed from."""

    value: int | float | None
    unit: Unit
    detail: str = ""

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if self.unit == Unit.COUNT:
            return formats.number_format(self.value, force_grouping=True)
        if self.unit == Unit.PERCENT:
            return f"{formats.number_format(self.value, decimal_pos=1)} %"
        if self.unit == Unit.SCORE:
            sign = "+" if self.value > 0 else ""
            return sign + formats.number_format(self.value, decimal_pos=2)
        return formats.number_format(self.value, decimal_pos=1)


NOT_APPLICABLE = Figure(None, Unit.COUNT, _("non si calcola per questa suddivisione"))


def _count(value) -> Figure:
    return Figure(int(value or 0), Unit.COUNT)


def share(part, whole) -> Figure:
    part, whole = part or 0, whole or 0
    detail = _("%(part)s su %(whole)s") % {
        "part": formats.number_format(part, force_grouping=True),
        "whole": formats.number_format(whole, force_grouping=True),
    }
    if not whole:
        return Figure(None, Unit.PERCENT, detail)
    return Figure(round(100 * part / whole, 1), Unit.PERCENT, detail)


ON_ENTRIES = ngettext_lazy("su %(count)s ingresso", "su %(count)s ingressi", "count")
ON_EXITS = ngettext_lazy("su %(count)s uscita", "su %(count)s uscite", "count")
ON_CASES = ngettext_lazy("su %(count)s presa in carico", "su %(count)s prese in carico", "count")


def _how_many(count, words) -> str:
    return str(words % {"count": count or 0})


def _days(value, detail: str) -> Figure:
    return Figure(None if value is None else round(float(value), 1), Unit.DAYS, detail)


def _score(value, detail: str) -> Figure:
    return Figure(None if value is None else round(float(value), 2), Unit.SCORE, detail)


@dataclass(frozen=True)
class Spec:
    """One row of the indicators' table."""

    key: str
    label: Promise
    definition: Promise
    source: str  # the name of the indicator function whose result it reads
    figure: Callable[[dict], Figure]
    indent: bool = False


_lower = lazy(lambda text: str(text).lower(), str)


def _exit_group_definition(group) -> Promise:
    """The definition of an exit group: the destinations it gathers, in the current
    language (Placement.DESTINATION_GROUPS is the one place that says which)."""
    labels = [
        Placement.Destination(destination).label
        for destination, in_group in Placement.DESTINATION_GROUPS.items()
        if in_group == group
    ]
    return format_lazy(
        "{}: " + "; ".join(["{}"] * len(labels)) + ".", _("Uscite dagli alloggi verso"), *labels
    )


def _empty(values: dict | None) -> dict:
    return values or {}


SPECS: tuple[Spec, ...] = (
    Spec(
        "households",
        _("Nuclei seguiti"),
        _(
            "Nuclei familiari con una presa in carico nel progetto aperta in almeno un giorno "
            "del periodo (aperta entro la fine del periodo e non chiusa prima del suo "
            "inizio). Nel totale un nucleo seguito da più progetti conta una volta."
        ),
        "people_served",
        lambda r: _count(r.get("households")),
    ),
    Spec(
        "people",
        _("Persone seguite"),
        _("Tutti i componenti registrati dei nuclei seguiti."),
        "people_served",
        lambda r: _count(r.get("people")),
    ),
    Spec(
        "adults",
        _("di cui adulti"),
        _("Persone seguite che alla fine del periodo hanno almeno 18 anni."),
        "people_served",
        lambda r: _count(r.get("adults")),
        indent=True,
    ),
    Spec(
        "minors",
        _("di cui minori"),
        _("Persone seguite che alla fine del periodo hanno meno di 18 anni."),
        "people_served",
        lambda r: _count(r.get("minors")),
        indent=True,
    ),
    Spec(
        "women_with_children",
        _("Nuclei di donne con figli minori"),
        _(
            "Nuclei seguiti con almeno una donna adulta e almeno un minore alla fine del "
            "periodo: lo stesso criterio della lista d'attesa."
        ),
        "people_served",
        lambda r: _count(r.get("women_with_children")),
    ),
    Spec(
        "referrals_new",
        _("Segnalazioni nuove"),
        _("Segnalazioni inviate al progetto nel periodo. Le bozze non contano."),
        "referrals",
        lambda r: _count(r.get("new")),
    ),
    Spec(
        "referrals_accepted",
        _("Segnalazioni accolte"),
        _(
            "Tra le segnalazioni nuove del periodo già decise, la quota di quelle accolte: "
            "accolte ÷ (accolte + non accolte). Quelle ancora in valutazione e quelle "
            "ritirate non contano."
        ),
        "referrals",
        lambda r: share(r.get("accepted"), (r.get("accepted") or 0) + (r.get("declined") or 0)),
    ),
    Spec(
        "days_to_placement",
        _("Giorni dalla segnalazione all'inserimento (mediana)"),
        _(
            "Per i nuclei entrati in un alloggio del progetto nel periodo (il primo ingresso, "
            "non i trasferimenti tra alloggi), i giorni tra l'invio della segnalazione e "
            "l'ingresso. La mediana: metà dei nuclei ha atteso meno, metà di più."
        ),
        "days_to_placement",
        lambda r: _days(
            r.get("median"),
            _how_many(r.get("count"), ON_ENTRIES),
        ),
    ),
    Spec(
        "occupancy",
        _("Tasso di occupazione dei posti"),
        _(
            "Notti trascorse dalle persone negli alloggi del progetto nel periodo ÷ notti "
            "offerte dai posti (posti delle unità abitative non chiuse × giorni del periodo). "
            "Si conta fino a oggi se il periodo non è finito. Riguarda i posti del progetto: "
            "non si calcola per comune o per ambito."
        ),
        "occupancy",
        lambda r: share(r.get("occupied"), r.get("available")),
    ),
    Spec(
        "stay_average",
        _("Durata media della permanenza (giorni)"),
        _(
            "Per gli inserimenti conclusi nel periodo (esclusi i trasferimenti in un altro "
            "alloggio della rete), le notti dall'ingresso — nel primo alloggio, se il nucleo "
            "è stato trasferito — all'ultima notte; la media."
        ),
        "length_of_stay",
        lambda r: _days(
            r.get("average"),
            _how_many(r.get("count"), ON_EXITS),
        ),
    ),
    Spec(
        "stay_median",
        _("Durata mediana della permanenza (giorni)"),
        _("Le stesse permanenze della durata media; la mediana."),
        "length_of_stay",
        lambda r: _days(
            r.get("median"),
            _how_many(r.get("count"), ON_EXITS),
        ),
    ),
    Spec(
        "exits",
        _("Uscite dagli alloggi"),
        _(
            "Inserimenti conclusi nel periodo: il nucleo ha lasciato l'alloggio. I "
            "trasferimenti in un altro alloggio della rete non sono uscite."
        ),
        "exits_by_destination",
        lambda r: _count(r.get("exits")),
    ),
    *(
        Spec(
            f"exits_{group.value}",
            format_lazy("{} {}", _("verso"), _lower(group.label)),
            _exit_group_definition(group),
            "exits_by_destination",
            (lambda value: lambda r: _count(r.get(value)))(group.value),
            indent=True,
        )
        for group in DestinationGroup
    ),
    Spec(
        "exits_stable_share",
        _("Quota di uscite verso una soluzione stabile"),
        _("Uscite verso una soluzione stabile ÷ uscite dagli alloggi."),
        "exits_by_destination",
        lambda r: share(r.get(DestinationGroup.STABLE.value), r.get("exits")),
    ),
    Spec(
        "housed_6",
        _("Ancora in casa al follow-up di 6 mesi"),
        _(
            "Tra i follow-up a 6 mesi dall'uscita svolti nel periodo, la quota in cui il "
            "nucleo ha ancora una casa. Chi non è stato raggiungibile conta come non "
            "confermato."
        ),
        "follow_ups",
        lambda r: share(r.get("housed_6"), r.get("done_6")),
    ),
    Spec(
        "housed_12",
        _("Ancora in casa al follow-up di 12 mesi"),
        _("Come il precedente, per i follow-up a 12 mesi dall'uscita svolti nel periodo."),
        "follow_ups",
        lambda r: share(r.get("housed_12"), r.get("done_12")),
    ),
    Spec(
        "returns",
        _("Rientri entro 12 mesi dall'uscita"),
        _(
            "Tra i nuclei usciti dal progetto nel periodo (chiusura della presa in carico, "
            "esclusi i passaggi ad altro progetto), la quota che ha ricevuto una nuova "
            "segnalazione, a qualsiasi progetto della rete, entro 365 giorni dall'uscita. "
            "Per le uscite degli ultimi 12 mesi il valore può ancora crescere."
        ),
        "returns",
        lambda r: share(r.get("returned"), r.get("exits")),
    ),
    Spec(
        "goals_achieved",
        _("Obiettivi raggiunti"),
        _(
            "Tra gli obiettivi dei progetti individualizzati conclusi nel periodo, la quota "
            "di quelli raggiunti. Quelli raggiunti in parte e quelli abbandonati contano "
            "come non raggiunti."
        ),
        "goals",
        lambda r: share(r.get("achieved"), r.get("concluded")),
    ),
    Spec(
        "autonomy_change",
        _("Variazione del punteggio di autonomia dall'ingresso all'uscita"),
        _(
            "Per le prese in carico con la valutazione d'uscita nel periodo e una "
            "valutazione d'ingresso: la media di (punteggio d'uscita − punteggio "
            "d'ingresso). Il punteggio di una valutazione è la media dei livelli dei suoi "
            "ambiti, da 1 (in emergenza) a 5 (autonomo)."
        ),
        "autonomy_change",
        lambda r: _score(
            r.get("average"),
            _how_many(r.get("count"), ON_CASES),
        ),
    ),
)

INDICATORS = {
    "people_served": people_served,
    "referrals": referrals,
    "days_to_placement": days_to_placement,
    "occupancy": occupancy,
    "length_of_stay": length_of_stay,
    "exits_by_destination": exits_by_destination,
    "follow_ups": follow_ups,
    "returns": returns,
    "goals": goals,
    "autonomy_change": autonomy_change,
}


@dataclass
class Group:
    key: object
    label: str


@dataclass
class Row:
    spec: Spec
    figures: list[Figure]


@dataclass
class Report:
    """The indicators of some projects in a period: one column per group."""

    period: Period
    dimension: Dimension
    groups: list[Group]
    rows: list[Row]
    results: dict = field(repr=False, default_factory=dict)

    def figure(self, key: str, group=TOTAL) -> Figure:
        """One figure, by indicator key and group key (for tests and charts)."""
        position = next(i for i, g in enumerate(self.groups) if g.key == group)
        row = next(r for r in self.rows if r.spec.key == key)
        return row.figures[position]


def compute(
    *,
    project_ids,
    period: Period,
    by: Dimension = Dimension.TOTAL,
    today: datetime.date | None = None,
) -> dict:
    """Every indicator function's result for the dimension; None where not applicable."""
    results = {}
    for name, function in INDICATORS.items():
        kwargs = {"project_ids": project_ids, "period": period, "by": by}
        if name == "occupancy":
            kwargs["today"] = today
        try:
            results[name] = function(**kwargs)
        except NotApplicable:
            results[name] = None
    return results


def _groups(by: Dimension, projects: list[Project], results: dict) -> list[Group]:
    if by == Dimension.TOTAL:
        return [Group(TOTAL, str(_("Totale")))]
    if by == Dimension.PROJECT:
        return [Group(project.pk, project.display_name) for project in projects]
    keys = set()
    for values in results.values():
        keys |= set(values or {})
    names = {
        organisation.pk: organisation.display_name
        for organisation in Organisation.objects.filter(pk__in=keys - {None}).order_by("name")
    }
    groups = [Group(pk, name) for pk, name in sorted(names.items(), key=lambda kv: kv[1])]
    if None in keys:
        groups.append(
            Group(
                None,
                str(
                    _("Senza comune inviante")
                    if by == Dimension.MUNICIPALITY
                    else _("Senza ambito territoriale")
                ),
            )
        )
    return groups


def report(
    *,
    projects: list[Project],
    period: Period,
    by: Dimension = Dimension.TOTAL,
    today: datetime.date | None = None,
) -> Report:
    """The table of the dashboard: every indicator for each group of the dimension."""
    results = compute(project_ids=[p.pk for p in projects], period=period, by=by, today=today)
    groups = _groups(by, projects, results)
    rows = []
    for spec in SPECS:
        values = results[spec.source]
        if values is None:
            figures = [NOT_APPLICABLE for _ in groups]
        else:
            figures = [spec.figure(_empty(values.get(group.key))) for group in groups]
        rows.append(Row(spec, figures))
    return Report(period=period, dimension=by, groups=groups, rows=rows, results=results)
