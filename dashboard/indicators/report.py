"""The report: every indicator of the chosen projects, period and grouping, in rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from dashboard.indicators.period import TOTAL, Dimension, NotApplicable, Period
from dashboard.indicators.specs import INDICATORS, NOT_APPLICABLE, SPECS, Figure, Spec, _empty
from partners.models import Organisation
from projects.models import Project


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
        if name in ("occupancy", "contributions", "interpreters"):
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
    results: dict | None = None,
) -> Report:
    """The table of the dashboard: every indicator for each group of the dimension,
    from `results` when they were computed already (dashboard.figures)."""
    if results is None:
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
