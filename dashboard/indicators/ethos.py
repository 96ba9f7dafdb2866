"""ETHOS Light movement: where the households were at entry (the opening of the case) and
where they are at exit and at the follow-ups, in the categories of ETHOS Light
(beneficiaries.models.ethos).

Two readings, both counted by the database:

- the cross-table (one query per moment): how many households went from each category at
  entry to each category at exit (or at a follow-up), "not recorded" included, so that
  the table adds up to every exit (follow-up) of the period;
- the summary (one query per moment, per group of the dimension): how many had both
  moments recorded, and of those how many improved (a higher rank in ETHOS_RANK: from the
  street towards a home), stayed in the same category or worsened.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import ETHOS_DEFINITIONS, ETHOS_RANK, CaseExit, EthosLight, FollowUp
from dashboard.indicators.housing_first import Split, group_key
from dashboard.indicators.period import VIA_CASE, Dimension, Period, _group_key, _grouped

NOT_RECORDED = ""

EXIT = "exit"
FOLLOW_UP = "follow_up"

MOMENT_LABELS = {
    EXIT: _("dall'ingresso all'uscita"),
    FOLLOW_UP: _("dall'ingresso al follow-up"),
}


def _rank(field: str) -> SqlCase:
    """The rank of the ETHOS category in `field` (0 when not recorded)."""
    return SqlCase(
        *(When(**{field: value}, then=Value(rank)) for value, rank in ETHOS_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def _moments(moment: str, project_ids, period: Period):
    """The rows of the moment in the period: case exits closed in it, or follow-ups done
    in it."""
    ids = list(project_ids)
    if moment == EXIT:
        return CaseExit.objects.filter(
            case__project_id__in=ids, closed_on__gte=period.start, closed_on__lte=period.end
        )
    return FollowUp.objects.filter(
        case__project_id__in=ids,
        done_on__gte=period.start,
        done_on__lte=period.end,
        done_on__isnull=False,
    )


@dataclass
class CrossTable:
    """Households by category at entry (rows) and at the moment (columns)."""

    moment: str
    counts: dict  # {(entry, later): count}

    @property
    def categories(self) -> list[tuple[str, str]]:
        """Rows and columns: the six categories, not homeless, not recorded."""
        return [(value, str(label)) for value, label in EthosLight.choices] + [
            (NOT_RECORDED, str(_("Non rilevata")))
        ]

    @property
    def label(self):
        return MOMENT_LABELS[self.moment]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cell(self, entry: str, later: str) -> int:
        return self.counts.get((entry, later), 0)

    def rows(self) -> list[dict]:
        """For the page and the exports: one row per category at entry."""
        columns = [value for value, _label in self.categories]
        return [
            {
                "value": value,
                "label": label,
                "cells": [self.cell(value, column) for column in columns],
                "total": sum(self.cell(value, column) for column in columns),
            }
            for value, label in self.categories
        ]

    def column_totals(self) -> list[int]:
        columns = [value for value, _label in self.categories]
        return [sum(self.cell(entry, column) for entry in columns) for column in columns]


def ethos_cross_table(*, project_ids, period: Period, moment: str = EXIT) -> CrossTable:
    """One query: the households of the moment counted by (category at entry, category
    at the moment)."""
    rows = (
        _moments(moment, project_ids, period)
        .values(entry=F("case__ethos_light"), later=F("ethos_light"))
        .annotate(n=Count("pk"))
        .order_by("entry", "later")
    )
    return CrossTable(moment, {(row["entry"], row["later"]): row["n"] for row in rows})


def _key(by: Dimension | Split):
    """The dashboard's dimensions (referrer's municipality, district) or the
    reporting's split (project's Ambito)."""
    if isinstance(by, Split):
        return group_key(by)
    return _group_key(by, VIA_CASE)


def ethos_change(*, project_ids, period: Period, by: Dimension | Split = Dimension.TOTAL) -> dict:
    """Per group: exits of the period with the category recorded at entry and at exit,
    and how many of them improved, stayed or worsened; the same for the follow-ups done
    in the period (prefix "fu_"). Two queries."""
    results = {}
    for moment, prefix in ((EXIT, ""), (FOLLOW_UP, "fu_")):
        queryset = _moments(moment, project_ids, period).annotate(
            entry_rank=_rank("case__ethos_light"), later_rank=_rank("ethos_light")
        )
        both = Q(entry_rank__gt=0, later_rank__gt=0)
        grouped = _grouped(
            queryset,
            _key(by),
            **{
                f"{prefix}moments": Count("pk"),
                f"{prefix}recorded": Count("pk", filter=both),
                f"{prefix}improved": Count("pk", filter=both & Q(later_rank__gt=F("entry_rank"))),
                f"{prefix}same": Count("pk", filter=both & Q(later_rank=F("entry_rank"))),
                f"{prefix}worse": Count("pk", filter=both & Q(later_rank__lt=F("entry_rank"))),
                f"{prefix}housed": Count(
                    "pk", filter=both & Q(ethos_light=EthosLight.NOT_HOMELESS)
                ),
            },
        )
        for group, values in grouped.items():
            results.setdefault(group, {}).update(values)
    return results


def definitions() -> list[tuple[str, str]]:
    """The categories and their definitions, for the page and the exports."""
    return [(label, ETHOS_DEFINITIONS[value]) for value, label in EthosLight.choices]
