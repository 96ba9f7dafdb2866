"""Housing First and housing-led monitoring, in the shape the network of fio.PSD (the
Italian federation of organisations for homeless people) and the national recovery
plan's housing-first measure (PNRR M5C2 1.3.1, whose target counts the people housed for
at least six months) use: time from referral to housing, housing retention at 6 and 12
months, people housed for at least six months, exits to stable housing, returns.

A stay (permanenza) is the household's time in the units of a project from its first
entry (a placement not moved from another) to the end of the last placement of the
chain of moves (a move between units of the network does not end a stay). Six and
twelve months are counted as 182 and 365 days.

Figures are split in total, per project, or per Ambito territoriale of the project: the
district the project serves (Project.area_served), directly or through a municipality
or union of municipalities that belongs to it (partners.OrganisationMembership). A
project serving no district is "without Ambito"; one serving two counts in the first.
Every figure is one query (the median two on SQLite, see queries._median).
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    DESTINATION_GROUPS,
    CaseExit,
    DestinationGroup,
    Referral,
)
from core.dates import DaysBetween
from dashboard.indicators.period import TOTAL, Period
from dashboard.indicators.period import _grouped as grouped
from dashboard.indicators.queries import RETURN_WINDOW_DAYS, _median
from housing.models import Placement
from partners.models import Organisation, OrganisationMembership
from projects.models import Project

SIX_MONTHS = 182
TWELVE_MONTHS = 365

# How many moves between units a stay follows (more than any real stay has).
CHAIN = 4


class Split(StrEnum):
    """How the figures are split: the values are the words of the page's URL."""

    TOTAL = "totale"
    PROJECT = "progetto"
    AMBITO = "ambito"

    @property
    def label(self) -> str:
        return str(SPLIT_LABELS[self])


SPLIT_LABELS = {
    Split.TOTAL: _("Totale"),
    Split.PROJECT: _("Per progetto"),
    Split.AMBITO: _("Per ambito territoriale del progetto"),
}


DISTRICT = Organisation.Kind.TERRITORIAL_DISTRICT


def project_ambito(project_ref: str):
    """The id of the Ambito territoriale of the project in `project_ref` (an OuterRef
    path): a district it serves, else the district of a municipality or union it
    serves; None when there is none."""
    direct = (
        Project.area_served.through.objects.filter(
            project_id=OuterRef(project_ref), organisation__kind=DISTRICT
        )
        .order_by("organisation_id")
        .values("organisation_id")[:1]
    )
    through = (
        OrganisationMembership.objects.filter(
            parent__kind=DISTRICT, member__projects_serving=OuterRef(project_ref)
        )
        .order_by("parent_id")
        .values("parent_id")[:1]
    )
    return Coalesce(
        Subquery(direct, output_field=IntegerField()),
        Subquery(through, output_field=IntegerField()),
        output_field=IntegerField(),
    )


def ambiti_of(project_ids) -> dict[int, int | None]:
    """{project id: its Ambito's id} in one query, for labels and for the Ambito filter."""
    return dict(
        Project.objects.filter(pk__in=list(project_ids))
        .annotate(ambito=project_ambito("pk"))
        .values_list("pk", "ambito")
    )


def group_key(split: Split, project_path: str = "case__project_id"):
    if split == Split.TOTAL:
        return None
    if split == Split.PROJECT:
        return F(project_path)
    return project_ambito(project_path)


def _date(value: datetime.date) -> Value:
    return Value(value, output_field=DateField())


def _links(prefix: str = "") -> list[str]:
    """The paths of the placements of a stay, from its first: "", "moved_to__", …"""
    return [prefix + "moved_to__" * step for step in range(CHAIN)]


def stay_end():
    """The last night of the stay that starts with this placement (None while the
    household is still in a unit)."""
    moved = Placement.ExitReason.MOVED
    whens = [
        When(~Q(**{f"{link}exit_reason": moved}), then=F(f"{link}end_date")) for link in _links()
    ]
    return SqlCase(*whens, default=Value(None), output_field=DateField())


def stay_destination():
    moved = Placement.ExitReason.MOVED
    whens = [
        When(~Q(**{f"{link}exit_reason": moved}), then=F(f"{link}destination")) for link in _links()
    ]
    return SqlCase(*whens, default=Value(""), output_field=CharField())


STABLE_DESTINATIONS = [d for d, g in DESTINATION_GROUPS.items() if g == DestinationGroup.STABLE]


def first_entries(project_ids):
    return Placement.objects.filter(
        case__project_id__in=list(project_ids), moved_from__isnull=True
    ).annotate(stay_end=stay_end(), stay_destination=stay_destination())


