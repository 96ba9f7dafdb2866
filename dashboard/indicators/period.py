"""The period a report covers and how its figures are grouped (in total, per project,
per referring municipality, per territorial district)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Case as SqlCase
from django.db.models import (
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Organisation, OrganisationMembership

TOTAL = "total"


# Territories a referral comes from, above the single municipality.
TERRITORY_KINDS = (
    Organisation.Kind.TERRITORIAL_DISTRICT,
    Organisation.Kind.UNION_OF_MUNICIPALITIES,
)


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
