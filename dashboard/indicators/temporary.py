"""The Ambito's monitoring table of temporary-housing services (abitare temporaneo, as
C.A.Se Desio reports it): per project, for a chosen period, the households and people
housed, the minors among them, entries, exits, the length of the stays that ended, and
the renewals decided. Four queries, each grouped per project by the database."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import years_before
from core.dates import DaysBetween
from dashboard.indicators.housing_first import first_entries
from dashboard.indicators.period import Period
from dashboard.indicators.queries import ADULT_AGE
from housing.models import Placement, PlacementRenewal
from projects.models import Project

COLUMNS = (
    ("households", _("Nuclei accolti")),
    ("people", _("Persone accolte")),
    ("minors", _("di cui minori")),
    ("entries", _("Ingressi")),
    ("exits", _("Uscite")),
    ("stay_average", _("Permanenza media delle uscite (giorni)")),
    ("ongoing", _("Permanenze in corso alla fine del periodo")),
    ("renewals_granted", _("Proroghe concesse")),
    ("renewals_refused", _("Proroghe non concesse")),
)

DEFINITIONS = {
    "households": _(
        "Nuclei con almeno una notte in un alloggio del progetto nel periodo (trasferimenti "
        "tra alloggi compresi: un nucleo conta una volta)."
    ),
    "people": _("Persone inserite negli alloggi di quei nuclei, contate una volta."),
    "minors": _("Persone accolte che alla fine del periodo hanno meno di 18 anni."),
    "entries": _("Primi ingressi nel periodo (non i trasferimenti tra alloggi)."),
    "exits": _(
        "Permanenze concluse nel periodo: l'uscita dall'ultimo alloggio, non i trasferimenti."
    ),
    "stay_average": _(
        "Per le permanenze concluse nel periodo, le notti dal primo ingresso all'ultima "
        "notte; la media."
    ),
    "ongoing": _("Permanenze iniziate entro la fine del periodo e non concluse entro essa."),
    "renewals_granted": _("Proroghe decise nel periodo e concesse."),
    "renewals_refused": _("Proroghe decise nel periodo e non concesse."),
}


def temporary_projects(projects) -> list[Project]:
    """Of the projects, those of temporary housing: the kind, or a maximum stay."""
    return [p for p in projects if p.kind == Project.Kind.TEMPORARY_HOUSING or p.max_stay_months]


@dataclass
class MonitoringRow:
    project: Project
    values: dict

    def cells(self) -> list:
        return [self.values.get(key) for key, _label in COLUMNS]


def monitoring(*, projects: list[Project], period: Period) -> list[MonitoringRow]:
    ids = [p.pk for p in projects]
    adult_born_by = years_before(period.end, ADULT_AGE)
    in_period = Placement.objects.filter(
        case__project_id__in=ids, start_date__lte=period.end
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start))
    housed = {
        row["case__project_id"]: row
        for row in in_period.values("case__project_id")
        .annotate(
            households=Count("household", distinct=True),
            people=Count("members", distinct=True),
            minors=Count("members", distinct=True, filter=Q(members__birth_date__gt=adult_born_by)),
        )
        .order_by()
    }
    stays = {
        row["case__project_id"]: row
        for row in first_entries(ids)
        .annotate(nights=DaysBetween(F("start_date"), F("stay_end")) + 1)
        .values("case__project_id")
        .annotate(
            entries=Count("pk", filter=Q(start_date__gte=period.start, start_date__lte=period.end)),
            exits=Count("pk", filter=Q(stay_end__gte=period.start, stay_end__lte=period.end)),
            stay_average=Avg(
                "nights", filter=Q(stay_end__gte=period.start, stay_end__lte=period.end)
            ),
            ongoing=Count(
                "pk",
                filter=Q(start_date__lte=period.end)
                & (Q(stay_end__isnull=True) | Q(stay_end__gt=period.end)),
            ),
        )
        .order_by()
    }
    renewals = {
        row["placement__case__project_id"]: row
        for row in PlacementRenewal.objects.filter(
            placement__case__project_id__in=ids,
            decided_on__gte=period.start,
            decided_on__lte=period.end,
        )
        .values("placement__case__project_id")
        .annotate(
            renewals_granted=Count("pk", filter=Q(decision=PlacementRenewal.Decision.GRANTED)),
            renewals_refused=Count("pk", filter=Q(decision=PlacementRenewal.Decision.REFUSED)),
        )
        .order_by()
    }
    rows = []
    for project in projects:
        values = {key: 0 for key, _label in COLUMNS}
        for source in (housed, stays, renewals):
            for key, value in source.get(project.pk, {}).items():
                if key in values:
                    values[key] = value or 0
        if values["stay_average"]:
            values["stay_average"] = round(float(values["stay_average"]), 1)
        else:
            values["stay_average"] = None
        rows.append(MonitoringRow(project, values))
    return rows
