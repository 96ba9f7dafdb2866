"""Pages of the coordinators: the dashboard of a project, the network view across the
projects they coordinate (per project, per referring municipality, per district), the
printable report, the exports of every table, and the caseloads page.

Every view goes in the same order: access (403 for a user who is not a coordinator,
404 for a project they do not coordinate), then the input (a period, a split, a table,
a format: a clear message and a 400 when it is wrong, never a 500), then the
computation (dashboard.indicators, dashboard.selectors.caseloads), then the page or the
file.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import access_for
from dashboard import charts, exports, figures, indicators
from dashboard.forms import PeriodForm, quick_periods
from dashboard.indicators import TOTAL, Dimension, Period, ethos, pages
from partners.models import StaffMembership
from projects.models import Project

Role = StaffMembership.Role


PAGE_SIZE = 50


NAV = {"nav_section": "dashboard"}


NETWORK_DIMENSIONS = (Dimension.PROJECT, Dimension.MUNICIPALITY, Dimension.DISTRICT)


DASHBOARD_TABLES = ("indicatori", "andamento", "uscite")


def _coordinated_projects(user) -> list[Project]:
    return list(
        Project.objects.filter(pk__in=access_for(user).coordinated_projects).order_by("name")
    )


def _project_for(user, slug: str) -> Project:
    """A project the user coordinates, or 404 (403 first for a non-coordinator)."""
    access = access_for(user)
    access.require(access.may_see_dashboards())
    return get_object_or_404(Project.objects.filter(pk__in=access.coordinated_projects), slug=slug)


class BadInput(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _bad_request(request, error: BadInput, *, back: str):
    return render(
        request,
        "dashboard/dashboard_error.html",
        {"message": error.message, "back": back, **NAV},
        status=400,
    )


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _period(request) -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.GET)
    return form, (form.period if form.is_valid() else None)


def _period_or_bad(request) -> Period:
    form, period = _period(request)
    if period is None:
        raise BadInput(_("Il periodo non è valido. %(errors)s") % {"errors": _form_errors(form)})
    return period


def _dimension(request) -> Dimension:
    value = request.GET.get("per", Dimension.PROJECT.value)
    try:
        dimension = Dimension(value)
    except ValueError:
        dimension = None
    if dimension not in NETWORK_DIMENSIONS:
        raise BadInput(
            _(
                "Suddivisione sconosciuta: «%(value)s». Scegli per progetto, per comune o per ambito."
            )
            % {"value": value[:40]}
        )
    return dimension


def _check_export(table: str, fmt: str, tables) -> None:
    if fmt not in exports.FORMATS:
        raise BadInput(
            _("Formato di esportazione sconosciuto: «%(format)s». Si può scaricare in CSV o XLSX.")
            % {"format": fmt[:20]}
        )
    if table not in tables:
        raise BadInput(
            _("Tabella sconosciuta: «%(table)s». Si possono scaricare: %(tables)s.")
            % {"table": table[:40], "tables": ", ".join(tables)}
        )


def _query(period: Period, **extra) -> str:
    return urlencode({"dal": period.start.isoformat(), "al": period.end.isoformat(), **extra})


def _indicator_rows(report: indicators.Report, total: indicators.Report | None = None):
    """The rows of the indicators' table: per row, the spec and one figure per column
    (the groups of `report`, then the total when given)."""
    rows = []
    for position, row in enumerate(report.rows):
        figures = list(row.figures)
        if total is not None:
            figures.append(total.rows[position].figures[0])
        rows.append({"spec": row.spec, "figures": figures})
    return rows


def _columns(report: indicators.Report, total: indicators.Report | None = None) -> list[str]:
    columns = [group.label for group in report.groups]
    if total is not None:
        columns.append(_("Totale"))
    return columns


def _exit_rows(report: indicators.Report) -> list[dict]:
    """One row per destination group: the exits from the units and the case exits."""
    figures = (report.results.get("exits_by_destination") or {}).get(TOTAL, {})
    total = figures.get("exits") or 0
    case_total = figures.get("case_exits") or 0
    return [
        {
            "label": str(group.label),
            "count": figures.get(group.value) or 0,
            "share": indicators.share(figures.get(group.value), total),
            "case_count": figures.get(f"case_{group.value}") or 0,
            "case_share": indicators.share(figures.get(f"case_{group.value}"), case_total),
        }
        for group in indicators.DestinationGroup
    ]


def _dashboard(
    projects: list[Project], period: Period, by: Dimension | None, *, recompute: bool = False
) -> dict:
    """Everything a dashboard page shows. With `by`, one column per group and a total.
    The aggregates come from their snapshot (dashboard.figures), computed now only when
    there is none or when the user asks to recompute them."""
    ids = [p.pk for p in projects]
    stored = figures.get("dashboard", pages.figure_params(ids, period, by), force=recompute)
    results = stored.value
    total = indicators.report(projects=projects, period=period, results=results["total"])
    split = (
        indicators.report(projects=projects, period=period, by=by, results=results["split"])
        if by
        else None
    )
    months = results["months"]
    exit_rows = _exit_rows(total)
    return {
        "period": period,
        "figures": stored,
        # ETHOS Light movement (issue 19): the templates include reporting_ethos_movement.
        "cross_tables": pages.cross_tables(results),
        "ethos_definitions": ethos.definitions(),
        "columns": _columns(split, total) if split else _columns(total),
        "rows": _indicator_rows(split, total) if split else _indicator_rows(total),
        "single": split is None,
        "months": [{**month, "label": charts.month_label(month["month"])} for month in months],
        "trend_chart": charts.trend_chart(months, period),
        "series_labels": charts.series_labels(),
        "exit_rows": exit_rows,
        "exits_total": sum(row["count"] for row in exit_rows),
        "case_exits_total": sum(row["case_count"] for row in exit_rows),
        "exits_chart": charts.exits_chart(
            [(r["label"], r["count"], r["case_count"]) for r in exit_rows]
        ),
    }


def _figures_time(stored: figures.Figures) -> str:
    return formats.date_format(timezone.localtime(stored.computed_at), "SHORT_DATETIME_FORMAT")


def _period_notes(title: str, data: dict) -> list[tuple[str, str]]:
    period = data["period"]
    return [
        (_("Rapporto"), title),
        (
            _("Periodo"),
            _("dal %(start)s al %(end)s")
            % {
                "start": formats.date_format(period.start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(period.end, "SHORT_DATE_FORMAT"),
            },
        ),
        (_("Dati calcolati il"), _figures_time(data["figures"])),
    ]


def _indicators_table(data: dict, title: str) -> exports.Table:
    if data["single"]:
        columns = [_("Indicatore"), _("Valore"), _("Unità"), _("Base di calcolo"), _("Definizione")]
        rows = [
            [
                str(row["spec"].label),
                row["figures"][0].value,
                _unit_label(row["figures"][0]),
                str(row["figures"][0].detail),
                str(row["spec"].definition),
            ]
            for row in data["rows"]
        ]
    else:
        columns = [_("Indicatore"), _("Unità"), *data["columns"], _("Definizione")]
        rows = [
            [
                str(row["spec"].label),
                _unit_label(row["figures"][-1]),
                *(figure.value for figure in row["figures"]),
                str(row["spec"].definition),
            ]
            for row in data["rows"]
        ]
    return exports.Table(
        name="indicatori",
        title=_("Indicatori"),
        columns=columns,
        rows=rows,
        notes=_period_notes(title, data)
        + [(str(row["spec"].label), str(row["spec"].definition)) for row in data["rows"]],
    )


def _unit_label(figure: indicators.Figure) -> str:
    return {
        indicators.Unit.COUNT: _("numero"),
        indicators.Unit.PERCENT: "%",
        indicators.Unit.DAYS: _("giorni"),
        indicators.Unit.SCORE: _("punti (scala da 1 a 5)"),
    }[figure.unit]


def _trend_table(data: dict, title: str) -> exports.Table:
    labels = data["series_labels"]
    return exports.Table(
        name="andamento",
        title=_("Andamento mensile"),
        columns=[_("Mese"), labels["referrals"], labels["entries"], labels["exits"]],
        rows=[[m["label"], m["referrals"], m["entries"], m["exits"]] for m in data["months"]],
        notes=_period_notes(title, data),
    )


def _exits_table(data: dict, title: str) -> exports.Table:
    return exports.Table(
        name="uscite",
        title=_("Uscite per destinazione"),
        columns=[
            _("Destinazione"),
            _("Uscite dagli alloggi"),
            _("Quota (%)"),
            _("Dimissioni"),
            _("Quota delle dimissioni (%)"),
        ],
        rows=[
            [r["label"], r["count"], r["share"].value, r["case_count"], r["case_share"].value]
            for r in data["exit_rows"]
        ],
        notes=_period_notes(title, data),
    )


TABLE_BUILDERS = {
    "indicatori": _indicators_table,
    "andamento": _trend_table,
    "uscite": _exits_table,
}


def _network_title() -> str:
    return _("Cruscotto della rete")


def _recomputed(request):
    """After "Ricalcola ora" (a POST to the page's own address): back to the page."""
    messages.success(request, _("Cifre ricalcolate ora."))
    return redirect(request.get_full_path())


@require_http_methods(["GET", "POST"])
def dashboard(request, printable=False):
    """The projects the user coordinates side by side, with a total; split per project,
    per referring municipality or per district. A POST computes the figures again."""
    access = access_for(request.user)
    access.require(access.may_see_dashboards())
    projects = _coordinated_projects(request.user)
    form, period = _period(request)
    context = {
        "title": _network_title(),
        "projects": projects,
        "form": form,
        "quick_periods": [(label, _query(p)) for label, p in quick_periods()],
        "dimensions": [(d, d.label) for d in NETWORK_DIMENSIONS],
        **NAV,
    }
    try:
        context["dimension"] = _dimension(request)
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:dashboard"))
    if period is None or not projects:
        return render(
            request,
            "dashboard/dashboard_network.html",
            context,
            status=400 if period is None else 200,
        )
    recompute = request.method == "POST" and not printable
    context.update(_dashboard(projects, period, context["dimension"], recompute=recompute))
    if recompute:
        return _recomputed(request)
    context["query"] = _query(period, per=context["dimension"].value)
    template = "dashboard/dashboard_print.html" if printable else "dashboard/dashboard_network.html"
    return render(request, template, context)


@require_GET
def dashboard_print(request):
    return dashboard(request, printable=True)


@require_GET
def dashboard_export(request, table: str, fmt: str):
    access = access_for(request.user)
    access.require(access.may_see_dashboards())
    projects = _coordinated_projects(request.user)
    try:
        _check_export(table, fmt, DASHBOARD_TABLES)
        period = _period_or_bad(request)
        dimension = _dimension(request)
    except BadInput as error:
        return _bad_request(request, error, back=reverse("dashboard:dashboard"))
    if not projects:
        raise PermissionDenied
    data = _dashboard(projects, period, dimension)
    title = _network_title()
    return exports.response(
        TABLE_BUILDERS[table](data, title),
        fmt,
        name_parts=[
            "cruscotto-rete",
            dimension.value,
            period.start.isoformat(),
            period.end.isoformat(),
        ],
    )


def _project_title(project: Project) -> str:
    return _("Cruscotto di %(project)s") % {"project": project.display_name}


@require_http_methods(["GET", "POST"])
def project_dashboard(request, slug: str, printable=False):
    project = _project_for(request.user, slug)
    form, period = _period(request)
    context = {
        "title": _project_title(project),
        "project": project,
        "form": form,
        "quick_periods": [(label, _query(p)) for label, p in quick_periods()],
        **NAV,
    }
    if period is None:
        return render(request, "dashboard/dashboard_project.html", context, status=400)
    recompute = request.method == "POST" and not printable
    context.update(_dashboard([project], period, None, recompute=recompute))
    if recompute:
        return _recomputed(request)
    context["query"] = _query(period)
    template = "dashboard/dashboard_print.html" if printable else "dashboard/dashboard_project.html"
    return render(request, template, context)


@require_GET
def project_dashboard_print(request, slug: str):
    return project_dashboard(request, slug, printable=True)


@require_GET
def project_dashboard_export(request, slug: str, table: str, fmt: str):
    project = _project_for(request.user, slug)
    back = reverse("dashboard:project_dashboard", kwargs={"slug": project.slug})
    try:
        _check_export(table, fmt, DASHBOARD_TABLES)
        period = _period_or_bad(request)
    except BadInput as error:
        return _bad_request(request, error, back=back)
    data = _dashboard([project], period, None)
    return exports.response(
        TABLE_BUILDERS[table](data, _project_title(project)),
        fmt,
        name_parts=["cruscotto", project.slug, period.start.isoformat(), period.end.isoformat()],
    )