def _today(today) -> datetime.date:
    return today or timezone.localdate()


def time_to_housing(*, project_ids, period: Period, by=Split.TOTAL, today=None) -> dict:
    """Median days from sending the referral to the first entry in a unit, for first
    entries in the period."""
    entries = Placement.objects.filter(
        case__project_id__in=list(project_ids),
        start_date__gte=period.start,
        start_date__lte=period.end,
        moved_from__isnull=True,
        case__referral__sent_at__isnull=False,
    )
    waited = DaysBetween(TruncDate("case__referral__sent_at"), F("start_date"))
    return _median(entries, waited, group_key(by))


def retention(*, project_ids, period: Period, by=Split.TOTAL, today=None) -> dict:
    """For 6 and 12 months: the stays that started in the period at least that long
    before its end (or today, if sooner), and of them those still housed that long after
    the entry: in a unit of the project, or gone before to a stable home."""
    last_day = min(period.end, _today(today))
    stays = first_entries(project_ids).filter(start_date__gte=period.start)
    stays = stays.annotate(
        lasted=DaysBetween(F("start_date"), Coalesce(F("stay_end"), _date(last_day))) + 1
    )
    figures = {}
    stable = Q(stay_destination__in=STABLE_DESTINATIONS)
    for months, days in ((6, SIX_MONTHS), (12, TWELVE_MONTHS)):
        cohort = Q(start_date__lte=last_day - datetime.timedelta(days=days - 1))
        figures[f"cohort_{months}"] = Count("pk", filter=cohort)
        figures[f"retained_{months}"] = Count("pk", filter=cohort & (Q(lasted__gte=days) | stable))
    return grouped(stays, group_key(by), **figures)


def housed_six_months(*, project_ids, period: Period, by=Split.TOTAL, today=None) -> dict:
    """People in a stay on at least one day of the period, and those of them whose stay
    had lasted at least six months (182 nights) by the end of the period (or today)."""
    last_day = min(period.end, _today(today))
    stays = (
        first_entries(project_ids)
        .filter(start_date__lte=last_day)
        .filter(Q(stay_end__isnull=True) | Q(stay_end__gte=period.start))
        .annotate(
            lasted=DaysBetween(
                F("start_date"), Least(Coalesce(F("stay_end"), _date(last_day)), _date(last_day))
            )
            + 1
        )
    )
    return grouped(
        stays,
        group_key(by),
        people=Count("members", distinct=True),
        people_six_months=Count("members", distinct=True, filter=Q(lasted__gte=SIX_MONTHS)),
        households=Count("household", distinct=True),
    )


def stable_exits(*, project_ids, period: Period, by=Split.TOTAL, today=None) -> dict:
    """Stays that ended in the period, and those that ended in a stable home."""
    ended = first_entries(project_ids).filter(stay_end__gte=period.start, stay_end__lte=period.end)
    return grouped(
        ended,
        group_key(by),
        ended=Count("pk"),
        stable=Count("pk", filter=Q(stay_destination__in=STABLE_DESTINATIONS)),
    )


def hf_returns(*, project_ids, period: Period, by=Split.TOTAL, today=None) -> dict:
    """Case exits of the period (not transfers) and those whose household was referred
    again, to any project, within 365 days: the dashboard's definition, split here."""
    exits = CaseExit.objects.filter(
        case__project_id__in=list(project_ids),
        closed_on__gte=period.start,
        closed_on__lte=period.end,
    ).exclude(reason=CaseExit.Reason.TRANSFERRED)
    again = (
        Referral.objects.filter(household_id=OuterRef("case__household_id"), sent_at__isnull=False)
        .annotate(gap=DaysBetween(OuterRef("closed_on"), TruncDate("sent_at")))
        .filter(gap__gte=1, gap__lte=RETURN_WINDOW_DAYS)
    )
    return grouped(
        exits,
        group_key(by),
        exits=Count("pk"),
        returned=Count("pk", filter=Q(Exists(again))),
    )


INDICATORS = {
    "time_to_housing": time_to_housing,
    "retention": retention,
    "housed_six_months": housed_six_months,
    "stable_exits": stable_exits,
    "hf_returns": hf_returns,
}


def compute(*, project_ids, period: Period, by=Split.TOTAL, today=None) -> dict:
    return {
        name: function(project_ids=project_ids, period=period, by=by, today=today)
        for name, function in INDICATORS.items()
    }


__all__ = ["TOTAL", "Split", "compute", "ambiti_of", "project_ambito"]
